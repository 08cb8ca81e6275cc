// Stand-in for @ticketing/test-helpers' startNats() until that package lands:
// a real `nats-server -js` on a free port with a temporary store directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalNats {
  readonly url: string;
  readonly port: number;
  /** Stops the server, keeping its store so restart() brings the streams back. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and deletes the store. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not start:\n${output}`));
    }, 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startLocalNats(): Promise<LocalNats> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ticketing-nats-'));
  let child: ChildProcess | undefined = await launch(port, dir);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stopChild(child);
      child = undefined;
    },
    restart: async () => {
      await stopChild(child);
      child = await launch(port, dir);
    },
    dispose: async () => {
      await stopChild(child);
      child = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
