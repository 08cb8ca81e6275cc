import { OrderStatus, Subjects } from '@ticketing/common';
import request from 'supertest';
import { Order } from '../../models/order';
import { natsWrapper } from '../../nats-wrapper';
import {
  buildOrder,
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

const cancel = (id: string, cookie: string = signin()) =>
  request(app).delete(`/api/orders/${id}`).set('Cookie', cookie);

describe('DELETE /api/orders/:id', () => {
  it('when nobody is signed in, then 401 and the order is untouched', async () => {
    const order = await buildOrder();
    for (const id of [order.id, 'not-an-id']) {
      const res = await request(app).delete(`/api/orders/${id}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
    }
    expect((await Order.findById(order.id))?.status).toBe(OrderStatus.Created);
  });

  it('when the id is malformed, then 400 on field id', async () => {
    const res = await cancel('not-an-id');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Order id must be a valid id', field: 'id' }] });
  });

  it('when the order does not exist, then 404', async () => {
    const res = await cancel(newId());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  it('when another user cancels the order, then 401, it stays created and nothing is recorded', async () => {
    const order = await buildOrder({ userId: newId() });
    const res = await cancel(order.id, signin());
    expect(res.status).toBe(401);
    expect((await Order.findById(order.id))?.status).toBe(OrderStatus.Created);
    expect(await recordedEvents()).toEqual([]);
  });

  it.each([OrderStatus.Created, OrderStatus.AwaitingPayment])(
    'when the owner cancels a %s order, then 204 without a body, it is cancelled, and order.cancelled is recorded with the new version',
    async (status) => {
      const userId = newId();
      const ticket = await buildTicket();
      const order = await buildOrder({ userId, ticket, status });

      const res = await cancel(order.id, signin(userId));

      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const stored = await Order.findById(order.id);
      expect(stored?.status).toBe(OrderStatus.Cancelled);
      expect(stored?.version).toBe(1);
      expect(await recordedEvents()).toEqual([
        {
          eventId: expect.any(String),
          subject: Subjects.OrderCancelled,
          data: { id: order.id, version: 1, ticket: { id: ticket.id } },
          publishedAt: null,
        },
      ]);
      expect(natsWrapper.client.publish).not.toHaveBeenCalled();
    },
  );

  it('when the order is complete, then 400 and it stays complete, nothing recorded', async () => {
    const userId = newId();
    const order = await buildOrder({ userId, status: OrderStatus.Complete });
    const res = await cancel(order.id, signin(userId));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot cancel an order that is complete' }] });
    expect((await Order.findById(order.id))?.status).toBe(OrderStatus.Complete);
    expect(await recordedEvents()).toEqual([]);
  });

  it('when the order is already cancelled, then 400 and no second order.cancelled', async () => {
    const userId = newId();
    const order = await buildOrder({ userId });
    await cancel(order.id, signin(userId)).expect(204);

    const res = await cancel(order.id, signin(userId));

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Order is already cancelled' }] });
    expect(await recordedEvents()).toHaveLength(1);
  });

  it('when the owner cancels the same order twice at once, then one 204, one 400, one order.cancelled', async () => {
    const userId = newId();
    const order = await buildOrder({ userId });

    const responses = await Promise.all([
      cancel(order.id, signin(userId)),
      cancel(order.id, signin(userId)),
      cancel(order.id, signin(userId)),
    ]);

    expect(responses.map((r) => r.status).sort()).toEqual([204, 400, 400]);
    expect(await recordedEvents()).toHaveLength(1);
  });

  it('when an order is cancelled, then its ticket can be ordered again', async () => {
    const userId = newId();
    const ticket = await buildTicket();
    const first = await request(app)
      .post('/api/orders')
      .set('Cookie', signin(userId))
      .send({ ticketId: ticket.id })
      .expect(201);
    await request(app)
      .post('/api/orders')
      .set('Cookie', signin())
      .send({ ticketId: ticket.id })
      .expect(400);

    await cancel(first.body.id, signin(userId)).expect(204);

    await request(app)
      .post('/api/orders')
      .set('Cookie', signin())
      .send({ ticketId: ticket.id })
      .expect(201);
  });
});
