import { type Collection, type Db, type MongoClient, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import {
  caught,
  connectMongo,
  disconnectMongo,
  type LooseDoc,
  type MongoTarget,
  SERVER_START_TIMEOUT_MS,
} from './support';

jest.setTimeout(30_000);

let target: MongoTarget;
let client: MongoClient;
let db: Db;
let coll: Collection<LooseDoc>;
let collName = '';
let counter = 0;

beforeAll(async () => {
  ({ target, client, db } = await connectMongo('indexes'));
}, SERVER_START_TIMEOUT_MS);

afterAll(() => disconnectMongo({ target, client }));

// Indexes outlive deleteMany, so each test gets a collection of its own.
beforeEach(() => {
  counter += 1;
  collName = `people${counter}`;
  coll = db.collection<LooseDoc>(collName);
});

function dupKeyPrefix(indexName: string): RegExp {
  return new RegExp(
    `^E11000 duplicate key error collection: ${target.dbName}\\.${collName} index: ${indexName} dup key:`,
  );
}

async function serverError(action: () => Promise<unknown>): Promise<MongoServerError> {
  const error = await caught(action);
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('unique indexes', () => {
  it('when a duplicate is inserted under a unique index, then E11000 names the collection, index and key', async () => {
    const name = await coll.createIndex({ email: 1 }, { unique: true });
    expect(name).toBe('email_1');
    await coll.insertOne({ email: 'a@x.com', n: 1 });

    const error = await serverError(() => coll.insertOne({ email: 'a@x.com', n: 2 }));
    expect(error.code).toBe(11000);
    expect(error.message).toMatch(dupKeyPrefix('email_1'));
    expect(error.message).toContain('dup key: { email: "a@x.com" }');
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: 'a@x.com' });
    expect(await coll.countDocuments()).toBe(1);
  });

  it('when the unique index has a custom name, then the error carries that name', async () => {
    await coll.createIndex({ code: 1 }, { unique: true, name: 'by_code' });
    await coll.insertOne({ code: 7 });
    const error = await serverError(() => coll.insertOne({ code: 7 }));
    expect(error.message).toMatch(dupKeyPrefix('by_code'));
    expect(error.keyValue).toEqual({ code: 7 });
  });

  it('when an update would create a duplicate, then it fails with 11000 and changes nothing', async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, email: 'a' },
      { _id: 2, email: 'b' },
    ]);
    const error = await serverError(() => coll.updateOne({ _id: 2 }, { $set: { email: 'a' } }));
    expect(error.code).toBe(11000);
    expect(error.keyValue).toEqual({ email: 'a' });
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, email: 'b' });
  });

  it('when two documents both lack the uniquely indexed field, then the second is a duplicate of null', async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ n: 1 });
    const error = await serverError(() => coll.insertOne({ n: 2 }));
    expect(error.code).toBe(11000);
    expect(error.keyValue).toEqual({ email: null });
  });

  it('when the unique index is sparse, then any number of documents may lack the field', async () => {
    await coll.createIndex({ email: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ n: 1 }, { n: 2 }, { email: 'a' }]);
    expect(await coll.countDocuments()).toBe(3);
    expect((await serverError(() => coll.insertOne({ email: 'a' }))).code).toBe(11000);
  });

  it('when a compound unique index exists, then only the full key combination must be unique', async () => {
    const name = await coll.createIndex({ a: 1, b: -1 }, { unique: true });
    expect(name).toBe('a_1_b_-1');
    await coll.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
      { a: 2, b: 1 },
    ]);
    const error = await serverError(() => coll.insertOne({ a: 1, b: 2 }));
    expect(error.code).toBe(11000);
    expect(error.keyPattern).toEqual({ a: 1, b: -1 });
    expect(error.keyValue).toEqual({ a: 1, b: 2 });
  });

  it('when a partial unique index exists, then duplicates outside its filter are allowed', async () => {
    await coll.createIndex(
      { email: 1 },
      { unique: true, partialFilterExpression: { active: true }, name: 'active_email' },
    );
    await coll.insertMany([
      { email: 'a', active: false },
      { email: 'a', active: false },
      { email: 'a' },
      { email: 'a', active: true },
    ]);
    expect(await coll.countDocuments({ email: 'a' })).toBe(4);

    const error = await serverError(() => coll.insertOne({ email: 'a', active: true }));
    expect(error.code).toBe(11000);
    expect(error.message).toMatch(dupKeyPrefix('active_email'));

    // Moving a document into the filter counts as well.
    const moved = await serverError(() =>
      coll.updateOne({ email: 'a', active: false }, { $set: { active: true } }),
    );
    expect(moved.code).toBe(11000);
  });

  it('when a unique index is created over existing duplicates, then it fails with 11000 and no index is left', async () => {
    await coll.insertMany([{ email: 'same' }, { email: 'same' }, { email: 'other' }]);
    const error = await serverError(() => coll.createIndex({ email: 1 }, { unique: true }));
    expect(error.code).toBe(11000);
    expect(error.message).toContain('E11000 duplicate key error');
    const names = (await coll.indexes()).map((index) => index.name);
    expect(names).toEqual(['_id_']);
  });
});

