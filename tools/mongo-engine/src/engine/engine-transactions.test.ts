import type { Document } from 'bson';
import { deserialize, Long, serialize, UUID } from 'bson';
import { CommandError } from '../errors';
import { Engine } from './index';

/** Commands and replies pass through BSON, as they do between the driver and the wire server. */
class WireEngine extends Engine {
  override async runCommand(db: string, cmd: Document): Promise<Document> {
    const sent = deserialize(serialize(cmd), { promoteValues: false });
    return deserialize(serialize(await super.runCommand(db, sent)), { promoteLongs: false });
  }
}

function buildEngine(replicaSet = true): Engine {
  return new WireEngine({ isReplicaSet: () => replicaSet });
}

async function expectCommandError(promise: Promise<unknown>, code: number): Promise<CommandError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).code).toBe(code);
    return err as CommandError;
  }
  throw new Error(`expected a CommandError with code ${code}`);
}

/** A driver-like session: sends lsid/txnNumber/autocommit like the Node driver does. */
class TestSession {
  readonly lsid = { id: new UUID() };
  private txnNumber = 0;
  private first = false;

  constructor(private readonly engine: Engine) {}

  start(): void {
    this.txnNumber += 1;
    this.first = true;
  }

  run(cmd: Document, db = 'app'): Promise<Document> {
    const extra: Document = {
      lsid: this.lsid,
      txnNumber: Long.fromNumber(this.txnNumber),
      autocommit: false,
    };
    if (this.first) extra.startTransaction = true;
    this.first = false;
    return this.engine.runCommand(db, { ...cmd, ...extra });
  }

  commit(): Promise<Document> {
    return this.run({ commitTransaction: 1 }, 'admin');
  }

  abort(): Promise<Document> {
    return this.run({ abortTransaction: 1 }, 'admin');
  }
}

async function findDocs(
  engine: Engine,
  filter: Document = {},
  session?: TestSession,
): Promise<Document[]> {
  const cmd = { find: 'c', filter, sort: { _id: 1 } };
  const reply = session ? await session.run(cmd) : await engine.runCommand('app', cmd);
  return reply.cursor.firstBatch as Document[];
}

async function seed(engine: Engine, docs: Document[]): Promise<void> {
  await engine.runCommand('app', { insert: 'c', documents: docs });
}

