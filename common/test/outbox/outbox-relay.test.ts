import { randomUUID } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { type MongoHandle, type NatsServer, startMongo, startNats } from '@ticketing/test-helpers';
import type { ClientSession, Connection } from 'mongoose';
import { type Event, Subjects, type TicketCreatedEvent } from '../../src/events';
import {
  createMessagingClient,
  type EventMessage,
  Listener,
  type MessagingClient,
} from '../../src/messaging';
import {
  ensureOutboxCollections,
  Outbox,
  OutboxRelay,
  type OutboxRelayOptions,
  outboxEventModel,
  TransactionalListener,
  withTransaction,
} from '../../src/outbox';
import { buildTicketData, connectFreshDb, effectModel, type TicketData, waitFor } from './support';

jest.setTimeout(30_000);

const STREAM = 'TICKETING';

let mongo: MongoHandle;
let nats: NatsServer;
let inspector: NatsConnection;
let jsm: JetStreamManager;
let connection: Connection;
let outbox: Outbox;
const cleanups: Array<() => Promise<unknown>> = [];

async function newClient(url = nats.url, duplicateWindowMs?: number): Promise<MessagingClient> {
  const client = await createMessagingClient({
    transport: 'jetstream',
    url,
    // Short, so a relay notices a dead broker quickly.
    publishTimeoutMs: 300,
    ...(duplicateWindowMs === undefined ? {} : { duplicateWindowMs }),
  });
  cleanups.push(() => client.close());
  return client;
}

function newRelay(options: Partial<OutboxRelayOptions> & Pick<OutboxRelayOptions, 'client'>) {
  const relay = new OutboxRelay({
    connection,
    pollIntervalMs: 50,
    retryDelayMs: 50,
    maxRetryDelayMs: 400,
    ...options,
  });
  cleanups.push(() => relay.stop());
  return relay;
}

/** What a ticket.created listener saw, in arrival order. */
class RecordingListener extends Listener<TicketCreatedEvent> {
  readonly subject = Subjects.TicketCreated;
  readonly queueGroupName = `recorder-${randomUUID().slice(0, 8)}`;
  readonly seen: Array<{ eventId: string; data: TicketData }> = [];

  onMessage(data: TicketData, msg: EventMessage): void {
    this.seen.push({ eventId: msg.eventId, data });
    msg.ack();
  }
}

/** Counts its effect per ticket id through the inbox, and every delivery it finished (committed and acked). */
class CountingListener extends TransactionalListener<TicketCreatedEvent> {
  readonly subject = Subjects.TicketCreated;
  readonly queueGroupName = `counter-${randomUUID().slice(0, 8)}`;
  readonly deliveries: string[] = [];

  async onEvent(data: TicketData, session: ClientSession): Promise<void> {
    await effectModel(this.connection).updateOne(
      { _id: data.id },
      { $inc: { count: 1 } },
      { upsert: true, session },
    );
  }

  override async onMessage(data: TicketData, msg: EventMessage): Promise<void> {
    await super.onMessage(data, msg);
    this.deliveries.push(msg.eventId);
  }
}

async function listen<L extends Listener<Event>>(listener: L): Promise<L> {
  await listener.listen();
  cleanups.push(() => listener.close());
  return listener;
}

/** Records one ticket.created per transaction; returns the event ids in record order. */
async function recordTickets(count: number): Promise<Array<{ eventId: string; data: TicketData }>> {
  const recorded: Array<{ eventId: string; data: TicketData }> = [];
  for (let i = 0; i < count; i += 1) {
    const data = buildTicketData();
    const eventId = await withTransaction(connection, (session) =>
      outbox.record(session, Subjects.TicketCreated, data),
    );
    recorded.push({ eventId, data });
  }
  return recorded;
}

async function pendingCount(): Promise<number> {
  return outboxEventModel(connection).countDocuments({ publishedAt: null });
}

async function streamMessages(): Promise<number> {
  return (await jsm.streams.info(STREAM)).state.messages;
}

/** A fresh inspection connection (after a broker restart the old one may still be reconnecting). */
async function connectInspector(): Promise<void> {
  await inspector?.close();
  inspector = await connect({ servers: nats.url });
  jsm = await jetstreamManager(inspector);
}

beforeAll(async () => {
  [mongo, nats] = await Promise.all([startMongo(), startNats()]);
  // The first client creates the stream the inspector looks at.
  await (await newClient()).close();
  await connectInspector();
}, 60_000);

afterAll(async () => {
  await inspector?.close();
  await Promise.all([mongo?.stop(), nats?.stop()]);
});

beforeEach(async () => {
  await jsm.streams.purge(STREAM);
  connection = await connectFreshDb(mongo.uri);
  await ensureOutboxCollections(connection);
  await effectModel(connection).createCollection();
  outbox = new Outbox(connection);
});

