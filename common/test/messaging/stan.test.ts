import { Writable } from 'node:stream';
import { pino } from 'pino';
import {
  createMessagingClient,
  DeadLetterHeaders,
  type MessagingClient,
  MessagingWrapper,
  PublishError,
} from '../../src/messaging';
import { FakeMessage, FakeStan, fakeConnect } from './support/fake-stan';
import {
  buildTicket,
  type Handler,
  TestTicketCreatedListener,
  TestTicketCreatedPublisher,
  waitFor,
} from './support/test-events';

const config = {
  transport: 'stan' as const,
  url: 'nats://nats-srv:4222',
  clusterId: 'ticketing',
  clientId: 'orders-7d9f-abc',
};

async function connectFake(stan = new FakeStan()) {
  const fake = fakeConnect(stan);
  const client = await createMessagingClient(config, { stanConnect: fake.connect });
  return { stan, client, calls: fake.calls };
}

async function listenWith(
  client: MessagingClient,
  stan: FakeStan,
  handler: Handler,
  settings: { ackWait?: number; maxDeliver?: number } = {},
) {
  const listener = new TestTicketCreatedListener(client, {
    queueGroupName: 'orders-service',
    handler,
    ...settings,
  });
  await listener.listen();
  const sub = stan.subscriptions.at(-1);
  if (!sub) throw new Error('no subscription');
  return { listener, sub };
}

function envelope(eventId: string, data: unknown): string {
  return JSON.stringify({ eventId, data });
}

