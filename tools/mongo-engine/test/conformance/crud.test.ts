import { type Collection, type Db, MongoBulkWriteError, type MongoClient, ObjectId } from 'mongodb';
import {
  caught,
  connectMongo,
  disconnectMongo,
  type MongoTarget,
  SERVER_START_TIMEOUT_MS,
} from './support';

jest.setTimeout(30_000);

interface Item {
  _id: number;
  name?: string;
  qty?: number;
  tags?: string[];
  scores?: number[];
  address?: { city: string; zip?: string };
  items?: Array<{ sku: string; n: number }>;
  status?: string | null;
}

let target: MongoTarget;
let client: MongoClient;
let db: Db;
let items: Collection<Item>;

beforeAll(async () => {
  ({ target, client, db } = await connectMongo('crud'));
  items = db.collection<Item>('items');
}, SERVER_START_TIMEOUT_MS);

afterAll(() => disconnectMongo({ target, client }));

beforeEach(async () => {
  for (const name of ['items', 'orders', 'products', 'ids']) {
    await db.collection(name).deleteMany({});
  }
});

const sample: Item[] = [
  {
    _id: 1,
    name: 'apple',
    qty: 5,
    tags: ['red', 'fruit'],
    scores: [70, 95],
    address: { city: 'Paris', zip: '75001' },
    items: [{ sku: 'a', n: 1 }],
  },
  {
    _id: 2,
    name: 'banana',
    qty: 10,
    tags: ['yellow', 'fruit'],
    scores: [82, 84],
    address: { city: 'Lyon' },
    items: [
      { sku: 'b', n: 2 },
      { sku: 'c', n: 5 },
    ],
  },
  { _id: 3, name: 'avocado', qty: 15, tags: ['green'], scores: [50], status: null },
  { _id: 4, name: 'cherry', qty: 20, tags: ['red'], address: { city: 'Paris' } },
  { _id: 5, qty: 0 },
];

async function idsOf(filter: object): Promise<number[]> {
  const docs = await items.find(filter, { sort: { _id: 1 }, projection: { _id: 1 } }).toArray();
  return docs.map((d) => d._id);
}

describe('inserts', () => {
  it('when insertOne is given a document without _id, then an ObjectId is generated and stored', async () => {
    const coll = db.collection<{ _id?: ObjectId; a: number }>('ids');
    const result = await coll.insertOne({ a: 1 });
    expect(result.acknowledged).toBe(true);
    expect(result.insertedId).toBeInstanceOf(ObjectId);
    const stored = await coll.findOne({ _id: result.insertedId });
    expect(stored).toEqual({ _id: result.insertedId, a: 1 });
  });

  it('when insertMany succeeds, then every document is stored and insertedIds maps index to id', async () => {
    const result = await items.insertMany(sample);
    expect(result.insertedCount).toBe(5);
    expect(result.insertedIds).toEqual({ 0: 1, 1: 2, 2: 3, 3: 4, 4: 5 });
    expect(await items.countDocuments()).toBe(5);
  });

  it('when an ordered insertMany meets a duplicate in the middle, then it stops there and reports that index', async () => {
    await items.insertOne({ _id: 3, name: 'existing' });
    const error = await caught(() =>
      items.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 4 }], { ordered: true }),
    );
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    expect(bulk.code).toBe(11000);
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([[2, 11000]]);
    expect(bulk.insertedCount).toBe(2);
    expect(await idsOf({})).toEqual([1, 2, 3]);
    expect(await items.findOne({ _id: 3 })).toEqual({ _id: 3, name: 'existing' });
  });

  it('when an unordered insertMany meets duplicates, then every other document is inserted and each failure index is reported', async () => {
    await items.insertOne({ _id: 2, name: 'existing' });
    const error = await caught(() =>
      items.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 3 }, { _id: 4 }], {
        ordered: false,
      }),
    );
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulk = error as MongoBulkWriteError;
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(bulk.insertedCount).toBe(3);
    expect(await idsOf({})).toEqual([1, 2, 3, 4]);
    expect(await items.findOne({ _id: 2 })).toEqual({ _id: 2, name: 'existing' });
  });

  it('when insertOne reuses an _id, then it fails with E11000 on the _id_ index', async () => {
    await items.insertOne({ _id: 7 });
    const error = await caught(() => items.insertOne({ _id: 7 }));
    expect(error).toMatchObject({
      code: 11000,
      keyPattern: { _id: 1 },
      keyValue: { _id: 7 },
    });
    expect(String((error as Error).message)).toMatch(
      new RegExp(
        `^E11000 duplicate key error collection: ${target.dbName}\\.items index: _id_ dup key:`,
      ),
    );
  });
});

