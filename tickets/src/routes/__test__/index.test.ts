import request from 'supertest';
import { buildTestApp, buildTicket, useTestDatabase } from '../../test/helpers';

jest.mock('../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

describe('GET /api/tickets', () => {
  it('when there are no tickets, then 200 with an empty list', async () => {
    const res = await request(app).get('/api/tickets');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('when tickets exist, then 200 with all of them (reserved ones too), oldest first, without internals', async () => {
    const first = await buildTicket({ title: 'a', price: 1 });
    const second = await buildTicket({ title: 'b', price: 2 });
    const third = await buildTicket({ title: 'c', price: 3, orderId: 'order-1' });

    const res = await request(app).get('/api/tickets');
    expect(res.status).toBe(200);
    expect(res.body.map((t: { id: string }) => t.id)).toEqual([first.id, second.id, third.id]);
    expect(res.body[2]).toEqual({
      id: third.id,
      title: 'c',
      price: 3,
      userId: third.userId,
      version: 0,
      orderId: 'order-1',
    });
    for (const ticket of res.body) expect(ticket).not.toHaveProperty('_id');
  });
});
