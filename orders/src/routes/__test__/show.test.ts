import request from 'supertest';
import {
  buildOrder,
  buildTestApp,
  buildTicket,
  newId,
  signin,
  useTestDatabase,
} from '../../test/helpers';

jest.mock('../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

describe('GET /api/orders/:id', () => {
  it('when nobody is signed in, then 401 (before the id is looked at)', async () => {
    for (const id of [newId(), 'not-an-id']) {
      const res = await request(app).get(`/api/orders/${id}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
    }
  });

  it('when the id is malformed, then 400 on field id, never a 500', async () => {
    for (const id of ['not-an-id', '123', 'zzzzzzzzzzzzzzzzzzzzzzzz']) {
      const res = await request(app).get(`/api/orders/${id}`).set('Cookie', signin());
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'Order id must be a valid id', field: 'id' }],
      });
    }
  });

  it('when the order does not exist, then 404', async () => {
    const res = await request(app).get(`/api/orders/${newId()}`).set('Cookie', signin());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  it('when another user asks for the order, then 401', async () => {
    const order = await buildOrder({ userId: newId() });
    const res = await request(app).get(`/api/orders/${order.id}`).set('Cookie', signin());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
  });

  it('when the owner asks for the order, then 200 with it and its ticket populated', async () => {
    const userId = newId();
    const ticket = await buildTicket({ title: 'concert', price: 20 });
    const created = await request(app)
      .post('/api/orders')
      .set('Cookie', signin(userId))
      .send({ ticketId: ticket.id })
      .expect(201);

    const res = await request(app)
      .get(`/api/orders/${created.body.id}`)
      .set('Cookie', signin(userId));

    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
    expect(res.body.ticket).toEqual({ id: ticket.id, title: 'concert', price: 20, version: 0 });
  });
});
