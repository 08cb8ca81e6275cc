import { randomUUID } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  createMessagingClient,
  DeadLetterHeaders,
  type EventMessage,
  type MessagingClient,
} from '../../src/messaging';
import { type LocalNats, startLocalNats } from './support/nats-server';
import {
  buildTicket,
  collect,
  TestTicketCreatedListener,
  TestTicketCreatedPublisher,
  type TicketData,
  waitFor,
} from './support/test-events';

jest.setTimeout(30_000);

let nats: LocalNats;
let nc: NatsConnection;
let jsm: JetStreamManager;
const clients: MessagingClient[] = [];
const closers: Array<() => Promise<void>> = [];

async function newClient(): Promise<MessagingClient> {
  const client = await createMessagingClient({ transport: 'jetstream', url: nats.url });
  clients.push(client);
  return client;
}

function group(): string {
  return `g-${randomUUID().slice(0, 8)}`;
}

beforeAll(async () => {
  nats = await startLocalNats();
  // Creating one client first makes the stream exist for the inspection connection.
  await newClient();
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

beforeEach(async () => {
  // Every listener reads the whole stream; start each test from an empty one.
  await jsm.streams.purge('TICKETING');
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await nc?.close();
  await nats?.dispose();
});

function listen(
  client: MessagingClient,
  settings: ConstructorParameters<typeof TestTicketCreatedListener>[1],
): Promise<TestTicketCreatedListener> {
  const listener = new TestTicketCreatedListener(client, settings);
  closers.push(() => listener.close());
  return listener.listen().then(() => listener);
}

describe('JetStream listener and publisher', () => {
  test('when two replicas share a queue group, then each of 200 events is handled once in total and both get some', async () => {
    const [a, b] = [await newClient(), await newClient()];
    const queueGroupName = group();
    const seenBy = { a: [] as string[], b: [] as string[] };
    const handlerFor = (who: 'a' | 'b') => async (data: TicketData, msg: EventMessage) => {
      seenBy[who].push(data.id);
      await new Promise((resolve) => setImmediate(resolve));
      msg.ack();
    };
    await listen(a, { queueGroupName, handler: handlerFor('a') });
    await listen(b, { queueGroupName, handler: handlerFor('b') });

    const publisher = new TestTicketCreatedPublisher(await newClient());
    const ids: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      const ticket = buildTicket();
      ids.push(ticket.id);
      await publisher.publish(ticket);
    }

    await waitFor('200 events handled', () => seenBy.a.length + seenBy.b.length >= 200);
    // Let any stray duplicate arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = [...seenBy.a, ...seenBy.b];
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(seenBy.a.length).toBeGreaterThan(0);
    expect(seenBy.b.length).toBeGreaterThan(0);
  });

  test('when a listener was stopped, then on restart it receives what was published meanwhile', async () => {
    const client = await newClient();
    const publisher = new TestTicketCreatedPublisher(client);
    const queueGroupName = group();
    const firstRun: string[] = [];
    const first = await listen(client, {
      queueGroupName,
      handler: (data, msg) => {
        firstRun.push(data.id);
        msg.ack();
      },
    });
    const before = buildTicket();
    await publisher.publish(before);
    await waitFor('first event handled', () => firstRun.length === 1);
    await first.close();

    const missed = [buildTicket(), buildTicket()];
    for (const ticket of missed) await publisher.publish(ticket);

    const secondRun: string[] = [];
    await listen(await newClient(), {
      queueGroupName,
      handler: (data, msg) => {
        secondRun.push(data.id);
        msg.ack();
      },
    });
    await waitFor('missed events handled', () => secondRun.length >= 2);
    expect(secondRun).toEqual(missed.map((t) => t.id));
    expect(firstRun).toEqual([before.id]);
  });

  test('when a handler does not ack, then the event is redelivered after ackWait with the same id and sequence', async () => {
    const client = await newClient();
    const deliveries: Array<{ count: number; eventId: string; sequence: number }> = [];
    await listen(client, {
      queueGroupName: group(),
      ackWait: 500,
      handler: (_data, msg) => {
        deliveries.push({ count: msg.deliveryCount, eventId: msg.eventId, sequence: msg.sequence });
        if (msg.deliveryCount >= 2) msg.ack();
      },
    });
    const eventId = randomUUID();
    await new TestTicketCreatedPublisher(client).publish(buildTicket(), { eventId });

    await waitFor('a redelivery', () => deliveries.length >= 2);
    expect(deliveries[0]).toEqual({ count: 1, eventId, sequence: expect.any(Number) });
    expect(deliveries[1]).toEqual({ count: 2, eventId, sequence: deliveries[0]?.sequence });
  });

  test('when a handler keeps throwing, then it is retried, dead-lettered, and later events still flow', async () => {
    const client = await newClient();
    const dead = collect();
    const dlq = await client.subscribe(
      'deadletter.ticket.created',
      group(),
      { ackWaitMs: 5_000, maxDeliver: 5 },
      dead.handler,
    );
    closers.push(() => dlq.close());

    const attempts: number[] = [];
    const handled: string[] = [];
    await listen(client, {
      queueGroupName: 'failing-service',
      maxDeliver: 3,
      ackWait: 2_000,
      handler: (data, msg) => {
        if (data.title === 'poison') {
          attempts.push(msg.deliveryCount);
          throw new Error('database said no');
        }
        handled.push(data.id);
        msg.ack();
      },
    });
    const publisher = new TestTicketCreatedPublisher(client);
    const poison = buildTicket({ title: 'poison' });
    const poisonId = randomUUID();
    const next = buildTicket();
    await publisher.publish(poison, { eventId: poisonId });
    await publisher.publish(next);

    await waitFor('the next event handled', () => handled.includes(next.id));
    await waitFor('the dead letter', () => dead.messages.length === 1);
    expect(attempts).toEqual([1, 2, 3]);
    const letter = dead.messages[0]!;
    expect(letter.subject).toBe('deadletter.ticket.created');
    expect(JSON.parse(letter.text())).toEqual(poison);
    expect(letter.headers[DeadLetterHeaders.Reason]).toContain('database said no');
    expect(letter.headers[DeadLetterHeaders.OriginalEventId]).toBe(poisonId);
    expect(letter.headers[DeadLetterHeaders.DeliveryCount]).toBe('3');
    expect(letter.headers[DeadLetterHeaders.QueueGroup]).toBe('failing-service');

    const later = buildTicket();
    await publisher.publish(later);
    await waitFor('a later event handled', () => handled.includes(later.id));
    expect(attempts).toEqual([1, 2, 3]);
  });

  test('when a handler never acks, then after maxDeliver deliveries the event is dead-lettered', async () => {
    const client = await newClient();
    const dead = collect();
    const dlq = await client.subscribe(
      'deadletter.ticket.created',
      group(),
      { ackWaitMs: 5_000, maxDeliver: 5 },
      dead.handler,
    );
    closers.push(() => dlq.close());
    const counts: number[] = [];
    await listen(client, {
      queueGroupName: 'silent-service',
      ackWait: 300,
      maxDeliver: 2,
      handler: (_data, msg) => {
        counts.push(msg.deliveryCount);
      },
    });
    await new TestTicketCreatedPublisher(client).publish(buildTicket());

    await waitFor('the dead letter', () => dead.messages.length === 1);
    expect(counts).toEqual([1, 2]);
    expect(dead.messages[0]?.headers[DeadLetterHeaders.Reason]).toBe(
      'not acknowledged within 2 deliveries',
    );
    expect(dead.messages[0]?.headers[DeadLetterHeaders.DeliveryCount]).toBe('3');
  });

  test('when a payload is not JSON or not an object, then it is dead-lettered at once and the next event is handled', async () => {
    const client = await newClient();
    const dead = collect();
    const dlq = await client.subscribe(
      'deadletter.ticket.created',
      group(),
      { ackWaitMs: 5_000, maxDeliver: 5 },
      dead.handler,
    );
    closers.push(() => dlq.close());
    const handled: TicketData[] = [];
    await listen(client, {
      queueGroupName: group(),
      handler: (data, msg) => {
        handled.push(data);
        msg.ack();
      },
    });

    await client.publish('ticket.created', '{"id": "broken', { eventId: randomUUID() });
    await client.publish('ticket.created', '[1,2,3]', { eventId: randomUUID() });
    const good = buildTicket();
    await new TestTicketCreatedPublisher(client).publish(good);

    await waitFor('the good event', () => handled.length === 1);
    await waitFor('two dead letters', () => dead.messages.length === 2);
    expect(handled).toEqual([good]);
    expect(dead.messages.map((m) => m.text())).toEqual(['{"id": "broken', '[1,2,3]']);
    expect(dead.messages[0]?.headers[DeadLetterHeaders.Reason]).toMatch(/not valid JSON/);
    expect(dead.messages[1]?.headers[DeadLetterHeaders.Reason]).toMatch(/not a JSON object/);
    expect(dead.messages[0]?.headers[DeadLetterHeaders.DeliveryCount]).toBe('1');
  });

  test('when publish resolves, then the event is already stored with its event id', async () => {
    const client = await newClient();
    const ticket = buildTicket();
    const eventId = randomUUID();
    await new TestTicketCreatedPublisher(client).publish(ticket, { eventId });

    const stored = await jsm.streams.getMessage('TICKETING', { last_by_subj: 'ticket.created' });
    expect(stored?.json()).toEqual(ticket);
    expect(stored?.header.get('Nats-Msg-Id')).toBe(eventId);
  });

  test('when the same event id is published twice, then the stream stores it once', async () => {
    const client = await newClient();
    const publisher = new TestTicketCreatedPublisher(client);
    const ticket = buildTicket();
    const eventId = randomUUID();
    await publisher.publish(ticket, { eventId });
    await publisher.publish(ticket, { eventId });
    await publisher.publish(buildTicket());

    const info = await jsm.streams.info('TICKETING');
    expect(info.state.messages).toBe(2);
  });

  test('when the publisher is given no event id, then listeners see a generated UUID', async () => {
    const client = await newClient();
    const ids: string[] = [];
    await listen(client, {
      queueGroupName: group(),
      handler: (_data, msg) => {
        ids.push(msg.eventId);
        msg.ack();
      },
    });
    await new TestTicketCreatedPublisher(client).publish(buildTicket());
    await waitFor('the event', () => ids.length === 1);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('when the durable consumer is inspected, then it has the contract settings', async () => {
    const client = await newClient();
    await listen(client, {
      queueGroupName: 'orders-service',
      ackWait: 1_500,
      maxDeliver: 4,
      handler: () => undefined,
    });
    const info = await jsm.consumers.info('TICKETING', 'orders-service--ticket-created');
    expect(info.config).toMatchObject({
      durable_name: 'orders-service--ticket-created',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      filter_subject: 'ticket.created',
      ack_wait: 1_500 * 1_000_000,
    });
    expect(info.config.max_deliver).toBeGreaterThanOrEqual(4);
    const stream = await jsm.streams.info('TICKETING');
    expect(stream.config.storage).toBe('file');
    expect(stream.config.subjects).toEqual(
      expect.arrayContaining(['ticket.created', 'order.cancelled', 'deadletter.>']),
    );
  });
});
