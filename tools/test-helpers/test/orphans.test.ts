import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, isAlive } from './support/process-state';

interface Held {
  pids: number[];
  dirs: string[];
}

/** Starts a process that starts nats-server and redis-server and reports them. */
async function startHolder(
  mode: 'wait' | 'throw' | 'orderly',
): Promise<{ holder: ChildProcess; held: Held }> {
  const holder = spawn(process.execPath, [join(__dirname, 'fixtures', 'hold-servers.js'), mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  holder.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    holder.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    holder.once('exit', (code) => reject(new Error(`holder exited ${code}: ${stderr}`)));
  });
  const held = JSON.parse(line) as Held;
  for (const pid of held.pids) expect(isAlive(pid)).toBe(true);
  return { holder, held };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function expectAllGone(held: Held): Promise<void> {
  await eventually(() => held.pids.every((pid) => !isAlive(pid)), 'the servers are gone');
  await eventually(() => held.dirs.every((dir) => !existsSync(dir)), 'the data dirs are gone');
}

// Each case boots a Node process that transpiles the sources: slow on a busy machine.
jest.setTimeout(60_000);

describe('servers never outlive the process that started them', () => {
  test('when that process is SIGKILLed (no exit handler runs), then its servers die too', async () => {
    const { holder, held } = await startHolder('wait');

    holder.kill('SIGKILL');
    await exitOf(holder);

    await expectAllGone(held);
  });

  test('when that process crashes on an uncaught exception, then its servers die too', async () => {
    const { holder, held } = await startHolder('throw');

    expect((await exitOf(holder)).code).toBe(1);

    await expectAllGone(held);
  });

  test('when that process gets SIGTERM, then its servers die and it still exits by the signal', async () => {
    const { holder, held } = await startHolder('wait');

    holder.kill('SIGTERM');

    expect((await exitOf(holder)).signal).toBe('SIGTERM');
    await expectAllGone(held);
  });

  test('when that process handles SIGTERM itself, then its servers are left to its own orderly stop', async () => {
    const { holder, held } = await startHolder('orderly');

    holder.kill('SIGTERM');

    // Exit code 0 means the servers were still running when its handler looked.
    expect(await exitOf(holder)).toEqual({ code: 0, signal: null });
    await expectAllGone(held);
  });
});
