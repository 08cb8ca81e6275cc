import type { Document } from 'bson';
import { Binary, Decimal128, Double, deserialize, Int32, Long, ObjectId, serialize } from 'bson';
import { CommandError } from '../errors';
import { Engine } from './index';

/** Commands and replies pass through BSON, as they do between the driver and the wire server. */
class WireEngine extends Engine {
  override async runCommand(db: string, cmd: Document): Promise<Document> {
    return deserialize(serialize(await this.runTyped(db, cmd)), { promoteLongs: false });
  }

  /** The reply as a client asking for promoteValues: false decodes it. */
  async runTyped(db: string, cmd: Document): Promise<Document> {
    const sent = deserialize(serialize(cmd), { promoteValues: false });
    return deserialize(serialize(await super.runCommand(db, sent)), { promoteValues: false });
  }
}

function buildEngine(): WireEngine {
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

async function findAll(
  engine: Engine,
  coll: string,
  filter: Document = {},
  extra: Document = {},
): Promise<Document[]> {
  const reply = await engine.runCommand('test', { find: coll, filter, ...extra });
  return reply.cursor.firstBatch as Document[];
}

describe('Engine CRUD', () => {
  it('when inserting without _id, then an ObjectId _id is generated as the first field', async () => {
    const engine = buildEngine();
    const reply = await engine.runCommand('test', {
      insert: 'users',
      documents: [{ email: 'a@x.io' }, { email: 'b@x.io' }],
    });
    expect(reply).toEqual({ n: 2, ok: 1 });
    const docs = await findAll(engine, 'users', {}, { sort: { email: 1 } });
    expect(docs.map((d) => d.email)).toEqual(['a@x.io', 'b@x.io']);
    expect(docs[0]?._id).toBeInstanceOf(ObjectId);
    expect(Object.keys(docs[0] ?? {})[0]).toBe('_id');
  });

  it('when finding by an equal but distinct ObjectId instance or $in, then the document matches', async () => {
    const engine = buildEngine();
    const id = new ObjectId();
    await engine.runCommand('test', { insert: 'c', documents: [{ _id: id, v: 1 }, { v: 2 }] });
    expect(await findAll(engine, 'c', { _id: new ObjectId(id.toHexString()) })).toHaveLength(1);
    expect(
      await findAll(engine, 'c', { _id: { $in: [new ObjectId(id.toHexString())] } }),
    ).toHaveLength(1);
    expect(
      await findAll(engine, 'c', { _id: { $ne: new ObjectId(id.toHexString()) } }),
    ).toHaveLength(1);
  });

  it('when storing BSON types, then they come back with the same types and values', async () => {
    const engine = buildEngine();
    const doc = {
      _id: new ObjectId(),
      when: new Date(1_700_000_000_000),
      price: Decimal128.fromString('12.345'),
      big: Long.fromString('9007199254740993'),
      small: Long.fromNumber(7),
      bin: new Binary(Buffer.from([1, 2, 3]), 4),
      nested: { deep: { list: [1, 'two', { three: 3 }] } },
    };
    await engine.runCommand('test', { insert: 'types', documents: [doc] });
    doc.nested.deep.list.push('mutated after insert');
    const [back] = await findAll(engine, 'types');
    expect(back?.when).toEqual(new Date(1_700_000_000_000));
    expect(back?.price).toBeInstanceOf(Decimal128);
    expect(back?.price.toString()).toBe('12.345');
    expect(back?.big).toBeInstanceOf(Long);
    expect(back?.big.toString()).toBe('9007199254740993');
    expect(back?.small).toBeInstanceOf(Long);
    expect(back?.bin).toBeInstanceOf(Binary);
    expect(back?.bin.sub_type).toBe(4);
    expect(back?.nested).toEqual({ deep: { list: [1, 'two', { three: 3 }] } });
    back?.nested.deep.list.push('mutated after find');
    const [again] = await findAll(engine, 'types');
    expect(again?.nested.deep.list).toHaveLength(3);
  });

  it('when comparing Longs and Dates in filters and sorts, then numeric and time order is used', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'n',
      documents: [
        { k: 'a', l: Long.fromNumber(5), d: new Date(2000) },
        { k: 'b', l: Long.fromNumber(10), d: new Date(1000) },
        { k: 'c', l: Long.fromNumber(100), d: new Date(3000) },
      ],
    });
    expect(
      (await findAll(engine, 'n', { l: { $gt: Long.fromNumber(6) } })).map((d) => d.k),
    ).toEqual(['b', 'c']);
    expect((await findAll(engine, 'n', {}, { sort: { l: -1 } })).map((d) => d.k)).toEqual([
      'c',
      'b',
      'a',
    ]);
    expect((await findAll(engine, 'n', {}, { sort: { d: 1 } })).map((d) => d.k)).toEqual([
      'b',
      'a',
      'c',
    ]);
    expect((await findAll(engine, 'n', { d: { $gte: new Date(2000) } })).map((d) => d.k)).toEqual([
      'a',
      'c',
    ]);
  });

  it('when updating with operators, arrayFilters and multi, then n and nModified are reported', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'u',
      documents: [
        { _id: 1, qty: 1, tags: ['a'], items: [{ v: 1 }, { v: 2 }] },
        { _id: 2, qty: 5, tags: [], items: [] },
      ],
    });
    const r1 = await engine.runCommand('test', {
      update: 'u',
      updates: [
        {
          q: { _id: 1 },
          u: { $inc: { qty: 2 }, $push: { tags: 'b' }, $set: { 'items.$[e].v': 9 } },
          arrayFilters: [{ 'e.v': 2 }],
        },
      ],
    });
    expect(r1).toEqual({ n: 1, nModified: 1, ok: 1 });
    const [one] = await findAll(engine, 'u', { _id: 1 });
    expect(one).toEqual({ _id: 1, qty: 3, tags: ['a', 'b'], items: [{ v: 1 }, { v: 9 }] });
    const r2 = await engine.runCommand('test', {
      update: 'u',
      updates: [{ q: {}, u: { $set: { flag: true } }, multi: true }],
    });
    expect(r2).toEqual({ n: 2, nModified: 2, ok: 1 });
    const r3 = await engine.runCommand('test', {
      update: 'u',
      updates: [{ q: { _id: 2 }, u: { $set: { flag: true } } }],
    });
    expect(r3).toEqual({ n: 1, nModified: 0, ok: 1 });
    const r4 = await engine.runCommand('test', {
      update: 'u',
      updates: [{ q: { _id: 2 }, u: { name: 'replaced' } }],
    });
    expect(r4.nModified).toBe(1);
    expect(await findAll(engine, 'u', { _id: 2 })).toEqual([{ _id: 2, name: 'replaced' }]);
  });

  it('when upserting, then the new document is built from the filter equalities and reported', async () => {
    const engine = buildEngine();
    const reply = await engine.runCommand('test', {
      update: 'u',
      updates: [
        {
          q: { email: 'z@x.io', 'profile.age': { $eq: 3 }, n: { $gt: 1 } },
          u: { $set: { name: 'Z' }, $setOnInsert: { created: true } },
          upsert: true,
        },
      ],
    });
    expect(reply.n).toBe(1);
    expect(reply.nModified).toBe(0);
    expect(reply.upserted).toHaveLength(1);
    expect(reply.upserted[0].index).toBe(0);
    const [doc] = await findAll(engine, 'u');
    expect(doc).toEqual({
      _id: reply.upserted[0]._id,
      email: 'z@x.io',
      profile: { age: 3 },
      name: 'Z',
      created: true,
    });
    const again = await engine.runCommand('test', {
      update: 'u',
      updates: [
        {
          q: { email: 'z@x.io' },
          u: { $set: { name: 'Y' }, $setOnInsert: { created: false } },
          upsert: true,
        },
      ],
    });
    expect(again).toEqual({ n: 1, nModified: 1, ok: 1 });
    expect((await findAll(engine, 'u'))[0]?.created).toBe(true);
  });

  it('when changing _id in an update, then ImmutableField is reported as a write error', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', { insert: 'u', documents: [{ _id: 1 }] });
    const reply = await engine.runCommand('test', {
      update: 'u',
      updates: [{ q: { _id: 1 }, u: { $set: { _id: 2 } } }],
    });
    expect(reply.writeErrors[0].code).toBe(66);
  });

  it('when deleting with limit 1 and 0, then one or all matches are removed', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'd',
      documents: [{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }],
    });
    expect(
      await engine.runCommand('test', { delete: 'd', deletes: [{ q: { k: 1 }, limit: 1 }] }),
    ).toEqual({ n: 1, ok: 1 });
    expect(
      await engine.runCommand('test', { delete: 'd', deletes: [{ q: { k: 1 }, limit: 0 }] }),
    ).toEqual({ n: 2, ok: 1 });
    expect((await engine.runCommand('test', { count: 'd' })).n).toBe(1);
  });

  it('when finding with skip, limit and projection, then the page and fields are right', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'p',
      documents: [1, 2, 3, 4, 5].map((i) => ({ _id: i, a: i, b: i * 10 })),
    });
    const docs = await findAll(
      engine,
      'p',
      { a: { $gte: 2 } },
      { sort: { a: -1 }, skip: 1, limit: 2, projection: { b: 1 } },
    );
    expect(docs).toEqual([
      { _id: 4, b: 40 },
      { _id: 3, b: 30 },
    ]);
    const excluded = await findAll(engine, 'p', { _id: 1 }, { projection: { _id: 0, b: 0 } });
    expect(excluded).toEqual([{ a: 1 }]);
  });

  it('when results exceed batchSize, then getMore returns the rest and the cursor closes', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'b',
      documents: Array.from({ length: 5 }, (_, i) => ({ _id: i })),
    });
    const first = await engine.runCommand('test', {
      find: 'b',
      filter: {},
      sort: { _id: 1 },
      batchSize: 2,
    });
    expect(first.cursor.firstBatch).toHaveLength(2);
    expect(first.cursor.ns).toBe('test.b');
    expect(first.cursor.id).toBeInstanceOf(Long);
    expect(first.cursor.id.isZero()).toBe(false);
    const second = await engine.runCommand('test', {
      getMore: first.cursor.id,
      collection: 'b',
      batchSize: 2,
    });
    expect(second.cursor.nextBatch.map((d: Document) => d._id)).toEqual([2, 3]);
    const third = await engine.runCommand('test', { getMore: second.cursor.id, collection: 'b' });
    expect(third.cursor.nextBatch.map((d: Document) => d._id)).toEqual([4]);
    expect(third.cursor.id.isZero()).toBe(true);
    await expectCommandError(
      engine.runCommand('test', { getMore: first.cursor.id, collection: 'b' }),
      43,
    );
  });

  it('when killing an open cursor, then it is reported killed and is gone', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'b',
      documents: Array.from({ length: 3 }, (_, i) => ({ _id: i })),
    });
    const first = await engine.runCommand('test', { find: 'b', filter: {}, batchSize: 1 });
    const killed = await engine.runCommand('test', {
      killCursors: 'b',
      cursors: [first.cursor.id],
    });
    expect(killed.cursorsKilled).toHaveLength(1);
    await expectCommandError(
      engine.runCommand('test', { getMore: first.cursor.id, collection: 'b' }),
      43,
    );
  });

  it('when running findAndModify, then lastErrorObject and value follow new/upsert/remove', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'f',
      documents: [
        { _id: 1, n: 1 },
        { _id: 2, n: 2 },
      ],
    });
    const updated = await engine.runCommand('test', {
      findAndModify: 'f',
      query: { n: { $gte: 1 } },
      sort: { n: -1 },
      update: { $inc: { n: 10 } },
      new: true,
    });
    expect(updated.lastErrorObject).toEqual({ n: 1, updatedExisting: true });
    expect(updated.value).toEqual({ _id: 2, n: 12 });
    const old = await engine.runCommand('test', {
      findAndModify: 'f',
      query: { _id: 1 },
      update: { $set: { n: 0 } },
      fields: { n: 1 },
    });
    expect(old.value).toEqual({ _id: 1, n: 1 });
    const upserted = await engine.runCommand('test', {
      findAndModify: 'f',
      query: { _id: 3 },
      update: { $set: { n: 3 } },
      upsert: true,
      new: true,
    });
    expect(upserted.lastErrorObject).toEqual({ n: 1, updatedExisting: false, upserted: 3 });
    expect(upserted.value).toEqual({ _id: 3, n: 3 });
    const removed = await engine.runCommand('test', {
      findAndModify: 'f',
      query: { _id: 3 },
      remove: true,
    });
    expect(removed.lastErrorObject).toEqual({ n: 1 });
    expect(removed.value).toEqual({ _id: 3, n: 3 });
    const none = await engine.runCommand('test', {
      findAndModify: 'f',
      query: { _id: 99 },
      update: { $set: { n: 1 } },
    });
    expect(none.lastErrorObject).toEqual({ n: 0, updatedExisting: false });
    expect(none.value).toBeNull();
  });

  it('when counting, distinct-ing and aggregating, then results match the data', async () => {
    const engine = buildEngine();
    const userA = new ObjectId();
    await engine.runCommand('test', {
      insert: 'orders',
      documents: [
        { user: userA, amount: 5, tags: ['x', 'y'] },
        { user: userA, amount: 7, tags: ['y'] },
        { user: new ObjectId(), amount: 1, tags: [] },
      ],
    });
    await engine.runCommand('test', { insert: 'users', documents: [{ _id: userA, name: 'A' }] });
    expect(
      (await engine.runCommand('test', { count: 'orders', query: { amount: { $gt: 2 } } })).n,
    ).toBe(2);
    expect((await engine.runCommand('test', { distinct: 'orders', key: 'tags' })).values).toEqual([
      'x',
      'y',
    ]);
    const agg = await engine.runCommand('test', {
      aggregate: 'orders',
      pipeline: [
        { $match: { amount: { $gt: 2 } } },
        { $group: { _id: '$user', total: { $sum: '$amount' } } },
        { $lookup: { from: 'users', localField: '_id', foreignField: '_id', as: 'who' } },
        { $unwind: '$who' },
        { $project: { _id: 0, total: 1, name: '$who.name' } },
      ],
      cursor: {},
    });
    expect(agg.cursor.firstBatch).toEqual([{ total: 12, name: 'A' }]);
    const counted = await engine.runCommand('test', {
      aggregate: 'orders',
      pipeline: [{ $sort: { amount: 1 } }, { $skip: 1 }, { $limit: 5 }, { $count: 'n' }],
      cursor: {},
    });
    expect(counted.cursor.firstBatch).toEqual([{ n: 2 }]);
  });

  it('when an unknown command arrives, then CommandNotFound names it', async () => {
    const engine = buildEngine();
    expect(engine.commandNames.has('find')).toBe(true);
    expect(engine.commandNames.has('hello')).toBe(false);
    const err = await expectCommandError(engine.runCommand('test', { frobnicate: 1 }), 59);
    expect(err.message).toBe("no such command: 'frobnicate'");
  });
});