/** Lets the listener's promise chain run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('NATS Streaming transport (fake client)', () => {
  test('when connecting, then cluster id, client id, url and heartbeat options are passed', async () => {
    const { calls } = await connectFake();
    expect(calls).toHaveLength(1);
    const [clusterId, clientId, options] = calls[0]!;
    expect(clusterId).toBe('ticketing');
    expect(clientId).toBe('orders-7d9f-abc');
    expect(options).toMatchObject({
      url: 'nats://nats-srv:4222',
      stanPingInterval: 5_000,
      stanMaxPingOut: 2,
      reconnect: true,
    });
  });

  test('when the server refuses, then connecting rejects with the cluster and url', async () => {
    const fake = fakeConnect(new FakeStan(), new Error('connect ECONNREFUSED'));
    await expect(createMessagingClient(config, { stanConnect: fake.connect })).rejects.toThrow(
      'Cannot connect to NATS Streaming cluster ticketing at nats://nats-srv:4222: connect ECONNREFUSED',
    );
  });

  test('when a listener starts, then it subscribes with exactly the course options', async () => {
    const { client, stan } = await connectFake();
    const { sub } = await listenWith(client, stan, () => undefined, { ackWait: 1_500 });
    expect(sub.subject).toBe('ticket.created');
    expect(sub.queueGroup).toBe('orders-service');
    expect(sub.options.calls).toEqual([
      ['setDeliverAllAvailable'],
      ['setManualAckMode', true],
      ['setAckWait', 1_500],
      ['setDurableName', 'orders-service'],
    ]);
  });

  test('when a handler acks, then the message is acked once with the envelope event id', async () => {
    const { client, stan } = await connectFake();
    const seen: Array<{ id: string; eventId: string; sequence: number; count: number }> = [];
    const { sub } = await listenWith(client, stan, (data, msg) => {
      seen.push({
        id: data.id,
        eventId: msg.eventId,
        sequence: msg.sequence,
        count: msg.deliveryCount,
      });
      msg.ack();
      msg.ack();
    });
    const ticket = buildTicket();
    const message = new FakeMessage('ticket.created', 7, envelope('evt-1', ticket));
    sub.emit('message', message);
    await waitFor('the ack', () => message.acks > 0);
    expect(message.acks).toBe(1);
    expect(seen).toEqual([{ id: ticket.id, eventId: 'evt-1', sequence: 7, count: 1 }]);
  });

  test('when a handler throws, then nothing is acked (ackWait redelivers) and redeliveries are counted', async () => {
    const { client, stan } = await connectFake();
    const counts: number[] = [];
    const { sub } = await listenWith(
      client,
      stan,
      (_data, msg) => {
        counts.push(msg.deliveryCount);
        throw new Error('not yet');
      },
      { maxDeliver: 5 },
    );
    const body = envelope('evt-2', buildTicket());
    const first = new FakeMessage('ticket.created', 3, body);
    const second = new FakeMessage('ticket.created', 3, body, true);
    sub.emit('message', first);
    await settle();
    sub.emit('message', second);
    await waitFor('two attempts', () => counts.length === 2);
    await settle();
    expect(counts).toEqual([1, 2]);
    expect(first.acks + second.acks).toBe(0);
    expect(stan.published).toEqual([]);
  });

  test('when the last allowed delivery throws, then the event is dead-lettered in an envelope and acked', async () => {
    const { client, stan } = await connectFake();
    const { sub } = await listenWith(
      client,
      stan,
      () => {
        throw new Error('still broken');
      },
      { maxDeliver: 2 },
    );
    const ticket = buildTicket();
    const body = envelope('evt-3', ticket);
    sub.emit('message', new FakeMessage('ticket.created', 9, body));
    await settle();
    const last = new FakeMessage('ticket.created', 9, body, true);
    sub.emit('message', last);
    await waitFor('the dead letter ack', () => last.acks === 1);

    expect(stan.published).toHaveLength(1);
    const letter = stan.published[0]!;
    expect(letter.subject).toBe('deadletter.ticket.created');
    const parsed = JSON.parse(letter.data);
    expect(parsed.eventId).toBe('deadletter:orders-service:evt-3');
    expect(parsed.data).toEqual(ticket);
    expect(parsed.headers[DeadLetterHeaders.Reason]).toContain('still broken');
    expect(parsed.headers[DeadLetterHeaders.OriginalEventId]).toBe('evt-3');
    expect(parsed.headers[DeadLetterHeaders.DeliveryCount]).toBe('2');
  });

  test('when a message is not JSON, then it is dead-lettered at once with its raw text and acked', async () => {
    const { client, stan } = await connectFake();
    const handler = jest.fn();
    const { sub } = await listenWith(client, stan, handler);
    const bad = new FakeMessage('ticket.created', 4, 'not json at all');
    sub.emit('message', bad);
    await waitFor('the ack', () => bad.acks === 1);
    expect(handler).not.toHaveBeenCalled();
    const parsed = JSON.parse(stan.published[0]!.data);
    expect(parsed.raw).toBe('not json at all');
    expect(parsed.headers[DeadLetterHeaders.Reason]).toMatch(/not valid JSON/);
  });

  test('when a course-style publisher sent plain JSON, then it is handled with a sequence-based event id', async () => {
    const { client, stan } = await connectFake();
    const ids: string[] = [];
    const { sub } = await listenWith(client, stan, (_data, msg) => {
      ids.push(msg.eventId);
      msg.ack();
    });
    sub.emit('message', new FakeMessage('ticket.created', 12, JSON.stringify(buildTicket())));
    await waitFor('the event', () => ids.length === 1);
    expect(ids).toEqual(['ticket.created#12']);
  });

  test('when publishing, then the payload travels in an envelope with the event id and resolves on the server ack', async () => {
    const { client, stan } = await connectFake();
    const ticket = buildTicket();
    await new TestTicketCreatedPublisher(client).publish(ticket, { eventId: 'evt-9' });
    expect(stan.published).toEqual([
      { subject: 'ticket.created', data: envelope('evt-9', ticket) },
    ]);
  });

  test('when the server does not confirm a publish, then it rejects with a PublishError', async () => {
    const { client, stan } = await connectFake();
    stan.publishError = new Error('stan: publish ack timeout');
    const publishing = new TestTicketCreatedPublisher(client).publish(buildTicket(), {
      eventId: 'evt-10',
    });
    await expect(publishing).rejects.toBeInstanceOf(PublishError);
    await expect(publishing).rejects.toThrow('ack timeout');
  });

  test('when the wrapper closes, then subscriptions are closed (durable kept) and the connection closed', async () => {
    const stan = new FakeStan();
    const fake = fakeConnect(stan);
    const wrapper = new MessagingWrapper();
    await wrapper.connect(config, { stanConnect: fake.connect });
    const { sub } = await listenWith(wrapper.client, stan, () => undefined);
    await wrapper.close();
    expect(sub.closed).toBe(true);
    expect(stan.closeCalls).toBe(1);
    expect(() => wrapper.client).toThrow('Cannot access the messaging client before connecting');
  });

  test('when the connection drops and returns, then status changes are reported', async () => {
    const { client, stan } = await connectFake();
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s.type));
    stan.emit('disconnect');
    expect(client.isConnected()).toBe(false);
    stan.emit('reconnect');
    expect(client.isConnected()).toBe(true);
    expect(statuses).toEqual(['disconnect', 'reconnect']);
  });

  test('when a message is dead-lettered, then the injected logger records subject, sequence, delivery count and event id', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const { client, stan } = await connectFake();
    const listener = new TestTicketCreatedListener(
      client,
      {
        queueGroupName: 'orders-service',
        maxDeliver: 1,
        handler: () => {
          throw new Error('boom');
        },
      },
      { logger: pino(sink) },
    );
    await listener.listen();
    const message = new FakeMessage('ticket.created', 21, envelope('evt-21', buildTicket()));
    stan.subscriptions[0]?.emit('message', message);
    await waitFor('the ack', () => message.acks === 1);
    await waitFor('the log line', () => lines.some((l) => l.msg === 'event dead-lettered'));
    expect(lines.find((l) => l.msg === 'event dead-lettered')).toMatchObject({
      level: 50,
      subject: 'ticket.created',
      sequence: 21,
      deliveryCount: 1,
      eventId: 'evt-21',
      queueGroup: 'orders-service',
      reason: 'Error: boom',
    });
  });
});
