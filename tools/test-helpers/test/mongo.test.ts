// `mongodb` is the driver mongodb-memory-server-core itself depends on.
import { MongoClient } from 'mongodb';
import { type MongoHandle, startMongo, useMongo } from '../src';

jest.setTimeout(60_000);

async function withClient<T>(uri: string, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.close();
  }
}

describe('startMongo', () => {
  let handle: MongoHandle | undefined;
  const writes: string[] = [];
  let writeSpy: jest.SpyInstance | undefined;

  beforeAll(() => {
    writeSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    });
  });

  afterAll(async () => {
    writeSpy?.mockRestore();
    await handle?.stop();
  });

  test('when started, then the driver can ping it and it is a replica set', async () => {
    handle = await startMongo({ dbName: 'helpers' });

    const { ping, hello } = await withClient(handle.uri, async (client) => ({
      ping: await client.db('admin').command({ ping: 1 }),
      hello: await client.db('admin').command({ hello: 1 }),
    }));

    expect(ping.ok).toBe(1);
    expect(hello.setName).toEqual(expect.any(String));
    expect(handle.uri).toContain(`replicaSet=${hello.setName}`);
    expect(['mongod', 'mongo-engine']).toContain(handle.engine);
  });

  test('when started twice in one process, then the choice was logged exactly once', async () => {
    const second = await startMongo();
    await second.stop();

    const lines = writes
      .join('')
      .split('\n')
      .filter((line) => line.includes('[test-helpers] MongoDB:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[test-helpers\] MongoDB: (real mongod|project engine) \(.+\)$/);
  });

  test('when stopped, then the server no longer answers', async () => {
    const stopped = await startMongo();
    await stopped.stop();

    const client = new MongoClient(stopped.uri, { serverSelectionTimeoutMS: 500 });
    await expect(client.connect()).rejects.toThrow();
    await client.close();
    await expect(stopped.stop()).resolves.toBeUndefined();
  });
});

describe('useMongo', () => {
  const mongo = useMongo({ dbName: 'hooked' });

  test('when used in a test file, then a running replica set is there for its tests', async () => {
    const hello = await withClient(mongo().uri, (client) =>
      client.db('admin').command({ hello: 1 }),
    );

    expect(hello.isWritablePrimary).toBe(true);
    expect(mongo().uri).toContain('/hooked?');
  });
});
