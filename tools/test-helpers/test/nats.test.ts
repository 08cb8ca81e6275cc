import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NatsServer, ServerStartError, startNats } from '../src';
import { isAlive, tryConnect } from './support/process-state';
import { RawNatsClient } from './support/raw-nats-client';

const started: NatsServer[] = [];
async function nats(options?: Parameters<typeof startNats>[0]): Promise<NatsServer> {
  const server = await startNats(options);
  started.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

async function createStreamWithOneMessage(port: number): Promise<void> {
  const { client } = await RawNatsClient.connect(port);
  try {
    const created = await client.request('$JS.API.STREAM.CREATE.DURABLE', {
      name: 'DURABLE',
      subjects: ['durable.>'],
      storage: 'file',
    });
    expect(created.error).toBeUndefined();
    const ack = await client.request('durable.one', { hello: 'world' });
    expect(ack).toMatchObject({ stream: 'DURABLE', seq: 1 });
  } finally {
    client.close();
  }
}

async function storedMessages(port: number): Promise<unknown> {
  const { client } = await RawNatsClient.connect(port);
  try {
    const info = await client.request('$JS.API.STREAM.INFO.DURABLE', undefined);
    return (info.state as { messages?: unknown } | undefined)?.messages;
  } finally {
    client.close();
  }
}

describe('startNats', () => {
  test('when started, then a raw TCP client gets an INFO banner with JetStream on', async () => {
    const server = await nats();

    const { client, info } = await RawNatsClient.connect(server.port);
    client.close();

    expect(info.jetstream).toBe(true);
    expect(info.port).toBe(server.port);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(readdirSync(server.dataDir)).toContain('jetstream');
  });

  test('when stopped, then the port is closed, the process is gone and the data removed', async () => {
    const server = await nats();
    const pid = server.pid;
    expect(pid).toBeDefined();

    await server.stop();

    expect(await tryConnect(server.port)).toBe('ECONNREFUSED');
    expect(isAlive(pid as number)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
    expect(server.running).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
    await expect(server.restart()).rejects.toThrow(/stopped without keepData/);
  });

  test('when stopped keeping data and restarted, then it is back on the same port with its streams', async () => {
    const server = await nats();
    await createStreamWithOneMessage(server.port);
    const { port, dataDir } = server;
    const firstPid = server.pid;

    await server.stop({ keepData: true });
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(existsSync(dataDir)).toBe(true);

    await server.restart();

    expect(server.port).toBe(port);
    expect(server.dataDir).toBe(dataDir);
    expect(server.pid).not.toBe(firstPid);
    expect(await storedMessages(port)).toBe(1);
  });

  test('when killed like a crash and restarted, then the stored stream survives', async () => {
    const server = await nats();
    await createStreamWithOneMessage(server.port);
    const crashedPid = server.pid as number;

    await server.kill();
    expect(isAlive(crashedPid)).toBe(false);
    await server.restart();

    expect(await storedMessages(server.port)).toBe(1);
  });

  test('when restarted while running, then it comes back on the same port', async () => {
    const server = await nats();
    const firstPid = server.pid as number;

    await server.restart();

    expect(isAlive(firstPid)).toBe(false);
    const { client, info } = await RawNatsClient.connect(server.port);
    client.close();
    expect(info.port).toBe(server.port);
  });

  test('when two start at once, then they get different ports and directories', async () => {
    const [a, b] = await Promise.all([nats(), nats()]);

    expect(a.port).not.toBe(b.port);
    expect(a.dataDir).not.toBe(b.dataDir);
    const [infoA, infoB] = await Promise.all([
      RawNatsClient.connect(a.port),
      RawNatsClient.connect(b.port),
    ]);
    infoA.client.close();
    infoB.client.close();
    expect(infoA.info.server_id).not.toBe(infoB.info.server_id);
  });

  test('when asked for monitoring, then the HTTP endpoint reports JetStream', async () => {
    const server = await nats({ monitor: true });

    const response = await fetch(`${server.monitorUrl}/jsz`);
    const body = (await response.json()) as { config?: { store_dir?: string } };

    expect(body.config?.store_dir).toContain(server.dataDir);
  });

  test('when the binary is not on PATH, then a ServerStartError says how to install it', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'no-bins-'));
    try {
      const error = await startNats({ env: { PATH: emptyDir } }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ServerStartError);
      expect((error as ServerStartError).reason).toBe('not-found');
      expect((error as Error).message).toBe(
        'nats-server not found on PATH; apt-get install nats-server',
      );
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  test('when a named binary does not exist, then the error names it', async () => {
    await expect(startNats({ binary: 'nats-server-that-does-not-exist' })).rejects.toThrow(
      'nats-server not found on PATH (tried "nats-server-that-does-not-exist"); apt-get install nats-server',
    );
  });

  test('when the server exits before it is ready, then the error carries its output', async () => {
    const error = await startNats({ args: ['--config', '/nonexistent/nats.conf'] }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as ServerStartError).reason).toBe('early-exit');
    expect((error as Error).message).toMatch(/nats-server exited \(code \d+\) before accepting/);
    expect((error as Error).message).toContain('/nonexistent/nats.conf');
  });
});
