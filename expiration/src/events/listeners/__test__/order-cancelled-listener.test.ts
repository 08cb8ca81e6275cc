import { createLogger, Subjects } from '@ticketing/common';
import { useRedis } from '@ticketing/test-helpers';
import { natsWrapper } from '../../../nats-wrapper';
import { startExpirationProcessor } from '../../../queues/expiration-processor';
import { buildOrderCreated, deferred, fakeMessage, useTestQueues } from '../../../test/helpers';
import { OrderCancelledListener } from '../order-cancelled-listener';
import { OrderCreatedListener } from '../order-created-listener';

jest.mock('../../../nats-wrapper');

const redis = useRedis();
const openQueue = useTestQueues(redis);

function cancelled(orderId: string) {
  return { id: orderId, version: 1, ticket: { id: 'ticket-1' } };
}

describe('OrderCancelledListener', () => {
  it('has the expiration queue group and the order.cancelled subject', async () => {
    const listener = new OrderCancelledListener(natsWrapper.client, await openQueue());
    expect(listener.queueGroupName).toBe('expiration-service');
    expect(listener.subject).toBe(Subjects.OrderCancelled);
  });

  it('when the order has a pending job, then the job is removed and the message acked', async () => {
    const queue = await openQueue();
    const order = buildOrderCreated();
    await new OrderCreatedListener(natsWrapper.client, queue).onMessage(
      order,
      fakeMessage(Subjects.OrderCreated),
    );
    expect(await queue.getJob(order.id)).not.toBeNull();
    const msg = fakeMessage(Subjects.OrderCancelled);

    await new OrderCancelledListener(natsWrapper.client, queue).onMessage(cancelled(order.id), msg);

    expect(await queue.getJob(order.id)).toBeNull();
    expect(await queue.getJobCounts()).toMatchObject({ delayed: 0, waiting: 0 });
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });

  it('when the order has no job (unknown, or cancelled twice), then the message is acked', async () => {
    const queue = await openQueue();
    const listener = new OrderCancelledListener(natsWrapper.client, queue);
    const first = fakeMessage(Subjects.OrderCancelled);
    const second = fakeMessage(Subjects.OrderCancelled);
    const orderId = buildOrderCreated().id;

    await listener.onMessage(cancelled(orderId), first);
    await listener.onMessage(cancelled(orderId), second);

    expect(first.ack).toHaveBeenCalledTimes(1);
    expect(second.ack).toHaveBeenCalledTimes(1);
  });

  it('when the job already fired, then it is kept (its id still de-duplicates order.created) and the message acked', async () => {
    const queue = await openQueue();
    const done = deferred();
    queue.once('completed', () => done.resolve());
    startExpirationProcessor(queue, {
      publisher: { publish: async () => undefined },
      logger: createLogger({ service: 'expiration', level: 'silent' }),
    });
    const order = buildOrderCreated({ expiresAt: new Date(Date.now() - 1_000).toISOString() });
    await new OrderCreatedListener(natsWrapper.client, queue).onMessage(
      order,
      fakeMessage(Subjects.OrderCreated),
    );
    await done.promise;
    const msg = fakeMessage(Subjects.OrderCancelled);

    await new OrderCancelledListener(natsWrapper.client, queue).onMessage(cancelled(order.id), msg);

    expect(await (await queue.getJob(order.id))?.getState()).toBe('completed');
    expect(msg.ack).toHaveBeenCalledTimes(1);
  });
});
