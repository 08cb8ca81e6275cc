import { createLogger } from '@ticketing/common';
import { type RedisServer, startRedis } from '@ticketing/test-helpers';
import type { Job } from 'bull';
import { buildOrderCreated, deferred } from '../../test/helpers';
import { startExpirationProcessor } from '../expiration-processor';
import {
  createExpirationQueue,
  type ExpirationPayload,
  type ExpirationQueue,
  expirationJobOptions,
  waitForQueueReady,
} from '../expiration-queue';

let redis: RedisServer;
const queues: ExpirationQueue[] = [];

beforeAll(async () => {
  redis = await startRedis({ appendonly: true });
}, 60_000);
afterAll(async () => {
  await Promise.all(queues.map((queue) => queue.close()));
  await redis.stop();
}, 60_000);

async function openQueue(): Promise<ExpirationQueue> {
  const queue = createExpirationQueue({ host: '127.0.0.1', port: redis.port });
  queues.push(queue);
  await waitForQueueReady(queue, 10_000);
  return queue;
}

describe('restarts', () => {
  it('when the service stops and Redis restarts before the job is due, then the job is still there afterwards and fires', async () => {
    const first = await openQueue();
    const order = buildOrderCreated({ expiresAt: new Date(Date.now() + 500).toISOString() });
    await first.add({ orderId: order.id }, expirationJobOptions(order.id, order.expiresAt));
    await first.close();

    await redis.restart();

    const second = await openQueue();
    const survivor = await second.getJob(order.id);
    expect(survivor?.data).toEqual({ orderId: order.id });
    const published: string[] = [];
    const completed = deferred<Job<ExpirationPayload>>();
    second.once('completed', (job: Job<ExpirationPayload>) => completed.resolve(job));
    startExpirationProcessor(second, {
      publisher: {
        publish: async (data) => {
          published.push(data.orderId);
        },
      },
      logger: createLogger({ service: 'expiration', level: 'silent' }),
    });

    expect((await completed.promise).id).toBe(order.id);
    expect(published).toEqual([order.id]);
  });
});