describe('Engine equality matching', () => {
  it('when filtering by plain equality, then arrays, nested paths, null-as-missing and numeric types behave like MongoDB', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'e',
      documents: [
        { _id: 1, tags: ['a', 'b'], profile: { city: 'Oslo' }, n: Long.fromNumber(3) },
        { _id: 2, tags: ['c'], profile: { city: 'Rome' }, n: 4, extra: null },
        { _id: 3, items: [{ sku: 'x' }, { sku: 'y' }] },
      ],
    });
    const ids = async (filter: Document): Promise<unknown[]> =>
      (await findAll(engine, 'e', filter, { sort: { _id: 1 } })).map((d) => d._id);
    expect(await ids({ tags: 'b' })).toEqual([1]);
    expect(await ids({ 'profile.city': 'Rome' })).toEqual([2]);
    expect(await ids({ n: 3 })).toEqual([1]);
    expect(await ids({ n: Long.fromNumber(4) })).toEqual([2]);
    expect(await ids({ extra: null })).toEqual([1, 2, 3]);
    expect(await ids({ 'items.sku': 'y' })).toEqual([3]);
    expect(await ids({ profile: { city: 'Oslo' } })).toEqual([1]);
    expect(await ids({ tags: 'b', n: 4 })).toEqual([]);
  });
});

