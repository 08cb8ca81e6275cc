import {
  type Collection,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Db,
  type Document,
  Long,
  MongoClient,
  MongoServerError,
} from 'mongodb';
import { caught, type MongoTarget, SERVER_START_TIMEOUT_MS, startMongo } from './support';

jest.setTimeout(30_000);

interface Numbered {
  _id: number;
  n: number;
}

const TOTAL = 250;

let target: MongoTarget;
let client: MongoClient;
let db: Db;
let numbers: Collection<Numbered>;
let started: CommandStartedEvent[] = [];
let succeeded: CommandSucceededEvent[] = [];

beforeAll(async () => {
  target = await startMongo('cursors');
  client = new MongoClient(target.uri, { monitorCommands: true });
  client.on('commandStarted', (event) => started.push(event));
  client.on('commandSucceeded', (event) => succeeded.push(event));
  await client.connect();
  db = client.db();
  numbers = db.collection<Numbered>('numbers');
  await numbers.deleteMany({});
  // Inserted in reverse so that returning _id order really needs the sort.
  const docs = Array.from({ length: TOTAL }, (_, i) => ({ _id: TOTAL - i, n: TOTAL - i }));
  await numbers.insertMany(docs);
}, SERVER_START_TIMEOUT_MS);

afterAll(async () => {
  await client?.close();
  await target?.stop();
});

beforeEach(() => {
  started = [];
  succeeded = [];
});

function repliesTo(commandName: string): Document[] {
  return succeeded.filter((e) => e.commandName === commandName).map((e) => e.reply as Document);
}

function commandsNamed(commandName: string): Document[] {
  return started.filter((e) => e.commandName === commandName).map((e) => e.command);
}

describe('batched iteration', () => {
  it('when 250 documents are read with batchSize 10, then all arrive in order over many getMores', async () => {
    const seen: number[] = [];
    for await (const doc of numbers.find({}, { sort: { _id: 1 }, batchSize: 10 })) {
      seen.push(doc._id);
    }
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));

    const [findReply] = repliesTo('find');
    expect(findReply?.cursor.firstBatch).toHaveLength(10);
    const getMoreReplies = repliesTo('getMore');
    expect(getMoreReplies.length).toBeGreaterThanOrEqual(24);
    for (const reply of getMoreReplies) {
      expect(reply.cursor.nextBatch.length).toBeLessThanOrEqual(10);
    }
    const lastReply = getMoreReplies[getMoreReplies.length - 1];
    expect(Number(lastReply?.cursor.id)).toBe(0);
  });

  it('when toArray is used with a small batchSize, then the same complete result comes back', async () => {
    const docs = await numbers
      .find({ n: { $gt: 200 } }, { sort: { n: -1 }, batchSize: 7 })
      .toArray();
    expect(docs.map((d) => d.n)).toEqual(Array.from({ length: 50 }, (_, i) => TOTAL - i));
  });

  it('when an aggregate is read with batchSize 10, then getMore continues it to the end', async () => {
    const docs = await numbers
      .aggregate<{ n: number }>([{ $match: { n: { $lte: 35 } } }, { $sort: { n: 1 } }], {
        batchSize: 10,
      })
      .toArray();
    expect(docs.map((d) => d.n)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    expect(commandsNamed('getMore').length).toBeGreaterThanOrEqual(3);
  });
});

describe('closing early', () => {
  it('when a cursor is closed part-way, then the server forgets it and keeps serving', async () => {
    const cursor = numbers.find({}, { sort: { _id: 1 }, batchSize: 10 });
    const firstFifteen: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const doc = await cursor.next();
      if (doc) firstFifteen.push(doc._id);
    }
    expect(firstFifteen).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const cursorId = cursor.id;
    expect(cursorId).toBeInstanceOf(Long);
    expect(cursorId?.isZero()).toBe(false);

    await cursor.close();
    expect(commandsNamed('killCursors')).toHaveLength(1);
    const [killReply] = repliesTo('killCursors');
    expect(killReply?.cursorsKilled.map((id: Long | number) => String(id))).toEqual([
      String(cursorId),
    ]);

    const error = await caught(() =>
      db.command({ getMore: cursorId as Long, collection: 'numbers', batchSize: 10 }),
    );
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(43);

    expect(await numbers.countDocuments()).toBe(TOTAL);
    const again = await numbers.find({}, { sort: { _id: 1 }, batchSize: 10 }).toArray();
    expect(again).toHaveLength(TOTAL);
  });

  it('when many cursors are abandoned by closing, then new queries still succeed', async () => {
    for (let i = 0; i < 20; i += 1) {
      const cursor = numbers.find({}, { batchSize: 2 });
      await cursor.next();
      await cursor.close();
    }
    expect(await numbers.findOne({ _id: 125 })).toEqual({ _id: 125, n: 125 });
  });

  it('when killCursors names an unknown cursor, then it reports it as not found', async () => {
    const reply = await db.command({
      killCursors: 'numbers',
      cursors: [Long.fromNumber(987654321)],
    });
    expect(reply.ok).toBe(1);
    expect(reply.cursorsNotFound.map((id: Long | number) => String(id))).toEqual(['987654321']);
  });
});

describe('limit and batchSize together', () => {
  it('when limit 25 and batchSize 10 are combined, then exactly 25 documents come back', async () => {
    const docs = await numbers
      .find({}, { sort: { _id: 1 } })
      .limit(25)
      .batchSize(10)
      .toArray();
    expect(docs.map((d) => d._id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // The server closes the cursor itself once the limit is reached.
    expect(commandsNamed('killCursors')).toHaveLength(0);
    const replies = [...repliesTo('find'), ...repliesTo('getMore')];
    expect(Number(replies[replies.length - 1]?.cursor.id)).toBe(0);
  });

  it('when the limit is below the batch size, then one batch holds everything and the cursor is closed', async () => {
    const docs = await numbers
      .find({}, { sort: { _id: -1 } })
      .limit(5)
      .batchSize(10)
      .toArray();
    expect(docs.map((d) => d._id)).toEqual([250, 249, 248, 247, 246]);
    expect(commandsNamed('getMore')).toHaveLength(0);
    const [findReply] = repliesTo('find');
    expect(findReply?.cursor.firstBatch).toHaveLength(5);
    expect(Number(findReply?.cursor.id)).toBe(0);
  });

  it('when skip, limit and batchSize are combined, then the window is exact', async () => {
    const docs = await numbers
      .find({}, { sort: { _id: 1 } })
      .skip(100)
      .limit(13)
      .batchSize(4)
      .toArray();
    expect(docs.map((d) => d._id)).toEqual(Array.from({ length: 13 }, (_, i) => 101 + i));
  });

  it('when the result is smaller than batchSize, then the first reply already ends the cursor', async () => {
    const docs = await numbers.find({ n: { $lte: 3 } }, { batchSize: 10 }).toArray();
    expect(docs).toHaveLength(3);
    const [findReply] = repliesTo('find');
    expect(Number(findReply?.cursor.id)).toBe(0);
    expect(commandsNamed('getMore')).toHaveLength(0);
  });
});
