import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServer, ServerStartError, startRedis } from '../src';
import { isAlive, tryConnect } from './support/process-state';
import { redisCommand } from './support/raw-redis';

const started: RedisServer[] = [];
async function redis(options?: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const server = await startRedis(options);
  started.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

describe('startRedis', () => {
  test('when started, then it answers PING with PONG on its own port', async () => {
    const server = await redis();

    expect(await redisCommand(server.port, 'PING')).toBe('+PONG\r\n');
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await redisCommand(server.port, 'CONFIG', 'GET', 'dir')).toContain(server.dataDir);
  });

  test('when stopped, then the port is closed, the process is gone and the data removed', async () => {
    const server = await redis();
    const pid = server.pid as number;

    await server.stop();

    expect(await tryConnect(server.port)).toBe('ECONNREFUSED');
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
  });

  test('when appendonly and restarted, then a key written before is still there', async () => {
    const server = await redis({ appendonly: true });
    expect(await redisCommand(server.port, 'SET', 'job:1', 'pending')).toBe('+OK\r\n');
    const port = server.port;

    await server.stop({ keepData: true });
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    await server.restart();

    expect(server.port).toBe(port);
    expect(await redisCommand(port, 'GET', 'job:1')).toBe('$7\r\npending\r\n');
  });

  test('when appendonly with fsync always and killed, then the last write survives', async () => {
    const server = await redis({ appendonly: true, appendfsync: 'always' });
    await redisCommand(server.port, 'SET', 'job:2', 'delayed');

    await server.kill();
    await server.restart();

    expect(await redisCommand(server.port, 'GET', 'job:2')).toBe('$7\r\ndelayed\r\n');
  });

  test('when not appendonly and restarted, then the data is gone', async () => {
    const server = await redis();
    await redisCommand(server.port, 'SET', 'job:3', 'pending');

    await server.restart();

    expect(await redisCommand(server.port, 'GET', 'job:3')).toBe('$-1\r\n');
  });

  test('when two start at once, then they get different ports', async () => {
    const [a, b] = await Promise.all([redis(), redis()]);

    expect(a.port).not.toBe(b.port);
    await redisCommand(a.port, 'SET', 'who', 'a');
    expect(await redisCommand(b.port, 'GET', 'who')).toBe('$-1\r\n');
  });

  test('when the binary is not on PATH, then a ServerStartError says how to install it', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'no-bins-'));
    try {
      const error = await startRedis({ env: { PATH: emptyDir } }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ServerStartError);
      expect((error as Error).message).toBe(
        'redis-server not found on PATH; apt-get install redis-server',
      );
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  test('when redis rejects its configuration, then the error carries its output', async () => {
    const error = await startRedis({ args: ['--no-such-directive', 'x'] }).catch((e: unknown) => e);

    expect((error as ServerStartError).reason).toBe('early-exit');
    expect((error as Error).message).toContain('no-such-directive');
  });
});
