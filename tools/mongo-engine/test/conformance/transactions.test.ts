import {
  type ClientSession,
  type Collection,
  type Db,
  type MongoClient,
  MongoServerError,
} from 'mongodb';
import mongoose from 'mongoose';
import {
  caught,
  connectMongo,
  disconnectMongo,
  type MongoTarget,
  SERVER_START_TIMEOUT_MS,
} from './support';

jest.setTimeout(60_000);

interface Account {
  _id: string;
  balance: number;
}

interface Entry {
  _id: string;
  account: string;
  amount: number;
}

interface Doctor {
  _id: string;
  onCall: boolean;
}

let target: MongoTarget;
let client: MongoClient;
let db: Db;
let accounts: Collection<Account>;
let ledger: Collection<Entry>;
let doctors: Collection<Doctor>;
const openSessions: ClientSession[] = [];

beforeAll(async () => {
  ({ target, client, db } = await connectMongo('transactions'));
  // Created up front: servers before 4.4 refuse to create collections inside a transaction.
  for (const name of ['accounts', 'ledger', 'doctors']) {
    await db.createCollection(name);
  }
  accounts = db.collection<Account>('accounts');
  ledger = db.collection<Entry>('ledger');
  doctors = db.collection<Doctor>('doctors');
}, SERVER_START_TIMEOUT_MS);

afterAll(() => disconnectMongo({ target, client }));

beforeEach(async () => {
  await accounts.deleteMany({});
  await ledger.deleteMany({});
  await doctors.deleteMany({});
  await accounts.insertMany([
    { _id: 'alice', balance: 100 },
    { _id: 'bob', balance: 50 },
  ]);
});

afterEach(async () => {
  for (const session of openSessions.splice(0)) {
    await session.endSession();
  }
});

function session(): ClientSession {
  const opened = client.startSession();
  openSessions.push(opened);
  return opened;
}

async function balanceOf(id: string): Promise<number | undefined> {
  return (await accounts.findOne({ _id: id }))?.balance;
}

function expectWriteConflict(error: unknown): void {
  expect(error).toBeInstanceOf(MongoServerError);
  const serverError = error as MongoServerError;
  expect(serverError.code).toBe(112);
  expect(serverError.codeName).toBe('WriteConflict');
  expect(serverError.hasErrorLabel('TransientTransactionError')).toBe(true);
}

