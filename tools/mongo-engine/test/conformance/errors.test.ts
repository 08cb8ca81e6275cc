import { type Collection, type Db, type MongoClient, MongoServerError } from 'mongodb';
import {
  caught,
  connectMongo,
  disconnectMongo,
  type LooseDoc,
  type MongoTarget,
  SERVER_START_TIMEOUT_MS,
  untypedUpdate,
} from './support';

jest.setTimeout(30_000);

let target: MongoTarget;
let client: MongoClient;
let db: Db;
let things: Collection<LooseDoc>;

beforeAll(async () => {
  ({ target, client, db } = await connectMongo('errors'));
  things = db.collection<LooseDoc>('things');
}, SERVER_START_TIMEOUT_MS);

afterAll(() => disconnectMongo({ target, client }));

beforeEach(async () => {
  await things.deleteMany({});
  await things.insertOne({ _id: 1, name: 'box', qty: 3 });
});

async function serverError(action: () => Promise<unknown>): Promise<MongoServerError> {
  const error = await caught(action);
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('command errors', () => {
  it('when an unknown command is run, then it fails with CommandNotFound (59) and the connection stays usable', async () => {
    const error = await serverError(() => db.command({ noSuchCmd: 1 }));
    expect(error.code).toBe(59);
    expect(error.codeName).toBe('CommandNotFound');
    expect(error.message).toBe("no such command: 'noSuchCmd'");
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await things.countDocuments()).toBe(1);
  });

  it('when a filter uses an unknown operator, then find fails with BadValue (2)', async () => {
    const error = await serverError(() => things.find({ qty: { $bogus: 1 } }).toArray());
    expect(error.code).toBe(2);
    expect(error.codeName).toBe('BadValue');
    expect(error.message).toBe('unknown operator: $bogus');
  });

  it('when a pipeline names an unknown stage, then aggregate fails with 40324', async () => {
    const error = await serverError(() => things.aggregate([{ $bogus: {} }]).toArray());
    expect(error.code).toBe(40324);
    expect(error.message).toContain("Unrecognized pipeline stage name: '$bogus'");
  });

  it('when a collection is created again with identical options, then it is a no-op (MongoDB 7.0+)', async () => {
    await db.createCollection('same');
    await db.createCollection('same');
    const names = (await db.listCollections({ name: 'same' }).toArray()).map((c) => c.name);
    expect(names).toEqual(['same']);
  });

  it('when a collection is created again with other options, then it fails with NamespaceExists (48)', async () => {
    await db.createCollection('once');
    const error = await serverError(() =>
      db.createCollection('once', { validator: { name: { $type: 'string' } } }),
    );
    expect(error.code).toBe(48);
    expect(error.codeName).toBe('NamespaceExists');
  });

  it('when reading a collection that does not exist, then the result is simply empty', async () => {
    expect(await db.collection('missing').find({}).toArray()).toEqual([]);
    expect(await db.collection('missing').countDocuments()).toBe(0);
    const names = (await db.listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain('missing');
  });
});

describe('write errors', () => {
  it('when an update uses an unknown modifier, then it fails with FailedToParse (9) and changes nothing', async () => {
    const error = await serverError(() => things.updateOne({ _id: 1 }, { $bogus: { qty: 1 } }));
    expect(error.code).toBe(9);
    expect(error.message).toContain('Unknown modifier: $bogus');
    expect(await things.findOne({ _id: 1 })).toEqual({ _id: 1, name: 'box', qty: 3 });
  });

  it('when $inc targets a string, then it fails with TypeMismatch (14)', async () => {
    const error = await serverError(() =>
      things.updateOne({ _id: 1 }, untypedUpdate({ $inc: { name: 1 } })),
    );
    expect(error.code).toBe(14);
    expect(error.message).toContain('Cannot apply $inc to a value of non-numeric type');
  });

  it('when an update would change _id, then it fails with ImmutableField (66)', async () => {
    const error = await serverError(() => things.updateOne({ _id: 1 }, { $set: { _id: 2 } }));
    expect(error.code).toBe(66);
    expect(await things.findOne({ _id: 1 })).not.toBeNull();
  });

  it('when two operators touch the same path, then it fails with ConflictingUpdateOperators (40)', async () => {
    const error = await serverError(() =>
      things.updateOne(
        { _id: 1 },
        untypedUpdate({
          $set: { qty: 1 },
          $inc: { qty: 1 },
        }),
      ),
    );
    expect(error.code).toBe(40);
    expect((await things.findOne({ _id: 1 }))?.qty).toBe(3);
  });
});
