import {
  Binary,
  type Collection,
  type Db,
  Decimal128,
  type Document,
  Double,
  Int32,
  Long,
  type MongoClient,
  ObjectId,
  UUID,
} from 'mongodb';
import {
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
let values: Collection<LooseDoc>;

beforeAll(async () => {
  ({ target, client, db } = await connectMongo('types'));
  values = db.collection<LooseDoc>('values');
}, SERVER_START_TIMEOUT_MS);

afterAll(() => disconnectMongo({ target, client }));

beforeEach(async () => {
  await values.deleteMany({});
});

function bsonTypeOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && '_bsontype' in value) {
    return String((value as { _bsontype: unknown })._bsontype);
  }
  return undefined;
}

describe('round trips', () => {
  it('when every common BSON type is stored, then it reads back with the same type and value', async () => {
    const id = new ObjectId();
    const at = new Date('2024-02-29T12:34:56.789Z');
    const original = {
      _id: id,
      at,
      price: Decimal128.fromString('19.990'),
      big: Long.fromString('9007199254740993'),
      small: new Int32(42),
      ratio: new Double(2),
      fraction: new Double(0.1),
      negative: new Int32(-7),
      bytes: new Binary(Buffer.from([0, 1, 2, 250, 255])),
      uuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e'),
      nested: { level: { deeper: { leaf: 'x', list: [1, 'two', { three: 3 }] } } },
      mixed: [new Int32(1), 'a', null, [new Int32(2), new Int32(3)], { k: true }],
      empty: { obj: {}, arr: [] as unknown[] },
      nothing: null,
      yes: true,
      text: 'héllo ✓ \u0000 inside',
    };
    await values.insertOne(original);

    const raw = await values.findOne({ _id: id }, { promoteValues: false, promoteLongs: false });
    expect(raw).not.toBeNull();
    const doc = raw as Document;
    expect(doc._id).toBeInstanceOf(ObjectId);
    expect(doc._id.equals(id)).toBe(true);
    expect(doc.at).toBeInstanceOf(Date);
    expect(doc.at.getTime()).toBe(at.getTime());
    expect(bsonTypeOf(doc.price)).toBe('Decimal128');
    // Decimal128 keeps trailing zeros: the stored value is exactly what was sent.
    expect(doc.price.toString()).toBe('19.990');
    expect(bsonTypeOf(doc.big)).toBe('Long');
    expect(doc.big.toString()).toBe('9007199254740993');
    expect(bsonTypeOf(doc.small)).toBe('Int32');
    expect(doc.small.valueOf()).toBe(42);
    expect(bsonTypeOf(doc.negative)).toBe('Int32');
    expect(doc.negative.valueOf()).toBe(-7);
    expect(bsonTypeOf(doc.ratio)).toBe('Double');
    expect(doc.ratio.valueOf()).toBe(2);
    expect(doc.fraction.valueOf()).toBe(0.1);
    expect(bsonTypeOf(doc.bytes)).toBe('Binary');
    expect(doc.bytes.sub_type).toBe(0);
    expect(doc.bytes.toString('hex')).toBe('000102faff');
    expect(bsonTypeOf(doc.uuid)).toBe('Binary');
    expect(doc.uuid.sub_type).toBe(4);
    expect(doc.uuid.toUUID().toHexString()).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(doc.nothing).toBeNull();
    expect(doc.yes).toBe(true);
    expect(doc.text).toBe('héllo ✓ \u0000 inside');

    const promoted = await values.findOne({ _id: id });
    expect(promoted).toEqual({
      _id: id,
      at,
      price: Decimal128.fromString('19.990'),
      big: Long.fromString('9007199254740993'),
      small: 42,
      ratio: 2,
      fraction: 0.1,
      negative: -7,
      bytes: new Binary(Buffer.from([0, 1, 2, 250, 255])),
      uuid: new Binary(Buffer.from('0f8fad5bd9cb469fa16570867728950e', 'hex'), Binary.SUBTYPE_UUID),
      nested: { level: { deeper: { leaf: 'x', list: [1, 'two', { three: 3 }] } } },
      mixed: [1, 'a', null, [2, 3], { k: true }],
      empty: { obj: {}, arr: [] },
      nothing: null,
      yes: true,
      text: 'héllo ✓ \u0000 inside',
    });
  });

  it('when a document is stored, then its field order is kept', async () => {
    await values.insertOne({ _id: 1, z: 1, a: 2, m: { y: 1, b: 2 } });
    const doc = await values.findOne({ _id: 1 });
    expect(Object.keys(doc ?? {})).toEqual(['_id', 'z', 'a', 'm']);
    expect(Object.keys(doc?.m ?? {})).toEqual(['y', 'b']);
  });

  it('when a document has no _id, then _id is generated and placed first', async () => {
    const { insertedId } = await values.insertOne({ z: 1, a: 2 });
    const doc = await values.findOne({ _id: insertedId });
    expect(Object.keys(doc ?? {})).toEqual(['_id', 'z', 'a']);
  });

  it('when numbers are stored as int, long, double and decimal, then $type tells them apart on the server', async () => {
    await values.insertMany([
      { _id: 'int', v: new Int32(5) },
      { _id: 'long', v: Long.fromNumber(5) },
      { _id: 'double', v: new Double(5) },
      { _id: 'decimal', v: Decimal128.fromString('5') },
      { _id: 'string', v: '5' },
    ]);
    const idsOfType = async (type: string) =>
      (await values.find({ v: { $type: type } }).toArray()).map((d) => d._id);
    expect(await idsOfType('int')).toEqual(['int']);
    expect(await idsOfType('long')).toEqual(['long']);
    expect(await idsOfType('double')).toEqual(['double']);
    expect(await idsOfType('decimal')).toEqual(['decimal']);
    expect(await idsOfType('string')).toEqual(['string']);
    expect((await idsOfType('number')).sort()).toEqual(['decimal', 'double', 'int', 'long']);
  });

  it('when numbers of different BSON types are equal in value, then an equality query matches them all', async () => {
    await values.insertMany([
      { _id: 'int', v: new Int32(5) },
      { _id: 'long', v: Long.fromNumber(5) },
      { _id: 'double', v: new Double(5) },
      { _id: 'decimal', v: Decimal128.fromString('5.0') },
      { _id: 'string', v: '5' },
      { _id: 'other', v: 6 },
    ]);
    const ids = (await values.find({ v: 5 }).toArray()).map((d) => d._id).sort();
    expect(ids).toEqual(['decimal', 'double', 'int', 'long']);
    const greater = (await values.find({ v: { $gt: Long.fromNumber(5) } }).toArray()).map(
      (d) => d._id,
    );
    expect(greater).toEqual(['other']);
  });

  it('when $inc adds an int to a long, then the result stays a long', async () => {
    await values.insertOne({ _id: 1, v: Long.fromNumber(10) });
    await values.updateOne({ _id: 1 }, untypedUpdate({ $inc: { v: 5 } }));
    const doc = await values.findOne({ _id: 1 }, { promoteLongs: false });
    expect(bsonTypeOf(doc?.v)).toBe('Long');
    expect(String(doc?.v)).toBe('15');
  });

  it('when $inc adds a double to an int, then the result becomes a double', async () => {
    await values.insertOne({ _id: 1, v: new Int32(1) });
    await values.updateOne({ _id: 1 }, untypedUpdate({ $inc: { v: 0.5 } }));
    const doc = await values.findOne({ _id: 1 }, { promoteValues: false });
    expect(bsonTypeOf(doc?.v)).toBe('Double');
    expect(Number(doc?.v)).toBe(1.5);
  });
});

