import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoMemoryReplSet, MongoMemoryServer } from 'mongodb-memory-server-core';

// These tests run the built CLI (`npm run build` first; the package's test script does).
const BINARY = path.resolve(__dirname, '../../bin/mongod-engine');
const START_TIMEOUT = 60_000;

describe('mongod-engine as a mongod binary', () => {
  it('when asked --version, then it prints what mongod prints', () => {
    const out = execFileSync(BINARY, ['--version']).toString();
    const [first, second] = out.split('\n');
    expect(first).toBe('db version v7.0.24');
    expect(second).toBe('Build Info: {');
    expect(JSON.parse(out.slice(out.indexOf('{'))).version).toBe('7.0.24');
  });

  it('when the port is invalid, then it exits 2 naming the port', () => {
    let status: number | null = null;
    let stderr = '';
    try {
      execFileSync(BINARY, ['--port', 'seventy'], { stdio: 'pipe' });
    } catch (err) {
      const failure = err as { status: number | null; stderr: Buffer };
      status = failure.status;
      stderr = failure.stderr.toString();
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/--port/);
  });

  it('when the port is taken, then it logs "Address already in use" and exits non-zero', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const child = spawn(BINARY, [
        '--port',
        String(port),
        '--dbpath',
        '/nonexistent',
        '--unknownFlag',
      ]);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).not.toBe(0);
      expect(stdout).toMatch(/address already in use/i);
    } finally {
      blocker.close();
    }
  });

  it('when started standalone and sent SIGTERM, then it logs JSON lines and exits 0', async () => {
    const child = spawn(BINARY, [
      '--port',
      '0',
      '--setParameter',
      'enableTestCommands=1',
      '--quiet',
    ]);
    let stdout = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Waiting for connections')) resolve();
      });
    });
    const waiting = stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === 'Waiting for connections');
    expect(waiting).toMatchObject({
      s: 'I',
      c: 'NETWORK',
      id: 23016,
      ctx: 'listener',
      attr: { ssl: 'off' },
    });
    expect(waiting.t.$date).toMatch(/^\d{4}-\d\d-\d\dT/);
    const client = await MongoClient.connect(
      `mongodb://127.0.0.1:${waiting.attr.port}/?directConnection=true`,
    );
    const params = await client.db('admin').command({ getParameter: 1, enableTestCommands: 1 });
    expect(params.enableTestCommands).toBe('1');
    await client.close();
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it(
    'when mongodb-memory-server starts it as a standalone, then the driver can use it',
    async () => {
      const server = await MongoMemoryServer.create({ binary: { systemBinary: BINARY } });
      const client = await MongoClient.connect(server.getUri());
      try {
        await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
        await client.db('shop').collection('items').insertOne({ name: 'chair' });
        const found = await client.db('shop').collection('items').findOne({ name: 'chair' });
        expect(found?.name).toBe('chair');
      } finally {
        await client.close();
        await server.stop();
      }
    },
    START_TIMEOUT,
  );

  it(
    'when mongodb-memory-server starts it as a one-node replica set, then it becomes primary',
    async () => {
      const replSet = await MongoMemoryReplSet.create({
        replSet: { count: 1, name: 'rs0' },
        binary: { systemBinary: BINARY },
      });
      const uri = replSet.getUri();
      expect(uri).toMatch(/replicaSet=rs0/);
      const client = await MongoClient.connect(uri);
      try {
        const hello = await client.db('admin').command({ hello: 1 });
        expect(hello).toMatchObject({ setName: 'rs0', isWritablePrimary: true });
        await client.db('shop').collection('items').insertOne({ name: 'table' });
        expect(await client.db('shop').collection('items').countDocuments()).toBe(1);
      } finally {
        await client.close();
        await replSet.stop();
      }
    },
    START_TIMEOUT,
  );
});
