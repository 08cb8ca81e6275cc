// The root `npm run build` visits `tools/*` in name order, so local-stack comes
// before test-helpers (and its mongo-engine) on a fresh checkout. Build those first
// when their output is missing; an existing build is left to the root run to refresh.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const dependencies = ['@ticketing/mongo-engine', '@ticketing/test-helpers'];
const missing = dependencies.filter((name) => {
  const root = dirname(require.resolve(`${name}/package.json`));
  return !existsSync(join(root, 'build', 'index.d.ts'));
});

if (missing.length > 0) {
  process.stdout.write(`local-stack: building ${missing.join(', ')} first\n`);
  const args = ['run', 'build', ...missing.flatMap((name) => ['-w', name])];
  const result = spawnSync('npm', args, {
    stdio: 'inherit',
    cwd: join(__dirname, '..', '..', '..'),
  });
  process.exit(result.status ?? 1);
}
