import { type MongoHandle, startMongo } from '@ticketing/test-helpers';
import type { ClientSession, Connection } from 'mongoose';
import { Subjects } from '../../src/events';
import {
  ensureOutboxCollections,
  inboxEventModel,
  Outbox,
  outboxEventModel,
  processOnce,
  withTransaction,
} from '../../src/outbox';
import { buildTicketData, connectFreshDb, effectModel, ticketModel } from './support';

jest.setTimeout(30_000);

let mongo: MongoHandle;
let connection: Connection;
let outbox: Outbox;

beforeAll(async () => {
  mongo = await startMongo();
}, 60_000);

afterAll(async () => {
  await mongo?.stop();
});

beforeEach(async () => {
  connection = await connectFreshDb(mongo.uri);
  await ensureOutboxCollections(connection);
  await ticketModel(connection).createCollection();
  await effectModel(connection).createCollection();
  outbox = new Outbox(connection);
});

afterEach(async () => {
  await connection.close();
});

// Compile-time checks (tsc over test/ fails if an @ts-expect-error stops being an error).
export async function typeChecks(session: ClientSession): Promise<void> {
  // @ts-expect-error ticket.created's data needs title, price, userId and version
  await outbox.record(session, Subjects.TicketCreated, { id: 'x' });
  // @ts-expect-error order.cancelled's data is not ticket.created's
  await outbox.record(session, Subjects.OrderCancelled, buildTicketData());
  // @ts-expect-error a string is not a subject
  await outbox.record(session, 'ticket.created', buildTicketData());
  await outbox.record(session, Subjects.ExpirationComplete, { orderId: 'o-1' });
}

describe('Outbox.record', () => {
  test('when the transaction aborts, then neither the state change nor the event is stored', async () => {
    const Ticket = ticketModel(connection);
    await expect(
      withTransaction(connection, async (session) => {
        await Ticket.create([{ title: 'concert', price: 10, userId: 'u' }], { session });
        await outbox.record(session, Subjects.TicketCreated, buildTicketData());
        throw new Error('validation failed later');
      }),
    ).rejects.toThrow('validation failed later');

    expect(await Ticket.countDocuments()).toBe(0);
    expect(await outboxEventModel(connection).countDocuments()).toBe(0);
  });

  test('when the transaction commits, then the event is stored pending with the state change', async () => {
    const Ticket = ticketModel(connection);
    const data = buildTicketData({ title: 'opera' });
    const eventId = await withTransaction(connection, async (session) => {
      await Ticket.create([{ title: 'opera', price: data.price, userId: data.userId }], {
        session,
      });
      return outbox.record(session, Subjects.TicketCreated, data);
    });

    expect(await Ticket.countDocuments({ title: 'opera' })).toBe(1);
    const stored = await outboxEventModel(connection).find().lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      eventId,
      subject: 'ticket.created',
      publishedAt: null,
      attempts: 0,
    });
    expect(JSON.parse(stored[0]?.payload ?? '')).toEqual(data);
  });

  test('when called without a transaction, then it refuses instead of storing an orphan event', async () => {
    const session = await connection.startSession();
    try {
      await expect(
        outbox.record(session, Subjects.TicketCreated, buildTicketData()),
      ).rejects.toThrow('inside a transaction');
    } finally {
      await session.endSession();
    }
    expect(await outboxEventModel(connection).countDocuments()).toBe(0);
  });
});

describe('processOnce', () => {
  const msg = (eventId: string) => ({ eventId, subject: Subjects.TicketCreated });

  async function countEffect(session: ClientSession, id: string): Promise<void> {
    await effectModel(connection).updateOne(
      { _id: id },
      { $inc: { count: 1 } },
      { upsert: true, session },
    );
  }

  test('when the same event id arrives twice, then the effect runs once and the second is a duplicate', async () => {
    const target = { queueGroup: 'orders-service', msg: msg('evt-1') };
    const first = await processOnce(connection, target, (s) => countEffect(s, 't1'));
    const second = await processOnce(connection, target, (s) => countEffect(s, 't1'));

    expect([first, second]).toEqual(['processed', 'duplicate']);
    expect(await effectModel(connection).findById('t1').lean()).toMatchObject({ count: 1 });
    expect(await inboxEventModel(connection).findById('orders-service:evt-1').lean()).toMatchObject(
      { subject: 'ticket.created' },
    );
  });

  test('when two queue groups handle the same event, then each runs its effect once', async () => {
    const a = await processOnce(connection, { queueGroup: 'a', msg: msg('evt-2') }, (s) =>
      countEffect(s, 't2'),
    );
    const b = await processOnce(connection, { queueGroup: 'b', msg: msg('evt-2') }, (s) =>
      countEffect(s, 't2'),
    );

    expect([a, b]).toEqual(['processed', 'processed']);
    expect(await effectModel(connection).findById('t2').lean()).toMatchObject({ count: 2 });
  });

  test('when the effect throws, then the inbox record and the effect roll back and a retry processes it', async () => {
    const target = { queueGroup: 'tickets-service', msg: msg('evt-3') };
    await expect(
      processOnce(connection, target, async (session) => {
        await countEffect(session, 't3');
        await outbox.record(session, Subjects.TicketUpdated, buildTicketData());
        throw new Error('ticket not found yet');
      }),
    ).rejects.toThrow('ticket not found yet');

    expect(await inboxEventModel(connection).countDocuments()).toBe(0);
    expect(await effectModel(connection).countDocuments()).toBe(0);
    expect(await outboxEventModel(connection).countDocuments()).toBe(0);

    const retry = await processOnce(connection, target, async (session) => {
      await countEffect(session, 't3');
      await outbox.record(session, Subjects.TicketUpdated, buildTicketData());
    });
    expect(retry).toBe('processed');
    expect(await effectModel(connection).findById('t3').lean()).toMatchObject({ count: 1 });
    expect(await outboxEventModel(connection).countDocuments()).toBe(1);
  });

  test('when the effect itself hits a duplicate key, then that is a failure, not a duplicate event', async () => {
    const Effect = effectModel(connection);
    await Effect.create({ _id: 't4', count: 1 });
    await expect(
      processOnce(connection, { queueGroup: 'g', msg: msg('evt-4') }, async (session) => {
        await Effect.create([{ _id: 't4', count: 1 }], { session });
      }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await inboxEventModel(connection).countDocuments()).toBe(0);
  });

  test('when the same event is handled concurrently, then exactly one run applies the effect', async () => {
    const target = { queueGroup: 'g', msg: msg('evt-5') };
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => processOnce(connection, target, (s) => countEffect(s, 't5'))),
    );

    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(3);
    expect(await effectModel(connection).findById('t5').lean()).toMatchObject({ count: 1 });
  });
});
