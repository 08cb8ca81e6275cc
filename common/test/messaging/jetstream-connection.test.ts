import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  type ConnectionStatus,
  createMessagingClient,
  type MessagingClient,
  MessagingWrapper,
  PublishError,
} from '../../src/messaging';
import { type LocalNats, startLocalNats } from './support/nats-server';
import {
  buildTicket,
  TestTicketCreatedListener,
  TestTicketCreatedPublisher,
  waitFor,
} from './support/test-events';

jest.setTimeout(30_000);

let nats: LocalNats;

beforeAll(async () => {
  nats = await startLocalNats();
});

afterAll(async () => {
  await nats?.dispose();
});

describe('JetStream connection', () => {
  test('when the broker is unreachable at start-up, then connecting rejects clearly', async () => {
    await expect(
      createMessagingClient({
        transport: 'jetstream',
        url: 'nats://127.0.0.1:1',
        connectTimeoutMs: 500,
      }),
    ).rejects.toThrow(/Cannot connect to NATS at nats:\/\/127\.0\.0\.1:1/);
  });

  test('when the broker goes down, then publish rejects, status changes are reported, and it works again after reconnect', async () => {
    const client: MessagingClient = await createMessagingClient({
      transport: 'jetstream',
      url: nats.url,
      publishTimeoutMs: 500,
    });
    const statuses: ConnectionStatus['type'][] = [];
    client.onStatus((s) => statuses.push(s.type));
    const publisher = new TestTicketCreatedPublisher(client);
    const handled: string[] = [];
    const listener = new TestTicketCreatedListener(client, {
      queueGroupName: 'outage-group',
      handler: (data, msg) => {
        handled.push(data.id);
        msg.ack();
      },
    });
    await listener.listen();
    try {
      await nats.stop();
      await waitFor('a disconnect', () => statuses.includes('disconnect'));
      expect(client.isConnected()).toBe(false);

      const during = publisher.publish(buildTicket(), { eventId: 'outage-1' });
      await expect(during).rejects.toBeInstanceOf(PublishError);
      await expect(during).rejects.toThrow(/Failed to publish ticket\.created \(event outage-1\)/);

      await nats.restart();
      await waitFor('a reconnect', () => statuses.includes('reconnect'), 15_000);
      expect(client.isConnected()).toBe(true);

      const after = buildTicket();
      await publisher.publish(after);
      await waitFor('the event after the outage', () => handled.includes(after.id), 15_000);
    } finally {
      await client.close();
    }
    expect(statuses).toContain('close');
  });
});

describe('MessagingWrapper', () => {
  test('when the client is read before connect, then it throws a clear error', () => {
    const wrapper = new MessagingWrapper();
    expect(() => wrapper.client).toThrow('Cannot access the messaging client before connecting');
    expect(wrapper.isConnected()).toBe(false);
  });

  test('when closed while a handler runs, then close waits for it and its ack reaches the broker', async () => {
    const wrapper = new MessagingWrapper();
    await wrapper.connect({ transport: 'jetstream', url: nats.url });
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge('TICKETING');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    let finished = false;
    const listener = new TestTicketCreatedListener(wrapper.client, {
      queueGroupName: 'drain-group',
      handler: async (_data, msg) => {
        started = true;
        await gate;
        msg.ack();
        finished = true;
      },
    });
    await listener.listen();
    await new TestTicketCreatedPublisher(wrapper.client).publish(buildTicket());
    await waitFor('the handler to start', () => started);

    const closing = wrapper.close();
    setTimeout(release, 200);
    await closing;
    expect(finished).toBe(true);
    expect(wrapper.isConnected()).toBe(false);

    try {
      const info = await jsm.consumers.info('TICKETING', 'drain-group--ticket-created');
      expect(info.num_ack_pending).toBe(0);
      expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq);
    } finally {
      await nc.close();
    }
  });
});