afterEach(async () => {
  // Relays and listeners first (LIFO), then the clients they use.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await connection.close();
});

describe('OutboxRelay', () => {
  test('when events are pending, then it publishes them in record order with their event ids and marks them', async () => {
    const recorded = await recordTickets(3);
    // Several events from one transaction keep their order too.
    const sameTransaction = [buildTicketData(), buildTicketData()];
    const ids = await withTransaction(connection, async (session) => [
      await outbox.record(session, Subjects.TicketCreated, sameTransaction[0]!),
      await outbox.record(session, Subjects.TicketCreated, sameTransaction[1]!),
    ]);
    recorded.push(...sameTransaction.map((data, i) => ({ eventId: ids[i]!, data })));
    const listener = await listen(new RecordingListener(await newClient()));

    newRelay({ client: await newClient() }).start();
    await waitFor(() => listener.seen.length >= recorded.length);

    expect(listener.seen).toEqual(recorded);
    expect(await pendingCount()).toBe(0);
    const stored = await outboxEventModel(connection).find().sort({ _id: 1 }).lean();
    expect(stored.every((e) => e.publishedAt instanceof Date && e.attempts === 0)).toBe(true);
    // The stream holds each event once, carrying its id as the de-duplication header.
    expect(await streamMessages()).toBe(recorded.length);
    const first = await jsm.streams.getMessage(STREAM, { seq: 1 });
    expect(first?.header.get('Nats-Msg-Id')).toBe(recorded[0]?.eventId);
  });

  test('when a transaction commits, then the relay publishes at once instead of waiting for its poll', async () => {
    const listener = await listen(new RecordingListener(await newClient()));
    const relay = newRelay({ client: await newClient(), pollIntervalMs: 600_000 });
    relay.start();
    await waitFor(async () => (await relay.status()).leader);

    const recorded = await recordTickets(2);

    // Only the commit's nudge can get these out before the ten-minute poll.
    await waitFor(() => listener.seen.length >= 2);
    expect(listener.seen.map((s) => s.eventId)).toEqual(recorded.map((r) => r.eventId));
  });

  test('when the broker is down while 20 events are recorded, then none is lost and all arrive once, in order, after it returns', async () => {
    const listener = await listen(new RecordingListener(await newClient()));
    const relay = newRelay({ client: await newClient() });
    let failures = 0;
    relay.on('failed', () => {
      failures += 1;
    });
    relay.start();
    await waitFor(async () => (await relay.status()).leader);

    await nats.stop({ keepData: true });
    const recorded = await recordTickets(20);
    const failuresAfterRecording = failures;
    await waitFor(() => failures > failuresAfterRecording + 1);

    const down = await relay.status();
    expect(down.pending).toBe(20);
    expect(down.lastError).toEqual(expect.any(String));
    const first = await outboxEventModel(connection).findOne({ eventId: recorded[0]?.eventId });
    expect(first?.attempts).toBeGreaterThan(0);

    await nats.restart();
    await waitFor(() => listener.seen.length >= 20);
    await waitFor(async () => (await pendingCount()) === 0);

    expect(listener.seen.map((s) => s.eventId)).toEqual(recorded.map((r) => r.eventId));
    expect(listener.seen.map((s) => s.data)).toEqual(recorded.map((r) => r.data));
    // Retries during the outage reached the broker as one message per event.
    await connectInspector();
    expect(await streamMessages()).toBe(20);
    expect((await relay.status()).lastError).toBeUndefined();
  });

  test('when two relays share a lease, then only the holder publishes, and the other takes over when it stops', async () => {
    const client = await newClient();
    const listener = await listen(new RecordingListener(await newClient()));
    const secondConnection = await connectFreshDb(mongo.uri);
    cleanups.push(() => secondConnection.close());
    // The second replica: its own connection to the same database.
    const replica = await secondConnection.useDb(connection.name).asPromise();
    const publishedBy = { a: [] as string[], b: [] as string[] };
    const a = newRelay({ client, leaseName: 'tickets' });
    const b = newRelay({ client, leaseName: 'tickets', connection: replica });
    a.on('published', (ids) => publishedBy.a.push(...ids));
    b.on('published', (ids) => publishedBy.b.push(...ids));
    a.start();
    b.start();
    await waitFor(async () => (await a.status()).leader || (await b.status()).leader);

    const firstRound = await recordTickets(10);
    await waitFor(() => publishedBy.a.length + publishedBy.b.length >= 10);

    const [leader, other, leaderIds, otherIds] = (await a.status()).leader
      ? [a, b, publishedBy.a, publishedBy.b]
      : [b, a, publishedBy.b, publishedBy.a];
    expect((await other.status()).leader).toBe(false);
    expect(leaderIds).toEqual(firstRound.map((r) => r.eventId));
    expect(otherIds).toEqual([]);

    await leader.stop();
    const secondRound = await recordTickets(5);
    await waitFor(() => otherIds.length >= 5 && listener.seen.length >= 15);

    expect(otherIds).toEqual(secondRound.map((r) => r.eventId));
    expect(listener.seen.map((s) => s.eventId)).toEqual(
      [...firstRound, ...secondRound].map((r) => r.eventId),
    );
    expect(await streamMessages()).toBe(15);
  });

  test('when published events are older than the retention, then they are pruned, while pending ones never are', async () => {
    const client = await newClient();
    let brokerUp = false;
    const relay = newRelay({
      client: () => {
        if (!brokerUp) throw new Error('not connected yet');
        return client;
      },
      pruneAfterMs: 0,
    });
    let failures = 0;
    relay.on('failed', () => {
      failures += 1;
    });
    await recordTickets(3);
    relay.start();
    // Several pruning passes run while the events can't be published.
    await waitFor(() => failures >= 3);
    expect(await pendingCount()).toBe(3);

    brokerUp = true;
    await waitFor(async () => (await outboxEventModel(connection).countDocuments()) === 0);
    expect(await streamMessages()).toBe(3);
  });
});