describe('find filters', () => {
  beforeEach(async () => {
    await items.insertMany(sample);
  });

  it('when comparing with $eq $ne $gt $gte $lt $lte, then the matching documents come back', async () => {
    expect(await idsOf({ qty: { $eq: 10 } })).toEqual([2]);
    expect(await idsOf({ qty: 10 })).toEqual([2]);
    expect(await idsOf({ qty: { $gt: 10 } })).toEqual([3, 4]);
    expect(await idsOf({ qty: { $gte: 10 } })).toEqual([2, 3, 4]);
    expect(await idsOf({ qty: { $lt: 10 } })).toEqual([1, 5]);
    expect(await idsOf({ qty: { $lte: 10 } })).toEqual([1, 2, 5]);
    expect(await idsOf({ qty: { $gt: 4, $lt: 16 } })).toEqual([1, 2, 3]);
  });

  it('when $ne or $nin is used, then documents missing the field match too', async () => {
    expect(await idsOf({ name: { $ne: 'apple' } })).toEqual([2, 3, 4, 5]);
    expect(await idsOf({ name: { $nin: ['apple', 'banana'] } })).toEqual([3, 4, 5]);
  });

  it('when comparing strings with $gt, then documents without the field or of another type do not match', async () => {
    expect(await idsOf({ name: { $gt: 'b' } })).toEqual([2, 4]);
  });

  it('when $in is used, then any listed value matches, including inside arrays', async () => {
    expect(await idsOf({ qty: { $in: [5, 20, 99] } })).toEqual([1, 4]);
    expect(await idsOf({ tags: { $in: ['green', 'yellow'] } })).toEqual([2, 3]);
  });

  it('when $exists is used, then presence of the field decides, null counting as present', async () => {
    expect(await idsOf({ address: { $exists: true } })).toEqual([1, 2, 4]);
    expect(await idsOf({ name: { $exists: false } })).toEqual([5]);
    expect(await idsOf({ status: { $exists: true } })).toEqual([3]);
  });

  it('when querying for null, then documents with null and without the field both match', async () => {
    expect(await idsOf({ status: null })).toEqual([1, 2, 3, 4, 5]);
    expect(await idsOf({ status: { $type: 'null' } })).toEqual([3]);
  });

  it('when $and and $or are combined, then the boolean logic holds', async () => {
    expect(await idsOf({ $and: [{ qty: { $gte: 5 } }, { tags: 'red' }] })).toEqual([1, 4]);
    expect(await idsOf({ $or: [{ qty: 0 }, { name: 'banana' }] })).toEqual([2, 5]);
    expect(
      await idsOf({ $or: [{ 'address.city': 'Lyon' }, { qty: { $gt: 15 } }], tags: 'red' }),
    ).toEqual([4]);
  });

  it('when $not wraps an operator, then it also matches documents missing the field', async () => {
    expect(await idsOf({ qty: { $not: { $gt: 10 } } })).toEqual([1, 2, 5]);
    expect(await idsOf({ name: { $not: /^a/ } })).toEqual([2, 4, 5]);
  });

  it('when $regex is used, then patterns and options apply to strings', async () => {
    expect(await idsOf({ name: { $regex: '^a' } })).toEqual([1, 3]);
    expect(await idsOf({ name: { $regex: 'AN', $options: 'i' } })).toEqual([2]);
    expect(await idsOf({ name: /rr/ })).toEqual([4]);
  });

  it('when $elemMatch is used, then one array element must satisfy every condition', async () => {
    expect(await idsOf({ scores: { $elemMatch: { $gte: 80, $lt: 85 } } })).toEqual([2]);
    // Without $elemMatch different elements may satisfy each condition.
    expect(await idsOf({ scores: { $gte: 80, $lt: 85 } })).toEqual([1, 2]);
    expect(await idsOf({ items: { $elemMatch: { sku: 'c', n: { $gt: 3 } } } })).toEqual([2]);
  });

  it('when a dotted path is used, then it reaches into sub-documents and arrays of sub-documents', async () => {
    expect(await idsOf({ 'address.city': 'Paris' })).toEqual([1, 4]);
    expect(await idsOf({ 'address.zip': { $exists: true } })).toEqual([1]);
    expect(await idsOf({ 'items.sku': 'b' })).toEqual([2]);
    expect(await idsOf({ 'items.n': { $gte: 5 } })).toEqual([2]);
  });

  it('when a scalar is matched against an array field, then a document whose array contains it matches', async () => {
    expect(await idsOf({ tags: 'fruit' })).toEqual([1, 2]);
    expect(await idsOf({ tags: ['red'] })).toEqual([4]);
    expect(await idsOf({ tags: { $all: ['red', 'fruit'] } })).toEqual([1]);
    expect(await idsOf({ tags: { $size: 2 } })).toEqual([1, 2]);
  });

  it('when a sub-document is matched whole, then field order and exact content matter', async () => {
    expect(await idsOf({ address: { city: 'Paris' } })).toEqual([4]);
    expect(await idsOf({ address: { zip: '75001', city: 'Paris' } })).toEqual([]);
  });
});

