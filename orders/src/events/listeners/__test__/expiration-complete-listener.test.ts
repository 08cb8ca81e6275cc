import { OrderStatus, Subjects } from '@ticketing/common';
import mongoose from 'mongoose';
import { Order } from '../../../models/order';
import { natsWrapper } from '../../../nats-wrapper';
import {
  buildOrder,
  buildTicket,
  fakeMessage,
  newId,
  recordedEvents,
  useTestDatabase,
} from '../../../test/helpers';
import { ExpirationCompleteListener } from '../expiration-complete-listener';

jest.mock('../../../nats-wrapper');

useTestDatabase();

const listener = () => new ExpirationCompleteListener(natsWrapper.client, mongoose.connection);

describe('ExpirationCompleteListener', () => {
  it('has the orders queue group and the expiration.complete subject', () => {
    expect(listener().queueGroupName).toBe('orders-service');
    expect(listener().subject).toBe(Subjects.ExpirationComplete);
  });

  it.each([OrderStatus.Created, OrderStatus.AwaitingPayment])(
    'when a %s order expires, then it is cancelled, order.cancelled is recorded, and the message is acked',
    async (status) => {
      const ticket = await buildTicket();
      const order = await buildOrder({ ticket, status });
      const msg = fakeMessage(Subjects.ExpirationComplete);

      await listener().onMessage({ orderId: order.id }, msg);

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
      expect(msg.ack).toHaveBeenCalledTimes(1);
    },
  );

  it.each([OrderStatus.Complete, OrderStatus.Cancelled])(
    'when a %s order expires, then nothing changes, no event is recorded, and it is acked',
    async (status) => {
      const order = await buildOrder({ status });
      const msg = fakeMessage(Subjects.ExpirationComplete);

      await listener().onMessage({ orderId: order.id }, msg);

      const stored = await Order.findById(order.id);
      expect(stored?.status).toBe(status);
      expect(stored?.version).toBe(0);
      expect(await recordedEvents()).toEqual([]);
      expect(msg.ack).toHaveBeenCalledTimes(1);
    },
  );

  it('when expiration.complete is delivered again (same event id), then one order.cancelled in all, both acked', async () => {
    const order = await buildOrder();
    const first = fakeMessage(Subjects.ExpirationComplete);
    await listener().onMessage({ orderId: order.id }, first);

    const again = fakeMessage(Subjects.ExpirationComplete, {
      eventId: first.eventId,
      deliveryCount: 2,
    });
    await listener().onMessage({ orderId: order.id }, again);

    expect(first.ack).toHaveBeenCalledTimes(1);
    expect(again.ack).toHaveBeenCalledTimes(1);
    expect((await recordedEvents()).map((e) => e.subject)).toEqual([Subjects.OrderCancelled]);
    expect((await Order.findById(order.id))?.version).toBe(1);
  });

  it('when the same expiration is handled twice at once, then one order.cancelled', async () => {
    const order = await buildOrder();
    const a = fakeMessage(Subjects.ExpirationComplete);
    const b = fakeMessage(Subjects.ExpirationComplete, { eventId: a.eventId, deliveryCount: 2 });

    await Promise.all([
      listener().onMessage({ orderId: order.id }, a),
      listener().onMessage({ orderId: order.id }, b),
    ]);

    expect(await recordedEvents()).toHaveLength(1);
    expect(a.ack).toHaveBeenCalledTimes(1);
    expect(b.ack).toHaveBeenCalledTimes(1);
  });

  it('when the order is unknown, then it throws, is not acked, and nothing is recorded', async () => {
    const msg = fakeMessage(Subjects.ExpirationComplete);
    await expect(listener().onMessage({ orderId: newId() }, msg)).rejects.toThrow(/not found/);
    expect(msg.ack).not.toHaveBeenCalled();
    expect(await recordedEvents()).toEqual([]);
  });
});
