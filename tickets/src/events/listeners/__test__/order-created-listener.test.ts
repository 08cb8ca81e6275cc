import { type OrderCreatedEvent, OrderStatus, Subjects } from '@ticketing/common';
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
import { OrderCreatedListener } from '../order-created-listener';

jest.mock('../../../nats-wrapper');

useTestDatabase();

function setup(ticket: { id: string; price: number }, orderId: string = newId()) {
  const listener = new OrderCreatedListener(natsWrapper.client, mongoose.connection);
  const data: OrderCreatedEvent['data'] = {
    id: orderId,
    version: 0,
    status: OrderStatus.Created,
    userId: newId(),
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ticket: { id: ticket.id, price: ticket.price },
  };
  return { listener, data, msg: fakeMessage(Subjects.OrderCreated) };
}

describe('OrderCreatedListener', () => {
  it('has the tickets queue group and the order.created subject', () => {
    const listener = new OrderCreatedListener(natsWrapper.client, mongoose.connection);
    expect(listener.queueGroupName).toBe('tickets-service');
    expect(listener.subject).toBe(Subjects.OrderCreated);
  });

  it('when an order is created for a free ticket, then the ticket is reserved, ticket.updated is recorded, and the message is acked', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 20 });
    const { listener, data, msg } = setup({ id: ticket.id, price: ticket.price });

    await listener.onMessage(data, msg);

    const stored = await Ticket.findById(ticket.id);
    expect(stored?.orderId).toBe(data.id);
    expect(stored?.version).toBe(1);
    expect(await recordedEvents()).toEqual([
      {
        eventId: expect.any(String),
        subject: Subjects.TicketUpdated,
        data: {
          id: ticket.id,
          version: 1,
          title: 'concert',
          price: 20,
          userId: ticket.userId,
          orderId: data.id,
        },
        publishedAt: null,
      },
    ]);
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });

  it('when the same event is delivered again, then nothing changes, no second ticket.updated, and it is acked again', async () => {
    const ticket = await buildTicket();
    const { listener, data, msg } = setup({ id: ticket.id, price: ticket.price });
    await listener.onMessage(data, msg);

    const redelivery = fakeMessage(Subjects.OrderCreated, {
      eventId: msg.eventId,
      deliveryCount: 2,
    });
    await listener.onMessage(data, redelivery);

    expect(redelivery.ack).toHaveBeenCalledTimes(1);
    expect((await Ticket.findById(ticket.id))?.version).toBe(1);
    expect(
      (await recordedEvents()).filter((e) => e.subject === Subjects.TicketUpdated),
    ).toHaveLength(1);
  });

  it('when the ticket is unknown, then it throws, does not ack, and records nothing (so it is redelivered)', async () => {
    const { listener, data, msg } = setup({ id: newId(), price: 10 });

    await expect(listener.onMessage(data, msg)).rejects.toThrow(/not found/);

    expect(msg.ack).not.toHaveBeenCalled();
    expect(await recordedEvents()).toEqual([]);
    // The inbox entry rolled back with the rest: a redelivery after ticket.created still applies.
    const ticket = await buildTicket();
    const retry = fakeMessage(Subjects.OrderCreated, { eventId: msg.eventId, deliveryCount: 2 });
    await listener.onMessage({ ...data, ticket: { id: ticket.id, price: 20 } }, retry);
    expect(retry.ack).toHaveBeenCalled();
    expect((await Ticket.findById(ticket.id))?.orderId).toBe(data.id);
  });

  it('when another order already holds the ticket, then it throws without ack and the ticket stays with the first order', async () => {
    const holder = newId();
    const ticket = await buildTicket({ orderId: holder });
    const { listener, data, msg } = setup({ id: ticket.id, price: ticket.price });

    await expect(listener.onMessage(data, msg)).rejects.toThrow(/reserved by order/);

    expect(msg.ack).not.toHaveBeenCalled();
    expect((await Ticket.findById(ticket.id))?.orderId).toBe(holder);
    expect(await recordedEvents()).toEqual([]);
  });
});