describe('Engine numeric types in updates', () => {
  /** The stored document as the wire sends it, numeric wrappers kept. */
  async function typedDoc(engine: WireEngine, id: number): Promise<Document> {
    const reply = await engine.runTyped('test', { find: 'n', filter: { _id: id } });
    return reply.cursor.firstBatch[0] as Document;
  }

  async function update(engine: Engine, u: Document): Promise<Document> {
    return engine.runCommand('test', { update: 'n', updates: [{ q: { _id: 1 }, u }] });
  }

  function typeOf(value: unknown): string {
    return String((value as { _bsontype?: unknown })._bsontype);
  }

  it('when $inc overflows int32, then the result is a long; int plus double is a double', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'n',
      documents: [{ _id: 1, i: new Int32(2147483647), d: new Int32(1) }],
    });
    await update(engine, { $inc: { i: new Int32(1), d: new Double(0.5), fresh: new Int32(3) } });
    const doc = await typedDoc(engine, 1);
    expect(typeOf(doc.i)).toBe('Long');
    expect(String(doc.i)).toBe('2147483648');
    expect(typeOf(doc.d)).toBe('Double');
    expect(doc.d.valueOf()).toBe(1.5);
    expect(typeOf(doc.fresh)).toBe('Int32');
  });

  it('when $mul, $min and $max run, then results keep mongod types and missing fields get typed zeros', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'n',
      documents: [{ _id: 1, l: Long.fromNumber(4), lo: new Int32(5), hi: new Int32(5) }],
    });
    await update(engine, {
      $mul: { l: new Int32(3), none: Long.fromNumber(7) },
      $min: { lo: new Double(2.5) },
      $max: { hi: new Int32(1) },
    });
    const doc = await typedDoc(engine, 1);
    expect(typeOf(doc.l)).toBe('Long');
    expect(String(doc.l)).toBe('12');
    expect(typeOf(doc.none)).toBe('Long');
    expect(String(doc.none)).toBe('0');
    expect(typeOf(doc.lo)).toBe('Double');
    expect(doc.lo.valueOf()).toBe(2.5);
    expect(typeOf(doc.hi)).toBe('Int32');
    expect(doc.hi.valueOf()).toBe(5);
  });

  it('when $set writes a double and $push changes another field, then untouched and set values keep their types', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', {
      insert: 'n',
      documents: [{ _id: 1, keep: new Double(3), big: Long.fromNumber(9), tags: ['a'] }],
    });
    await update(engine, { $set: { ratio: new Double(2) }, $push: { tags: 'b' } });
    const doc = await typedDoc(engine, 1);
    expect(typeOf(doc.keep)).toBe('Double');
    expect(typeOf(doc.big)).toBe('Long');
    expect(typeOf(doc.ratio)).toBe('Double');
    expect(doc.tags).toEqual(['a', 'b']);
  });

  it('when $inc meets a string or a non-numeric amount, then it fails with TypeMismatch and changes nothing', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', { insert: 'n', documents: [{ _id: 1, name: 'box' }] });
    const onString = await update(engine, { $inc: { name: 1 } });
    expect(onString.writeErrors[0].code).toBe(14);
    expect(onString.writeErrors[0].errmsg).toBe(
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'name' of non-numeric type string",
    );
    const byString = await update(engine, { $inc: { n: 'x' } });
    expect(byString.writeErrors[0].code).toBe(14);
    expect(await typedDoc(engine, 1)).toEqual({ _id: new Int32(1), name: 'box' });
  });

  it('when a path and its parent are both updated, then it fails with ConflictingUpdateOperators', async () => {
    const engine = buildEngine();
    await engine.runCommand('test', { insert: 'n', documents: [{ _id: 1, a: { b: 1 } }] });
    const reply = await update(engine, { $set: { a: {} }, $inc: { 'a.b': 1 } });
    expect(reply.writeErrors[0].code).toBe(40);
  });
});