describe('queries by ObjectId and Date', () => {
  it('when querying by ObjectId, then equality and ranges follow ObjectId order', async () => {
    const ids = [
      new ObjectId('650000000000000000000001'),
      new ObjectId('650000000000000000000002'),
      new ObjectId('650000000000000000000003'),
    ];
    await values.insertMany(ids.map((_id, i) => ({ _id, i })));
    expect((await values.findOne({ _id: ids[1] }))?.i).toBe(1);
    expect((await values.findOne({ _id: new ObjectId(ids[1]?.toHexString()) }))?.i).toBe(1);
    const after = await values.find({ _id: { $gt: ids[0] } }, { sort: { _id: 1 } }).toArray();
    expect(after.map((d) => d.i)).toEqual([1, 2]);
    // A hex string is not an ObjectId: it must not match.
    expect(await values.findOne({ _id: ids[1]?.toHexString() })).toBeNull();
  });

  it('when querying a Date range, then bounds are honoured to the millisecond', async () => {
    const base = Date.parse('2024-01-01T00:00:00.000Z');
    await values.insertMany(
      [0, 1, 2, 3, 4].map((d) => ({ _id: d, at: new Date(base + d * 86_400_000) })),
    );
    await values.insertOne({ _id: 'ms', at: new Date(base + 2 * 86_400_000 - 1) });
    const inRange = await values
      .find(
        { at: { $gte: new Date(base + 86_400_000), $lt: new Date(base + 3 * 86_400_000) } },
        { sort: { at: 1 } },
      )
      .toArray();
    expect(inRange.map((d) => d._id)).toEqual([1, 'ms', 2]);
    // Dates and strings are different types: a string bound matches nothing.
    expect(await values.countDocuments({ at: { $gte: '2024-01-01' } })).toBe(0);
  });

  it('when sorting mixed types, then BSON type order applies (null < numbers < strings < objects < ObjectId < Date)', async () => {
    await values.insertMany([
      { _id: 1, v: new Date(0) },
      { _id: 2, v: new ObjectId('650000000000000000000001') },
      { _id: 3, v: { a: 1 } },
      { _id: 4, v: 'text' },
      { _id: 5, v: 10 },
      { _id: 6, v: null },
      { _id: 7, v: 2.5 },
    ]);
    const docs = await values.find({}, { sort: { v: 1 } }).toArray();
    expect(docs.map((d) => d._id)).toEqual([6, 7, 5, 4, 3, 2, 1]);
  });
});
