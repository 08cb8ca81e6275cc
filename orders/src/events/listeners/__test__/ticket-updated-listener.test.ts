import {
  type IncomingMessage,
  type MessageHandler,
  type MessagingClient,
  Subjects,
  type TicketUpdatedEvent,
} from '@ticketing/common';
import mongoose from 'mongoose';
import { Ticket } from '../../../models/ticket';
import { natsWrapper } from '../../../nats-wrapper';
import { buildTicket, fakeMessage, newId, useTestDatabase } from '../../../test/helpers';
import { TicketUpdatedListener, TicketVersionGapError } from '../ticket-updated-listener';

jest.mock('../../../nats-wrapper');

useTestDatabase();

const listener = () => new TicketUpdatedListener(natsWrapper.client, mongoose.connection);

function update(
  ticketId: string,
  version: number,
  overrides: Partial<TicketUpdatedEvent['data']> = {},
): TicketUpdatedEvent['data'] {
  return {
    id: ticketId,
    version,
    title: `v${version}`,
    price: 10 + version,
    userId: newId(),
    ...overrides,
  };
}

async function replicaOf(id: string) {
  return (await Ticket.findById(id))?.toJSON();
}

describe('TicketUpdatedListener', () => {
  it('has the orders queue group and the ticket.updated subject', () => {
    expect(listener().queueGroupName).toBe('orders-service');
    expect(listener().subject).toBe(Subjects.TicketUpdated);
  });

  it('when the next version arrives, then title, price and version are applied and it is acked', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 20, version: 0 });
    const msg = fakeMessage(Subjects.TicketUpdated);

    await listener().onMessage(update(ticket.id, 1, { title: 'new title', price: 99 }), msg);

    expect(await replicaOf(ticket.id)).toEqual({
      id: ticket.id,
      title: 'new title',
      price: 99,
      version: 1,
    });
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });

  it('when an older or equal version arrives, then it is dropped and acked', async () => {
    const ticket = await buildTicket({ title: 'current', price: 30, version: 3 });
    for (const version of [1, 2, 3]) {
      const msg = fakeMessage(Subjects.TicketUpdated);
      await listener().onMessage(update(ticket.id, version), msg);
      expect(msg.ack).toHaveBeenCalledTimes(1);
    }
    expect(await replicaOf(ticket.id)).toEqual({
      id: ticket.id,
      title: 'current',
      price: 30,
      version: 3,
    });
  });

  it('when a version further ahead arrives (a gap), then it is not applied, not acked, and throws a gap error', async () => {
    const ticket = await buildTicket({ title: 'concert', price: 20, version: 0 });
    const msg = fakeMessage(Subjects.TicketUpdated);

    await expect(listener().onMessage(update(ticket.id, 2), msg)).rejects.toBeInstanceOf(
      TicketVersionGapError,
    );

    expect(msg.ack).not.toHaveBeenCalled();
    expect(await replicaOf(ticket.id)).toEqual({
      id: ticket.id,
      title: 'concert',
      price: 20,
      version: 0,
    });
  });

  it('when an update arrives before the ticket.created it follows, then it is not applied and not acked', async () => {
    const msg = fakeMessage(Subjects.TicketUpdated);
    const id = newId();
    await expect(listener().onMessage(update(id, 1), msg)).rejects.toBeInstanceOf(
      TicketVersionGapError,
    );
    expect(msg.ack).not.toHaveBeenCalled();
    expect(await Ticket.countDocuments()).toBe(0);
  });

  it('when the gap is filled later, then the redelivered event applies', async () => {
    const ticket = await buildTicket({ version: 0 });
    const early = fakeMessage(Subjects.TicketUpdated);
    const v2 = update(ticket.id, 2, { title: 'second', price: 22 });
    await expect(listener().onMessage(v2, early)).rejects.toThrow(TicketVersionGapError);

    const v1 = fakeMessage(Subjects.TicketUpdated);
    await listener().onMessage(update(ticket.id, 1, { title: 'first', price: 21 }), v1);
    expect(v1.ack).toHaveBeenCalledTimes(1);

    // The same event (same id) comes back: the failed try left no inbox record behind.
    const redelivery = fakeMessage(Subjects.TicketUpdated, {
      eventId: early.eventId,
      deliveryCount: 2,
    });
    await listener().onMessage(v2, redelivery);

    expect(redelivery.ack).toHaveBeenCalledTimes(1);
    expect(await replicaOf(ticket.id)).toEqual({
      id: ticket.id,
      title: 'second',
      price: 22,
      version: 2,
    });
  });

  it('when the same update is delivered twice, then it applies once and both are acked', async () => {
    const ticket = await buildTicket({ version: 0 });
    const data = update(ticket.id, 1);
    const first = fakeMessage(Subjects.TicketUpdated);
    await listener().onMessage(data, first);
    const again = fakeMessage(Subjects.TicketUpdated, { eventId: first.eventId, deliveryCount: 2 });
    await listener().onMessage(data, again);

    expect(first.ack).toHaveBeenCalledTimes(1);
    expect(again.ack).toHaveBeenCalledTimes(1);
    expect((await Ticket.findById(ticket.id))?.version).toBe(1);
  });

  it('when an update carries the order holding the ticket, then the replica keeps only title, price and version', async () => {
    const ticket = await buildTicket({ version: 0 });
    await listener().onMessage(
      update(ticket.id, 1, { orderId: newId() }),
      fakeMessage(Subjects.TicketUpdated),
    );
    expect(Object.keys((await replicaOf(ticket.id)) ?? {}).sort()).toEqual([
      'id',
      'price',
      'title',
      'version',
    ]);
  });
});

