import type { Document } from 'bson';
import { deserialize, ObjectId, serialize } from 'bson';
import { CommandError } from '../errors';
import { Engine } from './index';

/** Commands and replies pass through BSON, as they do between the driver and the wire server. */
class WireEngine extends Engine {
  override async runCommand(db: string, cmd: Document): Promise<Document> {
    const sent = deserialize(serialize(cmd), { promoteValues: false });
    return deserialize(serialize(await super.runCommand(db, sent)), { promoteLongs: false });
  }
}

function buildEngine(): Engine {
  return new WireEngine({ isReplicaSet: () => true });
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

describe('Engine collections and indexes', () => {
  it('when creating a collection twice, then identical options are a no-op and other options fail with NamespaceExists', async () => {
    const engine = buildEngine();
    expect(await engine.runCommand('app', { create: 'tickets' })).toEqual({ ok: 1 });
    expect(await engine.runCommand('app', { create: 'tickets' })).toEqual({ ok: 1 });
    await expectCommandError(engine.runCommand('app', { create: 'tickets', capped: true }), 48);
    await engine.runCommand('app', { create: 'sized', capped: true, size: 4096 });
    expect(await engine.runCommand('app', { create: 'sized', capped: true, size: 4096 })).toEqual({
      ok: 1,
    });
  });

  it('when listing collections, then the cursor reply has mongod shape and honours filter and nameOnly', async () => {
    const engine = buildEngine();
    await engine.runCommand('app', { create: 'a' });
    await engine.runCommand('app', { insert: 'b', documents: [{ x: 1 }] });
    const all = await engine.runCommand('app', { listCollections: 1, filter: {} });
    expect(all.cursor.ns).toBe('app.$cmd.listCollections');
    expect(all.cursor.id.isZero()).toBe(true);
    const names = all.cursor.firstBatch.map((c: Document) => c.name).sort();
    expect(names).toEqual(['a', 'b']);
    const a = all.cursor.firstBatch.find((c: Document) => c.name === 'a');
    expect(a).toMatchObject({
      type: 'collection',
      options: {},
      info: { readOnly: false },
      idIndex: { key: { _id: 1 }, name: '_id_' },
    });
    const filtered = await engine.runCommand('app', {
      listCollections: 1,
      filter: { name: 'b' },
      nameOnly: true,
    });
    expect(filtered.cursor.firstBatch).toEqual([{ name: 'b', type: 'collection' }]);
    expect(engine.listDatabases().map((d) => d.name)).toEqual(['app']);
  });

  it('when dropping a missing collection, then NamespaceNotFound; an existing one disappears', async () => {
    const engine = buildEngine();
    await expectCommandError(engine.runCommand('app', { drop: 'nope' }), 26);
    await engine.runCommand('app', { insert: 'x', documents: [{}] });
    const dropped = await engine.runCommand('app', { drop: 'x' });
    expect(dropped).toMatchObject({ ok: 1, ns: 'app.x' });
    const count = await engine.runCommand('app', { count: 'x' });
    expect(count.n).toBe(0);
    await engine.runCommand('app', { insert: 'y', documents: [{}] });
    expect(await engine.runCommand('app', { dropDatabase: 1 })).toEqual({ dropped: 'app', ok: 1 });
    expect(engine.listDatabases()).toEqual([]);
  });

  it('when inserting a duplicate _id, then the write error has mongod code, message, keyPattern and keyValue', async () => {
    const engine = buildEngine();
    const id = new ObjectId('65a1b2c3d4e5f60718293a4b');
    const reply = await engine.runCommand('app', {
      insert: 'users',
      documents: [{ _id: id }, { _id: id }, { _id: 3 }],
    });
    expect(reply.n).toBe(1);
    expect(reply.writeErrors).toEqual([
      {
        index: 1,
        code: 11000,
        errmsg:
          "E11000 duplicate key error collection: app.users index: _id_ dup key: { _id: ObjectId('65a1b2c3d4e5f60718293a4b') }",
        keyPattern: { _id: 1 },
        keyValue: { _id: id },
      },
    ]);
  });

  it('when an unordered insert hits a duplicate, then the remaining documents are still inserted', async () => {
    const engine = buildEngine();
    const reply = await engine.runCommand('app', {
      insert: 'u',
      ordered: false,
      documents: [{ _id: 1 }, { _id: 1 }, { _id: 2 }],
    });
    expect(reply.n).toBe(2);
    expect(reply.writeErrors.map((e: Document) => e.index)).toEqual([1]);
  });

  it('when a unique index exists, then duplicates fail with the index name and value', async () => {
    const engine = buildEngine();
    const created = await engine.runCommand('app', {
      createIndexes: 'users',
      indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }],
    });
    expect(created).toMatchObject({
      numIndexesBefore: 1,
      numIndexesAfter: 2,
      createdCollectionAutomatically: true,
      ok: 1,
    });
    await engine.runCommand('app', { insert: 'users', documents: [{ email: 'a@x.io' }] });
    const reply = await engine.runCommand('app', {
      insert: 'users',
      documents: [{ email: 'a@x.io' }],
    });
    expect(reply.writeErrors[0]).toMatchObject({
      code: 11000,
      errmsg:
        'E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "a@x.io" }',
      keyPattern: { email: 1 },
      keyValue: { email: 'a@x.io' },
    });
    const upd = await engine.runCommand('app', {
      insert: 'users',
      documents: [{ email: 'b@x.io' }],
    });
    expect(upd.n).toBe(1);
    const clash = await engine.runCommand('app', {
      update: 'users',
      updates: [{ q: { email: 'b@x.io' }, u: { $set: { email: 'a@x.io' } } }],
    });
    expect(clash.writeErrors[0].code).toBe(11000);
    const found = await engine.runCommand('app', { find: 'users', filter: { email: 'b@x.io' } });
    expect(found.cursor.firstBatch).toHaveLength(1);
  });

  it('when a unique index is partial or sparse, then only documents it covers must be unique', async () => {
    const engine = buildEngine();
    await engine.runCommand('app', {
      createIndexes: 'orders',
      indexes: [
        {
          key: { ticketId: 1 },
          name: 'active_ticket',
          unique: true,
          partialFilterExpression: { status: 'active' },
        },
        { key: { code: 1 }, name: 'code_1', unique: true, sparse: true },
      ],
    });
    const ok = await engine.runCommand('app', {
      insert: 'orders',
      documents: [
        { ticketId: 't1', status: 'cancelled' },
        { ticketId: 't1', status: 'cancelled' },
        { ticketId: 't1', status: 'active' },
        { ticketId: 't2' },
        { ticketId: 't3' },
      ],
    });
    expect(ok).toEqual({ n: 5, ok: 1 });
    const dup = await engine.runCommand('app', {
      insert: 'orders',
      documents: [{ ticketId: 't1', status: 'active' }],
    });
    expect(dup.writeErrors[0]).toMatchObject({ code: 11000, keyValue: { ticketId: 't1' } });
    expect(dup.writeErrors[0].errmsg).toContain('index: active_ticket dup key: { ticketId: "t1" }');
    const codeDup = await engine.runCommand('app', {
      insert: 'orders',
      documents: [
        { code: 'c', status: 'x' },
        { code: 'c', status: 'y' },
      ],
    });
    expect(codeDup.writeErrors[0].index).toBe(1);
  });

  it('when a non-sparse unique index sees two documents missing the field, then the second is a null duplicate', async () => {
    const engine = buildEngine();
    await engine.runCommand('app', {
      createIndexes: 'n',
      indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }],
    });
    const reply = await engine.runCommand('app', { insert: 'n', documents: [{ a: 1 }, { a: 2 }] });
    expect(reply.writeErrors[0].errmsg).toContain('dup key: { email: null }');
    expect(reply.writeErrors[0].keyValue).toEqual({ email: null });
  });

  it('when building a unique index over existing duplicates, then it fails with 11000 and is not created', async () => {
    const engine = buildEngine();
    await engine.runCommand('app', { insert: 'd', documents: [{ e: 1 }, { e: 1 }] });
    await expectCommandError(
      engine.runCommand('app', {
        createIndexes: 'd',
        indexes: [{ key: { e: 1 }, name: 'e_1', unique: true }],
      }),
      11000,
    );
    const list = await engine.runCommand('app', { listIndexes: 'd' });
    expect(list.cursor.firstBatch.map((i: Document) => i.name)).toEqual(['_id_']);
  });

  it('when creating the same index again, then it is a no-op; a conflicting one fails', async () => {
    const engine = buildEngine();
    const spec = { key: { email: 1 }, name: 'email_1', unique: true };
    await engine.runCommand('app', { createIndexes: 'u', indexes: [spec] });
    const again = await engine.runCommand('app', { createIndexes: 'u', indexes: [spec] });
    expect(again).toMatchObject({
      numIndexesBefore: 2,
      numIndexesAfter: 2,
      note: 'all indexes already exist',
    });
    await expectCommandError(
      engine.runCommand('app', {
        createIndexes: 'u',
        indexes: [{ key: { email: 1 }, name: 'email_1' }],
      }),
      85,
    );
    await expectCommandError(
      engine.runCommand('app', {
        createIndexes: 'u',
        indexes: [{ key: { other: 1 }, name: 'email_1' }],
      }),
      86,
    );
  });

  it('when listing and dropping indexes, then by name, key pattern and * all work', async () => {
    const engine = buildEngine();
    await engine.runCommand('app', {
      createIndexes: 'i',
      indexes: [
        { key: { a: 1 }, name: 'a_1' },
        { key: { b: -1 }, name: 'b_-1' },
        { key: { c: 1 } },
      ],
    });
    const list = await engine.runCommand('app', { listIndexes: 'i' });
    expect(list.cursor.ns).toBe('app.i');
    expect(list.cursor.firstBatch.map((i: Document) => i.name)).toEqual([
      '_id_',
      'a_1',
      'b_-1',
      'c_1',
    ]);
    expect(await engine.runCommand('app', { dropIndexes: 'i', index: 'a_1' })).toEqual({
      nIndexesWas: 4,
      ok: 1,
    });
    await engine.runCommand('app', { dropIndexes: 'i', index: { b: -1 } });
    await expectCommandError(engine.runCommand('app', { dropIndexes: 'i', index: 'zzz' }), 27);
    await expectCommandError(engine.runCommand('app', { dropIndexes: 'i', index: '_id_' }), 72);
    await engine.runCommand('app', { dropIndexes: 'i', index: '*' });
    const after = await engine.runCommand('app', { listIndexes: 'i' });
    expect(after.cursor.firstBatch.map((i: Document) => i.name)).toEqual(['_id_']);
    await expectCommandError(engine.runCommand('app', { listIndexes: 'missing' }), 26);
  });

  it('when finding by an indexed field, then results equal the scan results including later updates', async () => {
    const engine = buildEngine();
    await engine.runCommand('app', {
      createIndexes: 't',
      indexes: [{ key: { userId: 1 }, name: 'userId_1' }],
    });
    await engine.runCommand('app', {
      insert: 't',
      documents: [
        { userId: 'u1', n: 1 },
        { userId: 'u2', n: 2 },
        { userId: 'u1', n: 3 },
      ],
    });
    await engine.runCommand('app', {
      update: 't',
      updates: [{ q: { n: 3 }, u: { $set: { userId: 'u2' } } }],
    });
    const u1 = await engine.runCommand('app', { find: 't', filter: { userId: 'u1' } });
    expect(u1.cursor.firstBatch.map((d: Document) => d.n)).toEqual([1]);
    const u2 = await engine.runCommand('app', {
      find: 't',
      filter: { userId: { $in: ['u2'] } },
      sort: { n: 1 },
    });
    expect(u2.cursor.firstBatch.map((d: Document) => d.n)).toEqual([2, 3]);
  });
});
