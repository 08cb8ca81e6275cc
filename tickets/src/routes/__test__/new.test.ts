import { Subjects } from '@ticketing/common';
import request from 'supertest';
import { Ticket } from '../../models/ticket';
import { natsWrapper } from '../../nats-wrapper';
import { buildTestApp, newId, recordedEvents, signin, useTestDatabase } from '../../test/helpers';

jest.mock('../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

const create = (body: object, cookie: string = signin()) =>
  request(app).post('/api/tickets').set('Cookie', cookie).send(body);

describe('POST /api/tickets', () => {
  it('when the route exists, then it does not answer 404', async () => {
    const res = await request(app).post('/api/tickets').send({});
    expect(res.status).not.toBe(404);
  });

  it('when nobody is signed in, then 401 "Not authorized", even with an invalid body', async () => {
    for (const body of [{ title: 'concert', price: 10 }, {}]) {
      const res = await request(app).post('/api/tickets').send(body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
    }
    expect(await Ticket.countDocuments()).toBe(0);
  });

  it('when the session cookie is signed with another key, then 401', async () => {
    const forged = `session=${Buffer.from(JSON.stringify({ jwt: 'not.a.jwt' })).toString('base64')}`;
    const res = await create({ title: 'concert', price: 10 }, forged);
    expect(res.status).toBe(401);
  });

  it('when the title is missing, empty, blank or not a string, then 400 "Title is required" on field title', async () => {
    for (const title of [undefined, '', '   ', 42, ['concert'], { $ne: '' }]) {
      const res = await create({ title, price: 10 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Title is required', field: 'title' }] });
    }
    expect(await Ticket.countDocuments()).toBe(0);
  });

  it('when the title is longer than 200 characters, then 400 on field title; 200 is accepted', async () => {
    const long = await create({ title: 'a'.repeat(201), price: 10 });
    expect(long.status).toBe(400);
    expect(long.body).toEqual({
      errors: [{ message: 'Title must be at most 200 characters', field: 'title' }],
    });
    await create({ title: 'a'.repeat(200), price: 10 }).expect(201);
  });

  it('when the price is missing, zero, negative or not a number, then 400 "Price must be greater than 0" on field price', async () => {
    for (const price of [undefined, 0, -10, '', 'ten', true, [10], { $gt: 0 }, null]) {
      const res = await create({ title: 'concert', price });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'Price must be greater than 0', field: 'price' }],
      });
    }
    expect(await Ticket.countDocuments()).toBe(0);
  });

  it('when the price has more than 2 decimals, then 400 on field price', async () => {
    const res = await create({ title: 'concert', price: 10.005 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'Price must have at most 2 decimal places', field: 'price' }],
    });
  });

  it('when the price is above 1,000,000, then 400 on field price; exactly 1,000,000 is accepted', async () => {
    for (const price of [1_000_000.01, 1e21]) {
      const res = await create({ title: 'concert', price });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'Price must be at most 1000000', field: 'price' }],
      });
    }
    await create({ title: 'concert', price: 1_000_000 }).expect(201);
  });

  it('when both fields are invalid, then one error per field', async () => {
    const res = await create({});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'Title is required', field: 'title' },
      { message: 'Price must be greater than 0', field: 'price' },
    ]);
  });

  it('when the input is valid, then 201 with the ticket (version 0, no orderId) and it is stored for the signed-in user', async () => {
    const userId = newId();
    const res = await create({ title: '  concert  ', price: 20.5 }, signin(userId));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      title: 'concert',
      price: 20.5,
      userId,
      version: 0,
    });
    const stored = await Ticket.findById(res.body.id);
    expect(stored?.title).toBe('concert');
    expect(stored?.price).toBe(20.5);
    expect(stored?.userId).toBe(userId);
  });

  it('when a price comes as a numeric string with cents, then it is stored as a number', async () => {
    const res = await create({ title: 'concert', price: '0.29' });
    expect(res.status).toBe(201);
    expect(res.body.price).toBe(0.29);
  });

  it('when a ticket is created, then ticket.created is recorded in the outbox with its data, and the route itself publishes nothing', async () => {
    const userId = newId();
    const res = await create({ title: 'concert', price: 20 }, signin(userId));
    expect(res.status).toBe(201);

    const events = await recordedEvents();
    expect(events).toEqual([
      {
        eventId: expect.any(String),
        subject: Subjects.TicketCreated,
        data: { id: res.body.id, version: 0, title: 'concert', price: 20, userId },
        publishedAt: null,
      },
    ]);
    expect(natsWrapper.client.publish).not.toHaveBeenCalled();
  });
});