describe('sort, skip, limit, projection', () => {
  beforeEach(async () => {
    await items.insertMany(sample);
  });

  it('when sort, skip and limit are combined, then they apply in that order', async () => {
    const docs = await items.find({}, { sort: { qty: -1 }, skip: 1, limit: 2 }).toArray();
    expect(docs.map((d) => d._id)).toEqual([3, 2]);
  });

  it('when sorting on a field some documents lack, then the missing ones sort first ascending', async () => {
    const docs = await items.find({}, { sort: { name: 1 } }).toArray();
    expect(docs.map((d) => d._id)).toEqual([5, 1, 3, 2, 4]);
  });

  it('when sorting on two keys, then the second breaks ties of the first', async () => {
    await items.insertOne({ _id: 6, name: 'apple', qty: 1 });
    const docs = await items.find({ name: 'apple' }, { sort: { name: 1, qty: 1 } }).toArray();
    expect(docs.map((d) => d._id)).toEqual([6, 1]);
  });

  it('when an inclusion projection is given, then only those fields and _id come back', async () => {
    const doc = await items.findOne({ _id: 1 }, { projection: { name: 1, 'address.city': 1 } });
    expect(doc).toEqual({ _id: 1, name: 'apple', address: { city: 'Paris' } });
  });

  it('when an exclusion projection is given, then everything else comes back', async () => {
    const doc = await items.findOne(
      { _id: 1 },
      { projection: { tags: 0, scores: 0, items: 0, address: 0 } },
    );
    expect(doc).toEqual({ _id: 1, name: 'apple', qty: 5 });
  });

  it('when _id is excluded from an inclusion projection, then it is absent', async () => {
    const docs = await items
      .find({ qty: { $gte: 15 } }, { sort: { qty: 1 }, projection: { _id: 0, name: 1 } })
      .toArray();
    expect(docs).toEqual([{ name: 'avocado' }, { name: 'cherry' }]);
  });
});