describe('TicketUpdatedListener on the broker', () => {
  /** Subscribes through a client that hands back the handler, so a delivery runs the base listener's path. */
  async function subscribed() {
    let handler: MessageHandler | undefined;
    const client: MessagingClient = {
      ...natsWrapper.client,
      subscribe: jest.fn(async (_subject, _group, _options, h: MessageHandler) => {
        handler = h;
        return { close: async () => undefined };
      }),
    };
    const subject = new TicketUpdatedListener(client, mongoose.connection);
    await subject.listen();
    if (!handler) throw new Error('not subscribed');
    return { subject, client, deliver: handler };
  }

  function incoming(data: TicketUpdatedEvent['data'], deliveryCount: number, eventId = 'evt-1') {
    const text = JSON.stringify(data);
    const msg: IncomingMessage & { ack: jest.Mock; nak: jest.Mock; term: jest.Mock } = {
      subject: Subjects.TicketUpdated,
      raw: Buffer.from(text),
      text: () => text,
      eventId,
      sequence: 7,
      deliveryCount,
      headers: {},
      ack: jest.fn(),
      nak: jest.fn(),
      term: jest.fn(),
    };
    return msg;
  }

  it('subscribes with more deliveries than the default five, so a gap is not dead-lettered after a few seconds', async () => {
    const { client, subject } = await subscribed();
    expect(client.subscribe).toHaveBeenCalledWith(
      Subjects.TicketUpdated,
      'orders-service',
      { ackWaitMs: subject.ackWait, maxDeliver: 25 },
      expect.any(Function),
    );
  });

  it('when a gap is delivered, then it is neither acked nor dead-lettered but handed back for redelivery within a second, also on late tries', async () => {
    const ticket = await buildTicket({ version: 0 });
    const { deliver } = await subscribed();

    const first = incoming(update(ticket.id, 2), 1);
    await deliver(first);
    expect(first.ack).not.toHaveBeenCalled();
    expect(first.term).not.toHaveBeenCalled();
    expect(first.nak).toHaveBeenCalledWith(100);

    const late = incoming(update(ticket.id, 2), 10);
    await deliver(late);
    expect(late.ack).not.toHaveBeenCalled();
    expect(late.term).not.toHaveBeenCalled();
    expect(late.nak).toHaveBeenCalledWith(1_000);
  });

  it('when the gap is filled, then the next delivery of the waiting event applies and acks it', async () => {
    const ticket = await buildTicket({ version: 0 });
    const { deliver } = await subscribed();
    await deliver(incoming(update(ticket.id, 2, { title: 'two' }), 1, 'evt-2'));
    const v1 = incoming(update(ticket.id, 1), 1, 'evt-1');
    await deliver(v1);
    expect(v1.ack).toHaveBeenCalledTimes(1);

    const retry = incoming(update(ticket.id, 2, { title: 'two' }), 2, 'evt-2');
    await deliver(retry);

    expect(retry.ack).toHaveBeenCalledTimes(1);
    expect(retry.nak).not.toHaveBeenCalled();
    expect((await Ticket.findById(ticket.id))?.title).toBe('two');
  });
});
