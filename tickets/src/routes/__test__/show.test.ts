import request from 'supertest';
import { buildTestApp, buildTicket, newId, useTestDatabase } from '../../test/helpers';

jest.mock('../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

describe('GET /api/tickets/:id', () => {
  it('when the ticket does not exist, then 404 "Not Found"', async () => {
    const res = await request(app).get(`/api/tickets/${newId()}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  it('when the id is not an ObjectId, then 400 on field id (never 500)', async () => {
    for (const id of ['abc', '123', 'zzzzzzzzzzzzzzzzzzzzzzzz']) {
      const res = await request(app).get(`/api/tickets/${id}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'Ticket id must be a valid id', field: 'id' }],
      });
    }
  });

  it('when the ticket exists, then 200 with it, to anyone (no sign-in needed)', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 20 });
    const res = await request(app).get(`/api/tickets/${ticket.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: ticket.id,
      title: 'concert',
      price: 20,
      userId: ticket.userId,
      version: 0,
    });
  });

  it('when the ticket is reserved, then the body carries its orderId', async () => {
    const orderId = newId();
    const ticket = await buildTicket({ orderId });
    const res = await request(app).get(`/api/tickets/${ticket.id}`);
    expect(res.body.orderId).toBe(orderId);
  });
});
