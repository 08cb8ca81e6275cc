import { Subjects } from '@ticketing/common';
import { useRedis } from '@ticketing/test-helpers';
import { natsWrapper } from '../../../nats-wrapper';
import { COMPLETED_JOB_RETENTION, DEFAULT_RETRY_POLICY } from '../../../queues/expiration-queue';
import { buildOrderCreated, fakeMessage, useTestQueues } from '../../../test/helpers';
import { OrderCreatedListener } from '../order-created-listener';

jest.mock('../../../nats-wrapper');

const redis = useRedis();
const openQueue = useTestQueues(redis);

async function setup() {
  const queue = await openQueue();
  const listener = new OrderCreatedListener(natsWrapper.client, queue);
  return { queue, listener, msg: fakeMessage(Subjects.OrderCreated) };
}

describe('OrderCreatedListener', () => {
  it('has the expiration queue group and the order.created subject', async () => {
    const { listener } = await setup();
    expect(listener.queueGroupName).toBe('expiration-service');
    expect(listener.subject).toBe(Subjects.OrderCreated);
  });

  it('when an order is created, then one delayed job with the order id as job id is due at expiresAt, and the message is acked', async () => {
    const { queue, listener, msg } = await setup();
    const expiresAt = Date.now() + 15 * 60_000;
    const data = buildOrderCreated({ expiresAt: new Date(expiresAt).toISOString() });

    const before = Date.now();
    await listener.onMessage(data, msg);
    const after = Date.now();

    const job = await queue.getJob(data.id);
    expect(job?.data).toEqual({ orderId: data.id });
    expect(await job?.getState()).toBe('delayed');
    // The delay was computed at some instant between before and after.
    expect(job?.opts.delay).toBeGreaterThanOrEqual(expiresAt - after);
    expect(job?.opts.delay).toBeLessThanOrEqual(expiresAt - before);
    expect(job?.opts).toMatchObject({
      jobId: data.id,
      attempts: DEFAULT_RETRY_POLICY.attempts,
      backoff: { type: 'exponential', delay: DEFAULT_RETRY_POLICY.backoffDelayMs },
      removeOnComplete: COMPLETED_JOB_RETENTION,
    });
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });

  it('when order.created arrives twice, then there is still one job and both deliveries are acked', async () => {
    const { queue, listener, msg } = await setup();
    const data = buildOrderCreated();

    await listener.onMessage(data, msg);
    const redelivery = fakeMessage(Subjects.OrderCreated);
    await listener.onMessage(data, redelivery);

    expect(await queue.getJobCounts()).toMatchObject({ delayed: 1, waiting: 0 });
    expect((await queue.getDelayed()).map((job) => job.id)).toEqual([data.id]);
    expect(msg.ack).toHaveBeenCalledTimes(1);
    expect(redelivery.ack).toHaveBeenCalledTimes(1);
  });

  it('when expiresAt is already past, then the job is due at once (delay 0)', async () => {
    const { queue, listener, msg } = await setup();
    const data = buildOrderCreated({ expiresAt: new Date(Date.now() - 60_000).toISOString() });

    await listener.onMessage(data, msg);

    const job = await queue.getJob(data.id);
    expect(job?.opts.delay).toBe(0);
    expect(await job?.getState()).toBe('waiting');
    expect(msg.ack).toHaveBeenCalled();
  });

  it('when expiresAt is not a date, then it throws without adding a job or acking (the listener retries, then dead-letters)', async () => {
    const { queue, listener, msg } = await setup();
    const data = buildOrderCreated({ expiresAt: 'soon' });

    await expect(listener.onMessage(data, msg)).rejects.toThrow('expiresAt is not a date');

    expect(await queue.getJob(data.id)).toBeNull();
    expect(msg.ack).not.toHaveBeenCalled();
  });
});
