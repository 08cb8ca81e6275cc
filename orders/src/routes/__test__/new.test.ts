import { OrderStatus, Subjects } from '@ticketing/common';
import mongoose from 'mongoose';
import request from 'supertest';
import { Order } from '../../models/order';
import { Ticket } from '../../models/ticket';
import { natsWrapper } from '../../nats-wrapper';
import {
  buildOrder,
  buildTestApp,
  buildTicket,
  newId,
  recordedEvents,
  signin,
  TEST_EXPIRATION_WINDOW_SECONDS,
  useTestDatabase,
} from '../../test/helpers';

jest.mock('../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

const create = (body: object, cookie: string = signin()) =>
  request(app).post('/api/orders').set('Cookie', cookie).send(body);

describe('POST /api/orders', () => {
  it('when nobody is signed in, then 401 "Not authorized", even with an invalid body', async () => {
    const ticket = await buildTicket();
    for (const body of [{ ticketId: ticket.id }, {}, { ticketId: 'nope' }]) {
      const res = await request(app).post('/api/orders').send(body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
    }
    expect(await Order.countDocuments()).toBe(0);
  });

  it('when ticketId is missing, malformed or not a string, then 400 "TicketId must be provided" on field ticketId', async () => {
    for (const ticketId of [undefined, '', 'not-an-id', '123', 42, [newId()], { $ne: '' }, null]) {
      const res = await create({ ticketId });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'TicketId must be provided', field: 'ticketId' }],
      });
    }
    expect(await Order.countDocuments()).toBe(0);
    expect(await recordedEvents()).toEqual([]);
  });

  it('when the ticket is unknown, then 404 "Not Found" and nothing is stored or recorded', async () => {
    const res = await create({ ticketId: newId() });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
    expect(await Order.countDocuments()).toBe(0);
    expect(await recordedEvents()).toEqual([]);
  });

  it.each([OrderStatus.Created, OrderStatus.AwaitingPayment, OrderStatus.Complete])(
    'when an order that is %s holds the ticket, then 400 "Ticket is already reserved" and nothing is recorded',
    async (status) => {
      const ticket = await buildTicket();
      await buildOrder({ ticket, status });

      const res = await create({ ticketId: ticket.id });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Ticket is already reserved' }] });
      expect(await Order.countDocuments()).toBe(1);
      expect(await recordedEvents()).toEqual([]);
    },
  );

  it('when the only order for the ticket was cancelled, then the ticket can be reserved again', async () => {
    const ticket = await buildTicket();
    await buildOrder({ ticket, status: OrderStatus.Cancelled });

    const res = await create({ ticketId: ticket.id });

    expect(res.status).toBe(201);
    expect(await Order.countDocuments({ ticket: ticket._id })).toBe(2);
  });

  it('when the ticket is free, then 201 with the created order and its ticket, stored for the signed-in user, expiring after the window', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 20, version: 3 });
    const userId = newId();
    const before = Date.now();

    const res = await create({ ticketId: ticket.id }, signin(userId));

    const after = Date.now();
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      userId,
      status: 'created',
      expiresAt: expect.any(String),
      ticket: { id: ticket.id, title: 'concert', price: 20, version: 3 },
      version: 0,
    });
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + TEST_EXPIRATION_WINDOW_SECONDS * 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + TEST_EXPIRATION_WINDOW_SECONDS * 1000);

    const stored = await Order.findById(res.body.id);
    expect(stored?.userId).toBe(userId);
    expect(stored?.status).toBe(OrderStatus.Created);
    expect(stored?.ticketId()).toBe(ticket.id);
    // Reserving must not touch the replica's version: it is the tickets service's.
    expect((await Ticket.findById(ticket.id))?.version).toBe(3);
  });

  it('when an order is created, then order.created is recorded in the outbox with its data, and the route itself publishes nothing', async () => {
    const ticket = await buildTicket({ price: 42.5 });
    const userId = newId();

    const res = await create({ ticketId: ticket.id }, signin(userId));

    expect(res.status).toBe(201);
    expect(await recordedEvents()).toEqual([
      {
        eventId: expect.any(String),
        subject: Subjects.OrderCreated,
        data: {
          id: res.body.id,
          version: 0,
          status: 'created',
          userId,
          expiresAt: res.body.expiresAt,
          ticket: { id: ticket.id, price: 42.5 },
        },
        publishedAt: null,
      },
    ]);
    expect(new Date(res.body.expiresAt).toISOString()).toBe(res.body.expiresAt);
    expect(natsWrapper.client.publish).not.toHaveBeenCalled();
  });

  it('when 20 buyers ask for one ticket at once, then exactly one gets 201, nineteen get 400 "Ticket is already reserved", and one order and one event are stored', async () => {
    const ticket = await buildTicket();

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => create({ ticketId: ticket.id })),
    );

    const created = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status === 400);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const res of refused) {
      expect(res.body).toEqual({ errors: [{ message: 'Ticket is already reserved' }] });
    }
    expect(await Order.countDocuments({ ticket: ticket._id })).toBe(1);
    const events = await recordedEvents();
    expect(events.map((e) => e.subject)).toEqual([Subjects.OrderCreated]);
    expect(events[0]?.data).toMatchObject({ id: created[0]?.body.id });
  }, 60_000);

  it('when buyers race for two different tickets, then each ticket gets exactly one order', async () => {
    const first = await buildTicket();
    const second = await buildTicket();

    const responses = await Promise.all(
      [first, second, first, second, first, second].map((t) => create({ ticketId: t.id })),
    );

    expect(responses.filter((r) => r.status === 201)).toHaveLength(2);
    expect(await Order.countDocuments({ ticket: first._id })).toBe(1);
    expect(await Order.countDocuments({ ticket: second._id })).toBe(1);
  }, 60_000);

  it('when the transaction still conflicts after the driver gave up retrying, then 400 "Ticket is already reserved", not 500', async () => {
    const ticket = await buildTicket();
    const conflict = Object.assign(new Error('WriteConflict'), { code: 112 });
    const transaction = jest
      .spyOn(mongoose.connection, 'transaction')
      .mockRejectedValueOnce(conflict);
    try {
      const res = await create({ ticketId: ticket.id });
      expect(transaction).toHaveBeenCalled();
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Ticket is already reserved' }] });
    } finally {
      transaction.mockRestore();
    }
  });
});
