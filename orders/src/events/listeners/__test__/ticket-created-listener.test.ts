import { Subjects, type TicketCreatedEvent } from '@ticketing/common';
import mongoose from 'mongoose';
import { Ticket } from '../../../models/ticket';
import { natsWrapper } from '../../../nats-wrapper';
import { fakeMessage, newId, recordedEvents, useTestDatabase } from '../../../test/helpers';
import { TicketCreatedListener } from '../ticket-created-listener';

jest.mock('../../../nats-wrapper');

useTestDatabase();

function setup(overrides: Partial<TicketCreatedEvent['data']> = {}) {
  const listener = new TicketCreatedListener(natsWrapper.client, mongoose.connection);
  const data: TicketCreatedEvent['data'] = {
    id: newId(),
    version: 0,
    title: 'concert',
    price: 20,
    userId: newId(),
    ...overrides,
  };
  return { listener, data, msg: fakeMessage(Subjects.TicketCreated) };
}

describe('TicketCreatedListener', () => {
  it('has the orders queue group and the ticket.created subject', () => {
    const { listener } = setup();
    expect(listener.queueGroupName).toBe('orders-service');
    expect(listener.subject).toBe(Subjects.TicketCreated);
  });

  it('when a ticket is created, then the replica is stored with its id, title, price and version, and the message is acked', async () => {
    const { listener, data, msg } = setup({ title: 'opera', price: 75.5 });

    await listener.onMessage(data, msg);

    const replica = await Ticket.findById(data.id);
    expect(replica?.toJSON()).toEqual({ id: data.id, title: 'opera', price: 75.5, version: 0 });
    expect(msg.ack).toHaveBeenCalledTimes(1);
    expect(await recordedEvents()).toEqual([]);
  });

  it('when the same event is delivered twice, then one replica exists and both deliveries are acked', async () => {
    const { listener, data, msg } = setup();
    await listener.onMessage(data, msg);

    const redelivery = fakeMessage(Subjects.TicketCreated, {
      eventId: msg.eventId,
      deliveryCount: 2,
    });
    await listener.onMessage(data, redelivery);

    expect(await Ticket.countDocuments({ _id: data.id })).toBe(1);
    expect(msg.ack).toHaveBeenCalledTimes(1);
    expect(redelivery.ack).toHaveBeenCalledTimes(1);
  });

  it('when ticket.created for a known ticket comes again under a new event id, then the replica is not reset, and it is acked', async () => {
    const { listener, data, msg } = setup({ title: 'concert', price: 20 });
    await listener.onMessage(data, msg);
    await Ticket.updateOne(
      { _id: data.id },
      { $set: { title: 'moved on', price: 30, version: 2 } },
    );

    const republished = fakeMessage(Subjects.TicketCreated);
    await listener.onMessage(data, republished);

    expect(republished.ack).toHaveBeenCalledTimes(1);
    const replica = await Ticket.findById(data.id);
    expect(replica?.toJSON()).toEqual({ id: data.id, title: 'moved on', price: 30, version: 2 });
    expect(await Ticket.countDocuments()).toBe(1);
  });

  it('when the id is not an ObjectId, then it throws and is not acked (retried, then dead-lettered)', async () => {
    const { listener, data, msg } = setup({ id: 'nope' });
    await expect(listener.onMessage(data, msg)).rejects.toThrow();
    expect(msg.ack).not.toHaveBeenCalled();
    expect(await Ticket.countDocuments()).toBe(0);
  });
});