describe('listing and dropping', () => {
  it('when indexes are created, then listIndexes shows them with their options', async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.createIndex(
      { tenant: 1, at: -1 },
      { partialFilterExpression: { at: { $exists: true } } },
    );
    const indexes = await coll.indexes();
    const byName = new Map(indexes.map((index) => [index.name, index]));
    expect([...byName.keys()].sort()).toEqual(['_id_', 'email_1', 'tenant_1_at_-1']);
    expect(byName.get('_id_')).toMatchObject({ v: 2, key: { _id: 1 } });
    expect(byName.get('_id_')?.unique).toBeUndefined();
    expect(byName.get('email_1')).toMatchObject({ v: 2, key: { email: 1 }, unique: true });
    expect(byName.get('tenant_1_at_-1')).toMatchObject({
      key: { tenant: 1, at: -1 },
      partialFilterExpression: { at: { $exists: true } },
    });
    expect(Object.keys(byName.get('tenant_1_at_-1')?.key ?? {})).toEqual(['tenant', 'at']);
  });

  it('when the same index is created twice, then the second call is a no-op returning its name', async () => {
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(await coll.indexes()).toHaveLength(2);
  });

  it('when createIndexes runs on a collection that does not exist, then it creates the collection', async () => {
    await coll.createIndex({ a: 1 });
    const collections = await db.listCollections({ name: collName }).toArray();
    expect(collections).toHaveLength(1);
  });

  it('when a unique index is dropped, then duplicates are accepted again', async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'a' });
    await coll.dropIndex('email_1');
    expect((await coll.indexes()).map((index) => index.name)).toEqual(['_id_']);
    await coll.insertOne({ email: 'a' });
    expect(await coll.countDocuments({ email: 'a' })).toBe(2);
  });

  it('when an unknown index is dropped, then the server answers IndexNotFound (27)', async () => {
    await coll.insertOne({ a: 1 });
    const error = await serverError(() => coll.dropIndex('nope_1'));
    expect(error.code).toBe(27);
    expect(error.codeName).toBe('IndexNotFound');
  });

  it('when the _id index is dropped, then the server refuses', async () => {
    await coll.insertOne({ a: 1 });
    const error = await serverError(() => coll.dropIndex('_id_'));
    expect(error.code).toBe(72);
    expect((await coll.indexes()).map((index) => index.name)).toEqual(['_id_']);
  });
});

describe('mongoose unique fields', () => {
  it('when a model field is unique, then saving a duplicate rejects with a MongoServerError 11000 naming the field', async () => {
    const connection = await mongoose.createConnection(target.uri).asPromise();
    try {
      const schema = new mongoose.Schema({ email: { type: String, unique: true }, name: String });
      const User = connection.model('User', schema, `${collName}_users`);
      await User.init();

      await new User({ email: 'dup@x.com', name: 'first' }).save();
      const error = await caught(() => new User({ email: 'dup@x.com', name: 'second' }).save());
      expect(error).toBeInstanceOf(mongoose.mongo.MongoServerError);
      const serverErr = error as InstanceType<typeof mongoose.mongo.MongoServerError>;
      expect(serverErr.code).toBe(11000);
      expect(serverErr.keyValue).toEqual({ email: 'dup@x.com' });
      expect(serverErr.keyPattern).toEqual({ email: 1 });
      expect(await User.countDocuments()).toBe(1);
      expect((await User.findOne({ email: 'dup@x.com' }))?.name).toBe('first');
    } finally {
      await connection.close();
    }
  });
});
