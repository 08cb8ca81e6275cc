import {
  createLogger,
  createProbeRouter,
  type EventMessage,
  type ExpirationCompleteEvent,
  Listener,
  MessagingWrapper,
  type OrderCreatedEvent,
  Publisher,
  Subjects,
} from '@ticketing/common';
import { useNats, useRedis } from '@ticketing/test-helpers';
import request from 'supertest';
import { buildApp } from './app';
import { OrderCancelledListener } from './events/listeners/order-cancelled-listener';
import { OrderCreatedListener } from './events/listeners/order-created-listener';
import { ExpirationCompletePublisher } from './events/publishers/expiration-complete-publisher';
import { startExpirationProcessor } from './queues/expiration-processor';
import { isQueueConnected } from './queues/expiration-queue';
import { readinessChecks } from './readiness';
import { buildOrderCreated, deferred, useTestQueues } from './test/helpers';

const redis = useRedis();
const nats = useNats();
const openQueue = useTestQueues(redis);
const logger = createLogger({ service: 'expiration', level: 'silent' });

const wrappers: MessagingWrapper[] = [];
afterEach(async () => {
  // Listeners are closed by the drain.
  await Promise.all(wrappers.splice(0).map((wrapper) => wrapper.close()));
});

function messagingWrapper(): MessagingWrapper {
  const wrapper = new MessagingWrapper();
  wrappers.push(wrapper);
  return wrapper;
}

class TestOrderCreatedPublisher extends Publisher<OrderCreatedEvent> {
  readonly subject = Subjects.OrderCreated;
}

/** Stands in for orders: collects expiration.complete events. */
class ExpirationObserver extends Listener<ExpirationCompleteEvent> {
  readonly subject = Subjects.ExpirationComplete;
  readonly queueGroupName = 'test-observer';
  readonly received: Array<{ data: ExpirationCompleteEvent['data']; eventId: string }> = [];
  readonly arrived = deferred();
  onMessage(data: ExpirationCompleteEvent['data'], msg: EventMessage): void {
    this.received.push({ data, eventId: msg.eventId });
    msg.ack();
    this.arrived.resolve();
  }
}

describe('expiration app', () => {
  const app = buildApp({ logger, probes: createProbeRouter({ checks: {} }) });

  it('when GET /healthz, then 200 ok', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when any other route is asked for, then 404 Not Found in the contract error format', async () => {
    for (const res of [
      await request(app).get('/api/expiration'),
      await request(app).post('/api/orders').send({}),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
    }
  });
});

describe('readiness and the service wired for real', () => {
  it('when NATS is not connected and the listeners are not subscribed, then /readyz is 503; once they are, 200; and an order.created published on NATS yields expiration.complete', async () => {
    const queue = await openQueue();
    const messaging = messagingWrapper();
    let subscribed = false;
    const probes = createProbeRouter({
      checks: readinessChecks({
        redisConnected: () => isQueueConnected(queue),
        messaging,
        listenersSubscribed: () => subscribed,
      }),
    });
    const app = buildApp({ logger, probes });

    const before = await request(app).get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body).toEqual({
      status: 'not ready',
      checks: {
        redis: { status: 'up', required: true, detail: 'connected' },
        nats: { status: 'down', required: true, detail: 'disconnected' },
        listeners: { status: 'down', required: true, detail: 'not subscribed yet' },
      },
    });

    const client = await messaging.connect({ transport: 'jetstream', url: nats().url });
    expect((await request(app).get('/readyz')).status).toBe(503);
    startExpirationProcessor(queue, { publisher: new ExpirationCompletePublisher(client), logger });
    for (const listener of [
      new OrderCreatedListener(client, queue),
      new OrderCancelledListener(client, queue),
    ]) {
      await listener.listen();
    }
    subscribed = true;

    const after = await request(app).get('/readyz');
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ready');

    const observer = new ExpirationObserver(client);
    await observer.listen();
    const order = buildOrderCreated({ expiresAt: new Date(Date.now() + 300).toISOString() });
    await new TestOrderCreatedPublisher(client).publish(order);

    await observer.arrived.promise;
    expect(observer.received).toEqual([
      { data: { orderId: order.id }, eventId: `expiration-complete:${order.id}` },
    ]);
  });
});
