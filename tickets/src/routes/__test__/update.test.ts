import { Subjects } from '@ticketing/common';
import request from 'supertest';
import { Ticket } from '../../models/ticket';
import { natsWrapper } from '../../nats-wrapper';
import {
  buildTestApp,
  buildTicket,
  newId,
  recordedEvents,
  signin,
  useTestDatabase,
} from '../../test/helpers';

jest.mock('../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

const update = (id: string, body: object, cookie?: string) => {
  const req = request(app).put(`/api/tickets/${id}`);
  return (cookie === undefined ? req : req.set('Cookie', cookie)).send(body);
};

describe('PUT /api/tickets/:id', () => {
  it('when nobody is signed in, then 401, even with an invalid body or a malformed id', async () => {
    const ticket = await buildTicket();
    for (const [id, body] of [
      [ticket.id, { title: 'new', price: 5 }],
      [ticket.id, {}],
      ['not-an-id', {}],
    ] as const) {
      const res = await update(id, body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
    }
    expect((await Ticket.findById(ticket.id))?.version).toBe(0);
  });

  it('when the ticket does not exist, then 404', async () => {
    const res = await update(newId(), { title: 'new', price: 5 }, signin());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  it('when the id is malformed, then 400 on field id', async () => {
    const res = await update('abc', { title: 'new', price: 5 }, signin());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'Ticket id must be a valid id', field: 'id' }],
    });
  });

  it('when the signed-in user does not own the ticket, then 401 and nothing changes, no event', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 20 });
    const res = await update(ticket.id, { title: 'mine now', price: 1 }, signin(newId()));
    expect(res.status).toBe(401);
    const stored = await Ticket.findById(ticket.id);
    expect(stored?.title).toBe('concert');
    expect(stored?.price).toBe(20);
    expect(stored?.version).toBe(0);
    expect(await recordedEvents()).toEqual([]);
  });

  it('when the owner sends an invalid title or price, then 400 with the field message', async () => {
    const userId = newId();
    const ticket = await buildTicket({ userId });
    const cases: [object, { message: string; field: string }][] = [
      [
        { title: '', price: 10 },
        { message: 'Title is required', field: 'title' },
      ],
      [{ price: 10 }, { message: 'Title is required', field: 'title' }],
      [
        { title: 'x'.repeat(201), price: 10 },
        { message: 'Title must be at most 200 characters', field: 'title' },
      ],
      [
        { title: 'ok', price: -10 },
        { message: 'Price must be greater than 0', field: 'price' },
      ],
      [{ title: 'ok' }, { message: 'Price must be greater than 0', field: 'price' }],
      [
        { title: 'ok', price: 1.234 },
        { message: 'Price must have at most 2 decimal places', field: 'price' },
      ],
      [
        { title: 'ok', price: 2_000_000 },
        { message: 'Price must be at most 1000000', field: 'price' },
      ],
    ];
    for (const [body, error] of cases) {
      const res = await update(ticket.id, body, signin(userId));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [error] });
    }
    expect((await Ticket.findById(ticket.id))?.version).toBe(0);
  });

  it('when the owner edits a free ticket, then 200 with the new values and version + 1, stored', async () => {
    const userId = newId();
    const ticket = await buildTicket({ userId, title: 'concert', price: 20 });
    const res = await update(ticket.id, { title: 'new concert', price: 100 }, signin(userId));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: ticket.id,
      title: 'new concert',
      price: 100,
      userId,
      version: 1,
    });
    const stored = await Ticket.findById(ticket.id);
    expect(stored?.title).toBe('new concert');
    expect(stored?.price).toBe(100);
    expect(stored?.version).toBe(1);
  });

  it('when the owner edits twice, then versions go 0 → 1 → 2', async () => {
    const userId = newId();
    const ticket = await buildTicket({ userId });
    const first = await update(ticket.id, { title: 'one', price: 1 }, signin(userId));
    const second = await update(ticket.id, { title: 'two', price: 2 }, signin(userId));
    expect([first.body.version, second.body.version]).toEqual([1, 2]);
  });

  it('when the owner edits, then ticket.updated with the new version is recorded in the outbox', async () => {
    const userId = newId();
    const ticket = await buildTicket({ userId });
    await update(ticket.id, { title: 'new concert', price: 100 }, signin(userId)).expect(200);

    expect(await recordedEvents()).toEqual([
      {
        eventId: expect.any(String),
        subject: Subjects.TicketUpdated,
        data: { id: ticket.id, version: 1, title: 'new concert', price: 100, userId },
        publishedAt: null,
      },
    ]);
    expect(natsWrapper.client.publish).not.toHaveBeenCalled();
  });

  it('when the ticket is reserved, then 400 "Cannot edit a reserved ticket", nothing changes, no event', async () => {
    const userId = newId();
    const ticket = await buildTicket({ userId, title: 'concert', price: 20, orderId: newId() });
    const res = await update(ticket.id, { title: 'new', price: 5 }, signin(userId));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot edit a reserved ticket' }] });
    const stored = await Ticket.findById(ticket.id);
    expect(stored?.title).toBe('concert');
    expect(stored?.version).toBe(0);
    expect(await recordedEvents()).toEqual([]);
  });

  it('when the owner sends two edits at once, then both apply one after the other: version 2, and two events with versions 1 and 2', async () => {
    const userId = newId();
    const ticket = await buildTicket({ userId });
    const results = await Promise.all([
      update(ticket.id, { title: 'one', price: 1 }, signin(userId)),
      update(ticket.id, { title: 'two', price: 2 }, signin(userId)),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results.map((r) => r.body.version).sort()).toEqual([1, 2]);
    expect((await Ticket.findById(ticket.id))?.version).toBe(2);
    const versions = (await recordedEvents()).map((e) => (e.data as { version: number }).version);
    expect(versions.sort()).toEqual([1, 2]);
  });
});
