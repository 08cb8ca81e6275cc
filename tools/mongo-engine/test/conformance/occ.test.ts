import mongoose from 'mongoose';
import { updateIfCurrentPlugin } from 'mongoose-update-if-current';
import { caught, type MongoTarget, SERVER_START_TIMEOUT_MS, startMongo } from './support';

jest.setTimeout(30_000);

interface TicketFields {
  title: string;
  price: number;
  orderId?: string;
  version: number;
}

let target: MongoTarget;
let connection: mongoose.Connection;
let Ticket: mongoose.Model<TicketFields>;

beforeAll(async () => {
  target = await startMongo('occ');
  connection = await mongoose.createConnection(target.uri).asPromise();
  const schema = new mongoose.Schema<TicketFields>({
    title: { type: String, required: true },
    price: { type: Number, required: true },
    orderId: { type: String },
  });
  // The project's models use exactly this: a `version` key driven by the plugin.
  schema.set('versionKey', 'version');
  schema.plugin(updateIfCurrentPlugin);
  Ticket = connection.model<TicketFields>('Ticket', schema);
  await Ticket.init();
}, SERVER_START_TIMEOUT_MS);

afterAll(async () => {
  await connection?.close();
  await target?.stop();
});

beforeEach(async () => {
  await Ticket.deleteMany({});
});

describe('version-based optimistic concurrency', () => {
  it('when a document is created and saved twice, then its version goes 0, 1, 2 in memory and in the store', async () => {
    const ticket = await Ticket.create({ title: 'concert', price: 10 });
    expect(ticket.version).toBe(0);
    expect((await Ticket.findById(ticket._id).lean())?.version).toBe(0);

    ticket.set({ price: 15 });
    await ticket.save();
    expect(ticket.version).toBe(1);

    ticket.set({ price: 20 });
    await ticket.save();
    expect(ticket.version).toBe(2);

    const stored = await Ticket.findById(ticket._id).lean();
    expect(stored).toMatchObject({ title: 'concert', price: 20, version: 2 });
    expect(stored).not.toHaveProperty('__v');
  });

  it('when a stale copy is saved after a newer save, then it rejects with a VersionError and the store keeps the newer data', async () => {
    const ticket = await Ticket.create({ title: 'concert', price: 10 });
    const first = await Ticket.findById(ticket._id);
    const second = await Ticket.findById(ticket._id);
    if (!first || !second) throw new Error('ticket not found');

    first.set({ price: 11 });
    second.set({ price: 12 });
    await first.save();
    const error = await caught(() => second.save());
    expect(error).toBeInstanceOf(mongoose.Error.VersionError);

    const stored = await Ticket.findById(ticket._id).lean();
    expect(stored).toMatchObject({ price: 11, version: 1 });
  });

  it('when saving without changes to any field, then the version still advances', async () => {
    const ticket = await Ticket.create({ title: 'play', price: 5 });
    await ticket.save();
    expect(ticket.version).toBe(1);
    expect((await Ticket.findById(ticket._id).lean())?.version).toBe(1);
  });

  it('when looking up by id and version, then only the exact version matches', async () => {
    const ticket = await Ticket.create({ title: 'opera', price: 30 });
    ticket.set({ orderId: 'order-1' });
    await ticket.save();

    const current = await Ticket.findOne({ _id: ticket._id, version: 1 });
    expect(current?.orderId).toBe('order-1');
    expect(await Ticket.findOne({ _id: ticket._id, version: 0 })).toBeNull();
    expect(await Ticket.findOne({ _id: ticket._id, version: 2 })).toBeNull();
  });

  it('when a replica applies version n only while it holds n-1, then an out-of-order update waits and an in-order one applies', async () => {
    const replica = await Ticket.create({ title: 'ballet', price: 40 });
    expect(replica.version).toBe(0);

    // Version 2 arrives first: the replica holds 0, so nothing matches version 1.
    expect(await Ticket.findOne({ _id: replica._id, version: 2 - 1 })).toBeNull();

    // Version 1 arrives: the replica holds 0, which matches; applying it bumps to 1.
    const forV1 = await Ticket.findOne({ _id: replica._id, version: 1 - 1 });
    if (!forV1) throw new Error('expected the replica at version 0');
    forV1.set({ price: 41 });
    await forV1.save();

    // Version 2 redelivered: now it applies.
    const forV2 = await Ticket.findOne({ _id: replica._id, version: 2 - 1 });
    if (!forV2) throw new Error('expected the replica at version 1');
    forV2.set({ price: 42 });
    await forV2.save();
    expect(await Ticket.findById(replica._id).lean()).toMatchObject({ price: 42, version: 2 });
  });
});
