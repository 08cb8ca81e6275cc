import { type OrderCancelledEvent, Subjects } from '@ticketing/common';
import mongoose from 'mongoose';
import { Ticket } from '../../../models/ticket';
import { natsWrapper } from '../../../nats-wrapper';
import {
  buildTicket,
  fakeMessage,
  newId,
  recordedEvents,
  useTestDatabase,
} from '../../../test/helpers';
import { OrderCancelledListener } from '../order-cancelled-listener';

jest.mock('../../../nats-wrapper');

useTestDatabase();

function setup(ticketId: string, orderId: string) {
  const listener = new OrderCancelledListener(natsWrapper.client, mongoose.connection);
  const data: OrderCancelledEvent['data'] = { id: orderId, version: 1, ticket: { id: ticketId } };
  return { listener, data, msg: fakeMessage(Subjects.OrderCancelled) };
}

describe('OrderCancelledListener', () => {
  it('has the tickets queue group and the order.cancelled subject', () => {
    const { listener } = setup(newId(), newId());
    expect(listener.queueGroupName).toBe('tickets-service');
    expect(listener.subject).toBe(Subjects.OrderCancelled);
  });

  it('when the holding order is cancelled, then the ticket is freed, ticket.updated (no orderId) is recorded, and it is acked', async () => {
    const orderId = newId();
    const ticket = await buildTicket({ title: 'concert', price: 20, orderId });
    const { listener, data, msg } = setup(ticket.id, orderId);

    await listener.onMessage(data, msg);

    const stored = await Ticket.findById(ticket.id);
    expect(stored?.orderId).toBeUndefined();
    expect(stored?.version).toBe(1);
    expect(await recordedEvents()).toEqual([
      {
        eventId: expect.any(String),
        subject: Subjects.TicketUpdated,
        data: { id: ticket.id, version: 1, title: 'concert', price: 20, userId: ticket.userId },
        publishedAt: null,
      },
    ]);
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });

  it('when another order is cancelled, then the reservation stays, no event, and it is acked', async () => {
    const holder = newId();
    const ticket = await buildTicket({ orderId: holder });
    const { listener, data, msg } = setup(ticket.id, newId());

    await listener.onMessage(data, msg);

    const stored = await Ticket.findById(ticket.id);
    expect(stored?.orderId).toBe(holder);
    expect(stored?.version).toBe(0);
    expect(await recordedEvents()).toEqual([]);
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });

  it('when the same cancellation is delivered twice after the ticket was reserved again, then the second delivery frees nothing', async () => {
    const orderId = newId();
    const ticket = await buildTicket({ orderId });
    const { listener, data, msg } = setup(ticket.id, orderId);
    await listener.onMessage(data, msg);

    const stored = await Ticket.findById(ticket.id);
    stored?.set({ orderId });
    await stored?.save();
    const redelivery = fakeMessage(Subjects.OrderCancelled, {
      eventId: msg.eventId,
      deliveryCount: 2,
    });
    await listener.onMessage(data, redelivery);

    expect(redelivery.ack).toHaveBeenCalledTimes(1);
    expect((await Ticket.findById(ticket.id))?.orderId).toBe(orderId);
    expect(await recordedEvents()).toHaveLength(1);
  });

  it('when the ticket is unknown, then it throws and does not ack', async () => {
    const { listener, data, msg } = setup(newId(), newId());
    await expect(listener.onMessage(data, msg)).rejects.toThrow(/not found/);
    expect(msg.ack).not.toHaveBeenCalled();
  });
});