/** Lets pending promise callbacks run, without depending on wall-clock time. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('Engine transactions', () => {
  it('when a standalone receives a txnNumber, then it answers IllegalOperation like mongod', async () => {
    const engine = buildEngine(false);
    const err = await expectCommandError(
      engine.runCommand('app', {
        insert: 'c',
        documents: [{}],
        lsid: { id: new UUID() },
        txnNumber: Long.fromNumber(1),
      }),
      20,
    );
    expect(err.message).toBe(
      'Transaction numbers are only allowed on a replica set member or mongos',
    );
  });

  it('when committed, then the writes become visible to others only at commit', async () => {
    const engine = buildEngine();
    const s = new TestSession(engine);
    s.start();
    await s.run({ insert: 'c', documents: [{ _id: 1, v: 'a' }] });
    await s.run({ insert: 'c', documents: [{ _id: 2, v: 'b' }] });
    expect(await findDocs(engine, {}, s)).toHaveLength(2);
    expect(await findDocs(engine)).toHaveLength(0);
    expect(await s.commit()).toEqual({ ok: 1 });
    expect(await findDocs(engine)).toHaveLength(2);
    expect(await s.commit()).toEqual({ ok: 1 });
    await expectCommandError(s.abort(), 256);
  });

  it('when aborted, then no trace is left and later commands get NoSuchTransaction', async () => {
    const engine = buildEngine();
    await seed(engine, [{ _id: 1, v: 0 }]);
    const s = new TestSession(engine);
    s.start();
    await s.run({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { v: 1 } } }] });
    await s.run({ insert: 'c', documents: [{ _id: 2 }] });
    await s.run({ delete: 'c', deletes: [{ q: { _id: 1 }, limit: 1 }] });
    expect(await s.abort()).toEqual({ ok: 1 });
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 0 }]);
    const err = await expectCommandError(s.run({ find: 'c', filter: {} }), 251);
    expect(err.errorLabels).toContain('TransientTransactionError');
    const commitErr = await expectCommandError(s.commit(), 251);
    expect(commitErr.errorLabels).toContain('TransientTransactionError');
  });

  it('when others commit after the snapshot, then the transaction keeps reading its snapshot', async () => {
    const engine = buildEngine();
    await seed(engine, [{ _id: 1, v: 0 }]);
    const s = new TestSession(engine);
    s.start();
    expect(await findDocs(engine, {}, s)).toEqual([{ _id: 1, v: 0 }]);
    await engine.runCommand('app', {
      update: 'c',
      updates: [{ q: { _id: 1 }, u: { $set: { v: 5 } } }],
    });
    await engine.runCommand('app', { insert: 'c', documents: [{ _id: 2, v: 9 }] });
    expect(await findDocs(engine, {}, s)).toEqual([{ _id: 1, v: 0 }]);
    expect((await s.run({ count: 'c' })).n).toBe(1);
    await s.commit();
    expect(await findDocs(engine)).toEqual([
      { _id: 1, v: 5 },
      { _id: 2, v: 9 },
    ]);
  });

  it('when two transactions write different documents, then both commit (write skew is allowed)', async () => {
    const engine = buildEngine();
    await seed(engine, [
      { _id: 'alice', onCall: true },
      { _id: 'bob', onCall: true },
    ]);
    const s1 = new TestSession(engine);
    const s2 = new TestSession(engine);
    s1.start();
    s2.start();
    expect((await s1.run({ count: 'c', query: { onCall: true } })).n).toBe(2);
    expect((await s2.run({ count: 'c', query: { onCall: true } })).n).toBe(2);
    await s1.run({
      update: 'c',
      updates: [{ q: { _id: 'alice' }, u: { $set: { onCall: false } } }],
    });
    await s2.run({ update: 'c', updates: [{ q: { _id: 'bob' }, u: { $set: { onCall: false } } }] });
    await s1.commit();
    await s2.commit();
    expect((await engine.runCommand('app', { count: 'c', query: { onCall: true } })).n).toBe(0);
  });

  it('when a second transaction writes a document the first has written, then it gets WriteConflict and is aborted', async () => {
    const engine = buildEngine();
    await seed(engine, [{ _id: 1, v: 0 }]);
    const s1 = new TestSession(engine);
    const s2 = new TestSession(engine);
    s1.start();
    s2.start();
    await s1.run({ update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { v: 1 } } }] });
    const err = await expectCommandError(
      s2.run({ update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { v: 10 } } }] }),
      112,
    );
    expect(err.errorLabels).toEqual(['TransientTransactionError']);
    const after = await expectCommandError(s2.run({ find: 'c', filter: {} }), 251);
    expect(after.errorLabels).toContain('TransientTransactionError');
    await s1.commit();
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 1 }]);
    s2.start();
    await s2.run({ update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { v: 10 } } }] });
    await s2.commit();
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 11 }]);
  });

  it('when a transaction writes a document committed by someone else after its snapshot, then WriteConflict', async () => {
    const engine = buildEngine();
    await seed(engine, [{ _id: 1, v: 0 }]);
    const s = new TestSession(engine);
    s.start();
    await s.run({ find: 'c', filter: {} });
    await engine.runCommand('app', {
      update: 'c',
      updates: [{ q: { _id: 1 }, u: { $set: { v: 7 } } }],
    });
    await expectCommandError(
      s.run({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { v: 8 } } }] }),
      112,
    );
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 7 }]);
  });

  it('when two transactions insert the same unique key, then the second conflicts; after commit it is a duplicate', async () => {
    const engine = buildEngine();
    await engine.runCommand('app', {
      createIndexes: 'c',
      indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }],
    });
    const s1 = new TestSession(engine);
    const s2 = new TestSession(engine);
    s1.start();
    s2.start();
    await s1.run({ insert: 'c', documents: [{ email: 'a@x.io' }] });
    await expectCommandError(s2.run({ insert: 'c', documents: [{ email: 'a@x.io' }] }), 112);
    await s1.commit();
    const s3 = new TestSession(engine);
    s3.start();
    const dup = await s3.run({ insert: 'c', documents: [{ email: 'a@x.io' }] });
    expect(dup.writeErrors[0].code).toBe(11000);
    await expectCommandError(s3.commit(), 251);
  });

  it('when a plain write hits a document an open transaction wrote, then it waits for the commit and applies after it', async () => {
    const engine = buildEngine();
    await seed(engine, [{ _id: 1, v: 0 }]);
    const s = new TestSession(engine);
    s.start();
    await s.run({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { v: 10 } } }] });
    let settled = false;
    const plain = engine
      .runCommand('app', { update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { v: 1 } } }] })
      .then((r) => {
        settled = true;
        return r;
      });
    await flushMicrotasks();
    expect(settled).toBe(false);
    await s.commit();
    expect(await plain).toEqual({ n: 1, nModified: 1, ok: 1 });
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 11 }]);
  });

  it('when a plain write waits on a transaction that aborts, then it applies to the original document', async () => {
    const engine = buildEngine();
    await seed(engine, [{ _id: 1, v: 0 }]);
    const s = new TestSession(engine);
    s.start();
    await s.run({ delete: 'c', deletes: [{ q: { _id: 1 }, limit: 1 }] });
    const plain = engine.runCommand('app', {
      update: 'c',
      updates: [{ q: { _id: 1 }, u: { $inc: { v: 1 } } }],
    });
    await flushMicrotasks();
    await s.abort();
    expect((await plain).nModified).toBe(1);
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 1 }]);
  });

  it('when a plain write waits longer than the lock wait, then it fails with WriteConflict', async () => {
    const engine = new WireEngine({ isReplicaSet: () => true, lockWaitMs: 1 });
    await seed(engine, [{ _id: 1, v: 0 }]);
    const s = new TestSession(engine);
    s.start();
    await s.run({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { v: 10 } } }] });
    const reply = await engine.runCommand('app', {
      update: 'c',
      updates: [{ q: { _id: 1 }, u: { $inc: { v: 1 } } }],
    });
    expect(reply.writeErrors[0].code).toBe(112);
    await s.commit();
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 10 }]);
  });

  it('when a transaction stays idle past its lifetime, then it is aborted server-side', async () => {
    const engine = new Engine({ isReplicaSet: () => true, transactionLifetimeMs: 0 });
    const s = new TestSession(engine);
    s.start();
    await s.run({ insert: 'c', documents: [{ _id: 1 }] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expectCommandError(s.commit(), 251);
    expect(await findDocs(engine)).toEqual([]);
  });

  it('when a new txnNumber starts on the same session, then the older open transaction is aborted', async () => {
    const engine = buildEngine();
    const s = new TestSession(engine);
    s.start();
    await s.run({ insert: 'c', documents: [{ _id: 1 }] });
    s.start();
    await s.run({ insert: 'c', documents: [{ _id: 2 }] });
    await s.commit();
    expect(await findDocs(engine)).toEqual([{ _id: 2 }]);
  });

  it('when a retryable write is retried with the same txnNumber, then it is applied once', async () => {
    const engine = buildEngine();
    const lsid = { id: new UUID() };
    const cmd = {
      update: 'c',
      updates: [{ q: { _id: 1 }, u: { $inc: { v: 1 } }, upsert: true }],
      lsid,
      txnNumber: Long.fromNumber(1),
    };
    const first = await engine.runCommand('app', cmd);
    const retry = await engine.runCommand('app', cmd);
    expect(retry).toEqual(first);
    expect(await findDocs(engine)).toEqual([{ _id: 1, v: 1 }]);
  });

  it('when ending a session, then its open transaction is aborted', async () => {
    const engine = buildEngine();
    const s = new TestSession(engine);
    s.start();
    await s.run({ insert: 'c', documents: [{ _id: 1 }] });
    await engine.runCommand('admin', { endSessions: [s.lsid] });
    const plain = await engine.runCommand('app', { insert: 'c', documents: [{ _id: 1 }] });
    expect(plain).toEqual({ n: 1, ok: 1 });
  });
});