describe('updates', () => {
  beforeEach(async () => {
    await items.insertMany(sample);
  });

  it('when updateOne uses $set and $unset, then fields are written and removed', async () => {
    const result = await items.updateOne(
      { _id: 1 },
      { $set: { name: 'green apple', 'address.city': 'Nice' }, $unset: { scores: '' } },
    );
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await items.findOne({ _id: 1 })).toEqual({
      _id: 1,
      name: 'green apple',
      qty: 5,
      tags: ['red', 'fruit'],
      address: { city: 'Nice', zip: '75001' },
      items: [{ sku: 'a', n: 1 }],
    });
  });

  it('when $set writes the value already there, then the document matches but is not modified', async () => {
    const result = await items.updateOne({ _id: 2 }, { $set: { qty: 10 } });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('when nothing matches, then matched and modified counts are zero and nothing is inserted', async () => {
    const result = await items.updateOne({ _id: 99 }, { $set: { qty: 1 } });
    expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
    expect(await items.countDocuments()).toBe(5);
  });

  it('when $inc is used, then numbers grow and a missing field starts from the increment', async () => {
    await items.updateOne({ _id: 1 }, { $inc: { qty: 3, sold: 2 } });
    await items.updateOne({ _id: 1 }, { $inc: { qty: -1 } });
    expect(await items.findOne({ _id: 1 }, { projection: { qty: 1, sold: 1 } })).toEqual({
      _id: 1,
      qty: 7,
      sold: 2,
    });
  });

  it('when $push, $pull and $addToSet are used, then arrays change accordingly', async () => {
    await items.updateOne({ _id: 1 }, { $push: { tags: 'sweet' } });
    await items.updateOne({ _id: 1 }, { $addToSet: { tags: 'red' } });
    await items.updateOne({ _id: 1 }, { $addToSet: { tags: 'crisp' } });
    await items.updateOne({ _id: 1 }, { $pull: { tags: 'fruit' } });
    await items.updateOne({ _id: 1 }, { $pull: { scores: { $gt: 90 } } });
    await items.updateOne({ _id: 5 }, { $push: { tags: { $each: ['x', 'y'] } } });
    expect(await items.findOne({ _id: 1 }, { projection: { tags: 1, scores: 1 } })).toEqual({
      _id: 1,
      tags: ['red', 'sweet', 'crisp'],
      scores: [70],
    });
    expect(await items.findOne({ _id: 5 }, { projection: { tags: 1 } })).toEqual({
      _id: 5,
      tags: ['x', 'y'],
    });
  });

  it('when updateMany matches several documents, then all of them change', async () => {
    const result = await items.updateMany({ tags: 'red' }, { $set: { onSale: true } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await idsOf({ onSale: true })).toEqual([1, 4]);
  });

  it('when replaceOne is used, then the whole document is replaced and _id kept', async () => {
    const result = await items.replaceOne({ _id: 2 }, { name: 'plantain' });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await items.findOne({ _id: 2 })).toEqual({ _id: 2, name: 'plantain' });
  });

  it('when an upsert matches nothing, then a document is built from the filter equalities and the update', async () => {
    const products = db.collection<{
      _id?: ObjectId;
      sku: string;
      price?: number;
      stock?: number;
      createdBy?: string;
    }>('products');
    const result = await products.updateOne(
      { sku: 'X1', stock: { $gt: 5 } },
      { $set: { price: 3 }, $setOnInsert: { createdBy: 'upsert' } },
      { upsert: true },
    );
    expect(result.matchedCount).toBe(0);
    expect(result.modifiedCount).toBe(0);
    expect(result.upsertedCount).toBe(1);
    expect(result.upsertedId).toBeInstanceOf(ObjectId);
    const created = await products.findOne({ sku: 'X1' });
    expect(created).toEqual({ _id: result.upsertedId, sku: 'X1', price: 3, createdBy: 'upsert' });
  });

  it('when an upsert matches an existing document, then $setOnInsert is ignored', async () => {
    const result = await items.updateOne(
      { _id: 1 },
      { $set: { qty: 6 }, $setOnInsert: { name: 'never' } },
      { upsert: true },
    );
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(result.upsertedId).toBeNull();
    expect(await items.findOne({ _id: 1 }, { projection: { name: 1, qty: 1 } })).toEqual({
      _id: 1,
      name: 'apple',
      qty: 6,
    });
  });

  it('when a replaceOne upserts with an _id filter, then the new document takes that _id', async () => {
    const result = await items.replaceOne({ _id: 42 }, { name: 'kiwi' }, { upsert: true });
    expect(result.upsertedId).toBe(42);
    expect(await items.findOne({ _id: 42 })).toEqual({ _id: 42, name: 'kiwi' });
  });
});

describe('deletes', () => {
  beforeEach(async () => {
    await items.insertMany(sample);
  });

  it('when deleteOne matches several documents, then exactly one is removed', async () => {
    const result = await items.deleteOne({ tags: 'fruit' });
    expect(result.deletedCount).toBe(1);
    expect(await items.countDocuments({ tags: 'fruit' })).toBe(1);
  });

  it('when deleteMany matches several documents, then all are removed and counted', async () => {
    const result = await items.deleteMany({ qty: { $gte: 10 } });
    expect(result.deletedCount).toBe(3);
    expect(await idsOf({})).toEqual([1, 5]);
  });

  it('when a delete matches nothing, then deletedCount is zero', async () => {
    expect((await items.deleteMany({ qty: 1000 })).deletedCount).toBe(0);
  });
});

describe('findOneAndUpdate and findOneAndDelete', () => {
  beforeEach(async () => {
    await items.insertMany(sample);
  });

  it('when returnDocument is before, then the pre-image comes back and the change is stored', async () => {
    const before = await items.findOneAndUpdate(
      { _id: 2 },
      { $inc: { qty: 1 } },
      { returnDocument: 'before', projection: { qty: 1 } },
    );
    expect(before).toEqual({ _id: 2, qty: 10 });
    expect((await items.findOne({ _id: 2 }))?.qty).toBe(11);
  });

  it('when returnDocument is after, then the post-image comes back', async () => {
    const after = await items.findOneAndUpdate(
      { _id: 2 },
      { $inc: { qty: 1 } },
      { returnDocument: 'after', projection: { qty: 1 } },
    );
    expect(after).toEqual({ _id: 2, qty: 11 });
  });

  it('when a sort is given, then the first document in that order is the one updated', async () => {
    const updated = await items.findOneAndUpdate(
      { tags: 'red' },
      { $set: { picked: true } },
      { sort: { qty: -1 }, returnDocument: 'after' },
    );
    expect(updated?._id).toBe(4);
    expect(await idsOf({ picked: true })).toEqual([4]);
  });

  it('when upserting with returnDocument after, then the new document comes back', async () => {
    const created = await items.findOneAndUpdate(
      { _id: 77 },
      { $set: { name: 'fig' } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(created).toEqual({ _id: 77, name: 'fig' });
  });

  it('when upserting with returnDocument before, then null comes back but the document is created', async () => {
    const before = await items.findOneAndUpdate(
      { _id: 78 },
      { $set: { name: 'date' } },
      { upsert: true, returnDocument: 'before' },
    );
    expect(before).toBeNull();
    expect(await items.findOne({ _id: 78 })).toEqual({ _id: 78, name: 'date' });
  });

  it('when includeResultMetadata is set, then the raw reply reports the upsert', async () => {
    const result = await items.findOneAndUpdate(
      { _id: 79 },
      { $set: { name: 'lime' } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(result.ok).toBe(1);
    expect(result.value).toEqual({ _id: 79, name: 'lime' });
    expect(result.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 79 });
  });

  it('when nothing matches without upsert, then null comes back', async () => {
    expect(await items.findOneAndUpdate({ _id: 1000 }, { $set: { a: 1 } })).toBeNull();
  });

  it('when findOneAndDelete matches, then the removed document comes back and is gone', async () => {
    const removed = await items.findOneAndDelete({ qty: { $gt: 0 } }, { sort: { qty: 1 } });
    expect(removed?._id).toBe(1);
    expect(await items.findOne({ _id: 1 })).toBeNull();
    expect(await items.findOneAndDelete({ _id: 1 })).toBeNull();
  });

  it('when findOneAndReplace is used, then the document is replaced', async () => {
    const after = await items.findOneAndReplace(
      { _id: 3 },
      { name: 'hass' },
      { returnDocument: 'after' },
    );
    expect(after).toEqual({ _id: 3, name: 'hass' });
  });
});

describe('counting and distinct', () => {
  beforeEach(async () => {
    await items.insertMany(sample);
  });

  it('when countDocuments is given a filter, skip and limit, then it counts what would be returned', async () => {
    expect(await items.countDocuments()).toBe(5);
    expect(await items.countDocuments({ tags: 'red' })).toBe(2);
    expect(await items.countDocuments({}, { skip: 1, limit: 3 })).toBe(3);
    expect(await items.countDocuments({}, { skip: 4 })).toBe(1);
    expect(await items.countDocuments({ qty: 1000 })).toBe(0);
  });

  it('when estimatedDocumentCount is asked, then it reports the collection size', async () => {
    expect(await items.estimatedDocumentCount()).toBe(5);
    expect(await db.collection('never_created').estimatedDocumentCount()).toBe(0);
  });

  it('when distinct runs over an array field, then each element counts once', async () => {
    const tags = await items.distinct('tags');
    expect([...tags].sort()).toEqual(['fruit', 'green', 'red', 'yellow']);
    const cities = await items.distinct('address.city', { qty: { $lte: 10 } });
    expect([...cities].sort()).toEqual(['Lyon', 'Paris']);
  });
});

describe('aggregate', () => {
  const orders = () =>
    db.collection<{ _id: number; item: string; qty: number; price: number; tags: string[] }>(
      'orders',
    );

  beforeEach(async () => {
    await orders().insertMany([
      { _id: 1, item: 'pen', qty: 2, price: 1.5, tags: ['office'] },
      { _id: 2, item: 'pen', qty: 4, price: 1.5, tags: ['office', 'school'] },
      { _id: 3, item: 'ink', qty: 1, price: 10, tags: [] },
      { _id: 4, item: 'pad', qty: 3, price: 4, tags: ['school'] },
    ]);
  });

  it('when $match, $group ($sum $avg $push) and $sort run, then totals per key come back in order', async () => {
    const result = await orders()
      .aggregate([
        { $match: { qty: { $gte: 1 } } },
        // $push keeps the order documents reach the group in; sort so that order is defined.
        { $sort: { _id: 1 } },
        {
          $group: {
            _id: '$item',
            total: { $sum: '$qty' },
            count: { $sum: 1 },
            avgQty: { $avg: '$qty' },
            ids: { $push: '$_id' },
          },
        },
        { $sort: { total: -1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { _id: 'pen', total: 6, count: 2, avgQty: 3, ids: [1, 2] },
      { _id: 'pad', total: 3, count: 1, avgQty: 3, ids: [4] },
      { _id: 'ink', total: 1, count: 1, avgQty: 1, ids: [3] },
    ]);
  });

  it('when grouping on null, then one document summarises the collection', async () => {
    const [summary] = await orders()
      .aggregate([{ $group: { _id: null, revenue: { $sum: { $multiply: ['$qty', '$price'] } } } }])
      .toArray();
    expect(summary).toEqual({ _id: null, revenue: 31 });
  });

  it('when $skip, $limit and $project run, then the window and shape are applied', async () => {
    const result = await orders()
      .aggregate([
        { $sort: { _id: 1 } },
        { $skip: 1 },
        { $limit: 2 },
        { $project: { _id: 0, item: 1, value: { $multiply: ['$qty', '$price'] } } },
      ])
      .toArray();
    expect(result).toEqual([
      { item: 'pen', value: 6 },
      { item: 'ink', value: 10 },
    ]);
  });

  it('when $count runs, then one document carries the number', async () => {
    const result = await orders()
      .aggregate([{ $match: { item: 'pen' } }, { $count: 'pens' }])
      .toArray();
    expect(result).toEqual([{ pens: 2 }]);
  });

  it('when $unwind runs, then each array element becomes a document and empty arrays vanish', async () => {
    const result = await orders()
      .aggregate([
        { $unwind: '$tags' },
        { $group: { _id: '$tags', n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { _id: 'office', n: 2 },
      { _id: 'school', n: 2 },
    ]);
  });

  it('when $lookup runs, then matching documents from the other collection are joined as an array', async () => {
    await db.collection<{ _id: string; label: string }>('products').insertMany([
      { _id: 'pen', label: 'Ballpoint' },
      { _id: 'pad', label: 'Notepad' },
    ]);
    const result = await orders()
      .aggregate([
        { $match: { _id: { $in: [1, 3] } } },
        { $sort: { _id: 1 } },
        {
          $lookup: { from: 'products', localField: 'item', foreignField: '_id', as: 'product' },
        },
        { $project: { _id: 1, product: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { _id: 1, product: [{ _id: 'pen', label: 'Ballpoint' }] },
      { _id: 3, product: [] },
    ]);
  });
});

describe('single-document atomicity under concurrency', () => {
  it('when many clients race to claim the same unclaimed document, then exactly one wins', async () => {
    await items.insertOne({ _id: 500, name: 'ticket' });
    const racers = Array.from({ length: 20 }, (_, i) =>
      items.findOneAndUpdate(
        { _id: 500, status: { $exists: false } },
        { $set: { status: `order-${i}` } },
        { returnDocument: 'after' },
      ),
    );
    const results = await Promise.all(racers);
    const winners = results.filter((doc) => doc !== null);
    expect(winners).toHaveLength(1);
    expect((await items.findOne({ _id: 500 }))?.status).toBe(winners[0]?.status);
  });

  it('when many $inc updates run at once, then none is lost', async () => {
    await items.insertOne({ _id: 501, qty: 0 });
    await Promise.all(
      Array.from({ length: 50 }, () => items.updateOne({ _id: 501 }, { $inc: { qty: 1 } })),
    );
    expect((await items.findOne({ _id: 501 }))?.qty).toBe(50);
  });
});
