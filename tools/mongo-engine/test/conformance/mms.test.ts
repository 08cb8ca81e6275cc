import { MongoClient, MongoServerError, MongoServerSelectionError } from 'mongodb';
import {
  caught,
  connectMongo,
  disconnectMongo,
  type MongoTarget,
  SERVER_START_TIMEOUT_MS,
  startMemoryReplSet,
  startStandaloneMongo,
} from './support';

jest.setTimeout(SERVER_START_TIMEOUT_MS);

describe('standalone server', () => {
  let target: MongoTarget;
  let client: MongoClient;

  beforeAll(async () => {
    ({ target, client } = await connectMongo('mms_standalone', startStandaloneMongo));
  });

  afterAll(() => disconnectMongo({ target, client }));

  it('when connected, then hello reports a writable primary that is not in a replica set', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello.ok).toBe(1);
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.setName).toBeUndefined();
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(8);
  });

  it('when documents are written and read, then CRUD works', async () => {
    const notes = client.db().collection<{ _id: number; text: string }>('notes');
    await notes.insertMany([
      { _id: 1, text: 'a' },
      { _id: 2, text: 'b' },
    ]);
    await notes.updateOne({ _id: 1 }, { $set: { text: 'A' } });
    await notes.deleteOne({ _id: 2 });
    expect(await notes.find().toArray()).toEqual([{ _id: 1, text: 'A' }]);
  });

  it('when a transaction is attempted, then the server refuses: transaction numbers need a replica set', async () => {
    const notes = client.db().collection<{ _id: number; text: string }>('notes');
    const session = client.startSession();
    try {
      session.startTransaction();
      const error = await caught(() => notes.insertOne({ _id: 10, text: 'txn' }, { session }));
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(20);
      expect((error as MongoServerError).message).toMatch(
        /^Transaction numbers are only allowed on a replica set member or mongos/,
      );
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await notes.findOne({ _id: 10 })).toBeNull();
  });

  it('when replSetGetStatus is asked of a standalone, then it fails (not running with --replSet)', async () => {
    const error = await caught(() => client.db('admin').command({ replSetGetStatus: 1 }));
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(76);
  });
});

describe('single-node replica set', () => {
  it('when started, then hello names the set and replSetGetStatus shows one PRIMARY', async () => {
    const target = await startMemoryReplSet('mms_replset');
    const client = new MongoClient(target.uri);
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello.isWritablePrimary).toBe(true);
      expect(hello.setName).toBe('testset');
      expect(hello.hosts).toHaveLength(1);
      expect(typeof hello.logicalSessionTimeoutMinutes).toBe('number');

      const status = await client.db('admin').command({ replSetGetStatus: 1 });
      expect(status.set).toBe('testset');
      expect(status.myState).toBe(1);
      const primaries = status.members.filter(
        (member: { stateStr: string }) => member.stateStr === 'PRIMARY',
      );
      expect(primaries).toHaveLength(1);
      expect(primaries[0]).toMatchObject({ state: 1, health: 1, self: true });
    } finally {
      await client.close();
      await target.stop();
    }
  });

  it('when a replica set is stopped and a new one started, then the new one serves and starts empty', async () => {
    const first = await startMemoryReplSet('mms_first');
    const firstClient = new MongoClient(first.uri);
    // Same database name on both servers: only a fresh server explains an empty collection.
    await firstClient.db('mms_restart').collection('left').insertOne({ from: 'first' });
    await firstClient.close();
    await first.stop();

    const gone = new MongoClient(first.uri, { serverSelectionTimeoutMS: 1_000 });
    const unreachable = await caught(() => gone.db('admin').command({ ping: 1 }));
    expect(unreachable).toBeInstanceOf(MongoServerSelectionError);
    await gone.close();

    const second = await startMemoryReplSet('mms_second');
    const secondClient = new MongoClient(second.uri);
    try {
      const coll = secondClient.db('mms_restart').collection('left');
      expect(await coll.countDocuments()).toBe(0);
      const session = secondClient.startSession();
      try {
        await session.withTransaction(async () => {
          await coll.insertOne({ from: 'second' }, { session });
        });
      } finally {
        await session.endSession();
      }
      expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([
        { from: 'second' },
      ]);
    } finally {
      await secondClient.close();
      await second.stop();
    }
  });
});