/** Publishes for real, then fails the n-th publish as if the process died before marking it. */
function crashAfterPublishing(inner: MessagingClient, crashOn: number): MessagingClient {
  let publishes = 0;
  return {
    transport: inner.transport,
    publish: async (subject, payload, options) => {
      await inner.publish(subject, payload, options);
      publishes += 1;
      if (publishes === crashOn) throw new Error('simulated crash after publish');
    },
    subscribe: (...args) => inner.subscribe(...args),
    onStatus: (listener) => inner.onStatus(listener),
    isConnected: () => inner.isConnected(),
    drain: () => inner.drain(),
    close: () => inner.close(),
  };
}

/** Runs a relay until it "crashes" after publishing `crashOn` events, then stops it. */
async function runRelayUntilCrash(client: MessagingClient, crashOn: number): Promise<void> {
  const crashing = newRelay({ client: crashAfterPublishing(client, crashOn) });
  const crashed = new Promise<void>((resolve) => crashing.once('failed', () => resolve()));
  crashing.start();
  await crashed;
  await crashing.stop();
}

describe('OutboxRelay after a crash between publish and mark', () => {
  test('when a new relay republishes within the de-duplication window, then the broker keeps one copy and the effect runs once', async () => {
    const client = await newClient();
    const recorded = await recordTickets(5);
    await runRelayUntilCrash(client, 3);

    // Two marked; the third reached the broker but is still pending.
    expect(await pendingCount()).toBe(3);
    const third = await outboxEventModel(connection).findOne({ eventId: recorded[2]?.eventId });
    expect(third).toMatchObject({ publishedAt: null, attempts: 1 });

    const listener = await listen(new CountingListener(await newClient(), connection));
    newRelay({ client }).start();
    await waitFor(async () => (await pendingCount()) === 0);
    await waitFor(() => listener.deliveries.length >= 5);

    expect(await streamMessages()).toBe(5);
    expect(listener.deliveries).toEqual(recorded.map((r) => r.eventId));
    const effects = await effectModel(connection).find().lean();
    expect(effects).toHaveLength(5);
    expect(effects.every((e) => e.count === 1)).toBe(true);
  });

  test('when the republish comes after the de-duplication window, then the listener gets it twice and the inbox applies it once', async () => {
    // A broker of its own whose stream forgets event ids after 200 ms.
    const shortMemory = await startNats();
    cleanups.unshift(() => shortMemory.stop());
    const client = await newClient(shortMemory.url, 200);
    const recorded = await recordTickets(5);
    await runRelayUntilCrash(client, 3);
    // Let the window pass (with room to spare) so the broker can't catch the repeat.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const listener = await listen(
      new CountingListener(await newClient(shortMemory.url), connection),
    );
    newRelay({ client }).start();
    await waitFor(async () => (await pendingCount()) === 0);
    await waitFor(() => listener.deliveries.length >= 6);

    const ids = recorded.map((r) => r.eventId);
    // The third event was stored twice: before the crash and by the new relay.
    expect(listener.deliveries).toEqual([...ids.slice(0, 3), ...ids.slice(2)]);
    const effects = await effectModel(connection).find().lean();
    expect(effects.map((e) => e._id).sort()).toEqual(recorded.map((r) => r.data.id).sort());
    expect(effects.every((e) => e.count === 1)).toBe(true);
  });
});
