import { createLogger, type ExpirationCompleteEvent, Subjects } from '@ticketing/common';
import { useRedis } from '@ticketing/test-helpers';
import type { Job } from 'bull';
import { OrderCancelledListener } from '../../events/listeners/order-cancelled-listener';
import { OrderCreatedListener } from '../../events/listeners/order-created-listener';
import { natsWrapper } from '../../nats-wrapper';
import { buildOrderCreated, deferred, fakeMessage, useTestQueues } from '../../test/helpers';
import { startExpirationProcessor } from '../expiration-processor';
import {
  type ExpirationPayload,
  type ExpirationQueue,
  expirationJobOptions,
  retryFailedExpirations,
} from '../expiration-queue';

jest.mock('../../nats-wrapper');

const redis = useRedis();
const openQueue = useTestQueues(redis);
const logger = createLogger({ service: 'expiration', level: 'silent' });

type Published = { data: ExpirationCompleteEvent['data']; eventId: string | undefined };

/** A publisher that records what it was asked to publish and fails the first `failures` times. */
function fakePublisher(failures = 0) {
  const published: Published[] = [];
  let calls = 0;
  const publish = jest.fn(
    async (data: ExpirationCompleteEvent['data'], options: { eventId?: string } = {}) => {
      calls += 1;
      if (calls <= failures) throw new Error(`broker unavailable (call ${calls})`);
      published.push({ data, eventId: options.eventId });
    },
  );
  return { publish, published };
}

function nextCompleted(queue: ExpirationQueue) {
  const done = deferred<Job<ExpirationPayload>>();
  queue.once('completed', (job: Job<ExpirationPayload>) => done.resolve(job));
  return done.promise;
}

describe('expiration processor', () => {
  it('when a job comes due, then expiration.complete is published with the order id and a per-order event id, and the job completes', async () => {
    const queue = await openQueue();
    const publisher = fakePublisher();
    startExpirationProcessor(queue, { publisher, logger });
    const completed = nextCompleted(queue);
    const order = buildOrderCreated({ expiresAt: new Date(Date.now() + 300).toISOString() });

    await new OrderCreatedListener(natsWrapper.client, queue).onMessage(
      order,
      fakeMessage(Subjects.OrderCreated),
    );
    expect(await (await queue.getJob(order.id))?.getState()).toBe('delayed');
    expect(publisher.published).toEqual([]);

    const job = await completed;
    expect(job.id).toBe(order.id);
    // It ran no earlier than its delay allowed.
    expect(job.processedOn).toBeGreaterThanOrEqual(job.timestamp + (job.opts.delay ?? 0));
    expect(publisher.published).toEqual([
      { data: { orderId: order.id }, eventId: `expiration-complete:${order.id}` },
    ]);
  });

  it('when expiresAt is in the past, then the job fires at once', async () => {
    const queue = await openQueue();
    const publisher = fakePublisher();
    startExpirationProcessor(queue, { publisher, logger });
    const completed = nextCompleted(queue);
    const order = buildOrderCreated({ expiresAt: new Date(Date.now() - 5_000).toISOString() });

    await new OrderCreatedListener(natsWrapper.client, queue).onMessage(
      order,
      fakeMessage(Subjects.OrderCreated),
    );

    expect((await completed).opts.delay).toBe(0);
    expect(publisher.published.map((p) => p.data)).toEqual([{ orderId: order.id }]);
  });

  it('when publishing fails twice, then Bull retries with back-off and the job completes on the third try, published once', async () => {
    const queue = await openQueue();
    const publisher = fakePublisher(2);
    startExpirationProcessor(queue, { publisher, logger });
    const completed = nextCompleted(queue);
    const failedAttempts: number[] = [];
    queue.on('failed', (job: Job<ExpirationPayload>) => failedAttempts.push(job.attemptsMade));
    const orderId = buildOrderCreated().id;

    await queue.add(
      { orderId },
      expirationJobOptions(orderId, new Date().toISOString(), Date.now(), {
        attempts: 5,
        backoffDelayMs: 20,
      }),
    );

    const job = await completed;
    expect(job.id).toBe(orderId);
    expect(failedAttempts).toEqual([1, 2]);
    expect(publisher.publish).toHaveBeenCalledTimes(3);
    expect(publisher.published).toEqual([
      { data: { orderId }, eventId: `expiration-complete:${orderId}` },
    ]);
    expect(await job.getState()).toBe('completed');
  });

  it('when publishing keeps failing, then the job ends failed (kept, not lost) and retryFailedExpirations puts it back in line to complete', async () => {
    const queue = await openQueue();
    const publisher = fakePublisher(2);
    startExpirationProcessor(queue, { publisher, logger });
    const failedForGood = deferred();
    queue.on('failed', (job: Job<ExpirationPayload>) => {
      if (job.attemptsMade >= 2) failedForGood.resolve();
    });
    const orderId = buildOrderCreated().id;

    await queue.add(
      { orderId },
      expirationJobOptions(orderId, new Date().toISOString(), Date.now(), {
        attempts: 2,
        backoffDelayMs: 20,
      }),
    );
    await failedForGood.promise;
    expect(await (await queue.getJob(orderId))?.getState()).toBe('failed');
    expect(publisher.published).toEqual([]);

    const completed = nextCompleted(queue);
    expect(await retryFailedExpirations(queue)).toBe(1);
    expect((await completed).id).toBe(orderId);
    expect(publisher.published.map((p) => p.data)).toEqual([{ orderId }]);
  });

  it('when order.created is redelivered after its job fired, then no second job is added and nothing is published again', async () => {
    const queue = await openQueue();
    const publisher = fakePublisher();
    startExpirationProcessor(queue, { publisher, logger });
    const completed = nextCompleted(queue);
    const listener = new OrderCreatedListener(natsWrapper.client, queue);
    const order = buildOrderCreated({ expiresAt: new Date(Date.now() - 1_000).toISOString() });

    await listener.onMessage(order, fakeMessage(Subjects.OrderCreated));
    await completed;
    const redelivery = fakeMessage(Subjects.OrderCreated);
    await listener.onMessage(order, redelivery);

    expect(redelivery.ack).toHaveBeenCalled();
    expect(await (await queue.getJob(order.id))?.getState()).toBe('completed');
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
    expect(publisher.published).toHaveLength(1);
  });

  it('when the order is cancelled before it is due, then its job is removed and never publishes', async () => {
    const queue = await openQueue();
    const publisher = fakePublisher();
    const order = buildOrderCreated({ expiresAt: new Date(Date.now() + 200).toISOString() });
    await new OrderCreatedListener(natsWrapper.client, queue).onMessage(
      order,
      fakeMessage(Subjects.OrderCreated),
    );

    const msg = fakeMessage(Subjects.OrderCancelled);
    await new OrderCancelledListener(natsWrapper.client, queue).onMessage(
      { id: order.id, version: 1, ticket: { id: order.ticket.id } },
      msg,
    );
    expect(await queue.getJob(order.id)).toBeNull();
    expect(msg.ack).toHaveBeenCalled();

    // A job due at once, added after the cancelled one: once it has fired, the
    // cancelled one (due earlier) would have fired too had it still existed.
    startExpirationProcessor(queue, { publisher, logger });
    const completed = nextCompleted(queue);
    const later = buildOrderCreated({ expiresAt: new Date(Date.now() + 300).toISOString() });
    await new OrderCreatedListener(natsWrapper.client, queue).onMessage(
      later,
      fakeMessage(Subjects.OrderCreated),
    );
    await completed;
    expect(publisher.published.map((p) => p.data)).toEqual([{ orderId: later.id }]);
  });
});