describe('commit and abort', () => {
  it('when withTransaction commits, then all writes become visible together and not before', async () => {
    const s = session();
    const seenOutsideBeforeCommit: Array<number | undefined> = [];
    let ledgerOutsideBeforeCommit = -1;
    let ledgerInside = -1;
    await s.withTransaction(async () => {
      await accounts.updateOne({ _id: 'alice' }, { $inc: { balance: -30 } }, { session: s });
      await accounts.updateOne({ _id: 'bob' }, { $inc: { balance: 30 } }, { session: s });
      await ledger.insertMany(
        [
          { _id: 't1-a', account: 'alice', amount: -30 },
          { _id: 't1-b', account: 'bob', amount: 30 },
        ],
        { session: s },
      );
      // Reads inside the transaction see its own writes...
      ledgerInside = await ledger.countDocuments({}, { session: s });
      // ...while a reader outside sees none of them yet.
      seenOutsideBeforeCommit.push(await balanceOf('alice'), await balanceOf('bob'));
      ledgerOutsideBeforeCommit = await ledger.countDocuments();
    });
    expect(ledgerInside).toBe(2);
    expect(seenOutsideBeforeCommit).toEqual([100, 50]);
    expect(ledgerOutsideBeforeCommit).toBe(0);
    expect(await balanceOf('alice')).toBe(70);
    expect(await balanceOf('bob')).toBe(80);
    expect(await ledger.countDocuments()).toBe(2);
  });

  it('when a transaction is started and committed by hand, then its writes are durable afterwards', async () => {
    const s = session();
    s.startTransaction();
    await ledger.insertOne({ _id: 'manual', account: 'alice', amount: 1 }, { session: s });
    await accounts.deleteOne({ _id: 'bob' }, { session: s });
    expect(await ledger.findOne({ _id: 'manual' })).toBeNull();
    expect(await balanceOf('bob')).toBe(50);
    await s.commitTransaction();
    expect(await ledger.findOne({ _id: 'manual' })).toEqual({
      _id: 'manual',
      account: 'alice',
      amount: 1,
    });
    expect(await balanceOf('bob')).toBeUndefined();
  });

  it('when a transaction is aborted, then none of its inserts, updates or deletes remain', async () => {
    const s = session();
    s.startTransaction();
    await ledger.insertOne({ _id: 'gone', account: 'alice', amount: 5 }, { session: s });
    await accounts.updateOne({ _id: 'alice' }, { $set: { balance: 0 } }, { session: s });
    await accounts.deleteOne({ _id: 'bob' }, { session: s });
    await s.abortTransaction();
    expect(await ledger.countDocuments()).toBe(0);
    expect(await balanceOf('alice')).toBe(100);
    expect(await balanceOf('bob')).toBe(50);
  });

  it('when the callback of withTransaction throws, then the transaction is aborted and the error surfaces', async () => {
    const s = session();
    const error = await caught(() =>
      s.withTransaction(async () => {
        await accounts.updateOne({ _id: 'alice' }, { $set: { balance: 1 } }, { session: s });
        throw new Error('business rule failed');
      }),
    );
    expect((error as Error).message).toBe('business rule failed');
    expect(await balanceOf('alice')).toBe(100);
  });

  it('when a session ends in the middle of a transaction, then its writes are discarded', async () => {
    const s = client.startSession();
    s.startTransaction();
    await ledger.insertOne({ _id: 'ended', account: 'bob', amount: 1 }, { session: s });
    await s.endSession();
    expect(await ledger.countDocuments()).toBe(0);
    // The document is not locked by a leftover transaction: plain writes go through.
    await ledger.insertOne({ _id: 'ended', account: 'bob', amount: 2 });
    expect((await ledger.findOne({ _id: 'ended' }))?.amount).toBe(2);
  });

  it('when a transaction inserts a duplicate _id, then the write fails and the transaction cannot commit', async () => {
    const s = session();
    s.startTransaction();
    await ledger.insertOne({ _id: 'x', account: 'alice', amount: 1 }, { session: s });
    const duplicate = await caught(() =>
      accounts.insertOne({ _id: 'alice', balance: 0 }, { session: s }),
    );
    expect((duplicate as MongoServerError).code).toBe(11000);
    const commit = await caught(() => s.commitTransaction());
    expect(commit).toBeInstanceOf(MongoServerError);
    expect((commit as MongoServerError).code).toBe(251);
    expect(await ledger.countDocuments()).toBe(0);
  });
});

