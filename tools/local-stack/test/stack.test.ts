import { startStack } from '../src/stack';

describe('startStack', () => {
  test('when the services are not built, then it refuses to start and names them', async () => {
    const lines: string[] = [];

    await expect(
      startStack({
        repoRoot: '/nonexistent',
        services: ['auth', 'orders'],
        log: (line) => lines.push(line),
      }),
    ).rejects.toThrow('not built: auth, orders; run `npm run build` at the repository root');
    expect(lines).toEqual([]);
  });
});
