import { once } from 'node:events';
import { OutboxRelay, Subjects } from '@ticketing/common';
import mongoose from 'mongoose';
import request from 'supertest';
import { natsWrapper } from '../../../nats-wrapper';
import {
  buildTestApp,
  buildTicket,
  newId,
  recordedEvents,
  signin,
  useTestDatabase,
} from '../../../test/helpers';

jest.mock('../../../nats-wrapper');

useTestDatabase();
const app = buildTestApp();

describe('events recorded by the routes, published by the relay', () => {
  it('when a ticket is created and then edited, then the relay publishes ticket.created then ticket.updated with the outbox event ids, and marks them published', async () => {
    const userId = newId();
    const created = await request(app)
      .post('/api/tickets')
      .set('Cookie', signin(userId))
      .send({ title: 'concert', price: 20 })
      .expect(201);
    await request(app)
      .put(`/api/tickets/${created.body.id}`)
      .set('Cookie', signin(userId))
      .send({ title: 'concert', price: 25 })
      .expect(200);
    const [createdEvent, updatedEvent] = await recordedEvents();

    const relay = new OutboxRelay({ connection: mongoose.connection, client: natsWrapper.client });
    const published = once(relay, 'published');
    relay.start();
    const [eventIds] = await published;
    await relay.stop();

    expect(eventIds).toEqual([createdEvent?.eventId, updatedEvent?.eventId]);
    const calls = jest.mocked(natsWrapper.client.publish).mock.calls;
    expect(calls.map(([subject]) => subject)).toEqual([
      Subjects.TicketCreated,
      Subjects.TicketUpdated,
    ]);
    expect(JSON.parse(String(calls[1]?.[1]))).toEqual({
      id: created.body.id,
      version: 1,
      title: 'concert',
      price: 25,
      userId,
    });
    expect(calls[1]?.[2]).toEqual({ eventId: updatedEvent?.eventId });
    for (const event of await recordedEvents()) expect(event.publishedAt).toBeInstanceOf(Date);
  });

  it('when the broker refuses a publish, then the event stays pending in the outbox', async () => {
    const ticket = await buildTicket();
    await request(app)
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', signin(ticket.userId))
      .send({ title: 'new', price: 5 })
      .expect(200);
    jest.mocked(natsWrapper.client.publish).mockRejectedValueOnce(new Error('broker down'));

    const relay = new OutboxRelay({ connection: mongoose.connection, client: natsWrapper.client });
    const failed = once(relay, 'failed');
    relay.start();
    const [error] = await failed;
    await relay.stop();

    expect((error as Error).message).toBe('broker down');
    const [event] = await recordedEvents();
    expect(event?.publishedAt).toBeNull();
  });
});