describe('isolation', () => {
  it('when a transaction has read once, then a write committed outside afterwards stays invisible to it', async () => {
    const s = session();
    s.startTransaction({ readConcern: { level: 'snapshot' } });
    expect((await accounts.findOne({ _id: 'alice' }, { session: s }))?.balance).toBe(100);

    await accounts.updateOne({ _id: 'alice' }, { $set: { balance: 1 } });
    await accounts.insertOne({ _id: 'carol', balance: 7 });
    expect(await balanceOf('alice')).toBe(1);

    expect((await accounts.findOne({ _id: 'alice' }, { session: s }))?.balance).toBe(100);
    expect(await accounts.findOne({ _id: 'carol' }, { session: s })).toBeNull();
    expect(await accounts.countDocuments({}, { session: s })).toBe(2);
    await s.commitTransaction();
    expect(await balanceOf('alice')).toBe(1);
  });

  it('when two transactions write the same document, then the second write fails with a transient WriteConflict', async () => {
    const first = session();
    const second = session();
    first.startTransaction();
    second.startTransaction();
    await accounts.updateOne({ _id: 'alice' }, { $inc: { balance: 1 } }, { session: first });
    const error = await caught(() =>
      accounts.updateOne({ _id: 'alice' }, { $inc: { balance: 10 } }, { session: second }),
    );
    expectWriteConflict(error);
    await second.abortTransaction();
    await first.commitTransaction();
    expect(await balanceOf('alice')).toBe(101);
  });

  it('when a transaction writes a document committed by another after its snapshot, then it gets a WriteConflict', async () => {
    const s = session();
    s.startTransaction();
    expect(await balanceOf('alice')).toBe(100);
    await accounts.findOne({ _id: 'bob' }, { session: s });
    await accounts.updateOne({ _id: 'alice' }, { $inc: { balance: 5 } });
    const error = await caught(() =>
      accounts.updateOne({ _id: 'alice' }, { $inc: { balance: 10 } }, { session: s }),
    );
    expectWriteConflict(error);
    await s.abortTransaction();
    expect(await balanceOf('alice')).toBe(105);
  });

  it('when two transactions write different documents after reading both, then both commit (write skew is allowed)', async () => {
    await doctors.insertMany([
      { _id: 'house', onCall: true },
      { _id: 'wilson', onCall: true },
    ]);
    const first = session();
    const second = session();
    first.startTransaction();
    second.startTransaction();
    expect(await doctors.countDocuments({ onCall: true }, { session: first })).toBe(2);
    expect(await doctors.countDocuments({ onCall: true }, { session: second })).toBe(2);
    await doctors.updateOne({ _id: 'house' }, { $set: { onCall: false } }, { session: first });
    await doctors.updateOne({ _id: 'wilson' }, { $set: { onCall: false } }, { session: second });
    await first.commitTransaction();
    await second.commitTransaction();
    expect(await doctors.countDocuments({ onCall: true })).toBe(0);
  });

  it('when withTransaction meets a transient conflict, then it retries the callback and ends in the right state', async () => {
    const holder = session();
    holder.startTransaction();
    await accounts.updateOne({ _id: 'alice' }, { $inc: { balance: 1 } }, { session: holder });

    const s = session();
    let attempts = 0;
    await s.withTransaction(async () => {
      attempts += 1;
      try {
        await accounts.updateOne({ _id: 'alice' }, { $inc: { balance: 10 } }, { session: s });
        await ledger.insertOne(
          { _id: `retry-${attempts}`, account: 'alice', amount: 10 },
          {
            session: s,
          },
        );
      } finally {
        // Let the conflicting transaction finish so that the retry can succeed.
        if (attempts === 1) await holder.commitTransaction();
      }
    });
    expect(attempts).toBe(2);
    expect(await balanceOf('alice')).toBe(111);
    expect(await ledger.find().toArray()).toEqual([
      { _id: 'retry-2', account: 'alice', amount: 10 },
    ]);
  });
});

describe('mongoose transactions', () => {
  let connection: mongoose.Connection;
  let Ticket: mongoose.Model<{ title: string; price: number }>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(target.uri).asPromise();
    const schema = new mongoose.Schema({
      title: { type: String, required: true },
      price: { type: Number, required: true },
    });
    Ticket = connection.model('Ticket', schema);
    await Ticket.init();
  });

  afterAll(async () => {
    await connection?.close();
  });

  beforeEach(async () => {
    await Ticket.deleteMany({});
  });

  it('when connection.transaction() saves models, then all of them are committed', async () => {
    await connection.transaction(async (s) => {
      await Ticket.create([{ title: 'concert', price: 10 }], { session: s });
      await new Ticket({ title: 'opera', price: 20 }).save({ session: s });
      expect(await Ticket.countDocuments()).toBe(0);
    });
    const titles = (await Ticket.find().sort({ title: 1 })).map((t) => t.title);
    expect(titles).toEqual(['concert', 'opera']);
  });

  it('when connection.transaction() fails midway, then nothing it saved remains', async () => {
    const error = await caught(() =>
      connection.transaction(async (s) => {
        await new Ticket({ title: 'concert', price: 10 }).save({ session: s });
        await Ticket.updateOne({ title: 'concert' }, { $set: { price: 99 } }, { session: s });
        throw new Error('payment declined');
      }),
    );
    expect((error as Error).message).toBe('payment declined');
    expect(await Ticket.countDocuments()).toBe(0);
  });

  it('when session.withTransaction saves and updates models, then the final state is committed', async () => {
    const existing = await Ticket.create({ title: 'play', price: 5 });
    const s = await connection.startSession();
    try {
      await s.withTransaction(async () => {
        const ticket = await Ticket.findById(existing._id).session(s);
        if (!ticket) throw new Error('ticket vanished');
        ticket.price = 15;
        await ticket.save({ session: s });
        await new Ticket({ title: 'ballet', price: 30 }).save({ session: s });
      });
    } finally {
      await s.endSession();
    }
    expect((await Ticket.findById(existing._id))?.price).toBe(15);
    expect(await Ticket.countDocuments()).toBe(2);
  });
});
