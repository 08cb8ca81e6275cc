import { randomBytes } from 'node:crypto';
import { type OrderCreatedEvent, OrderStatus } from '@ticketing/common';
import type { RedisServer } from '@ticketing/test-helpers';
import {
  createExpirationQueue,
  type ExpirationQueue,
  waitForQueueReady,
} from '../queues/expiration-queue';

export { fakeMessage } from '@ticketing/test-helpers';

/** A 24-hex-digit id like MongoDB's, distinct per call. */
export function newId(): string {
  return randomBytes(12).toString('hex');
}

/** order.created data for a fresh order expiring 15 minutes from now unless overridden. */
export function buildOrderCreated(
  overrides: Partial<OrderCreatedEvent['data']> = {},
): OrderCreatedEvent['data'] {
  return {
    id: newId(),
    version: 0,
    status: OrderStatus.Created,
    userId: newId(),
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ticket: { id: newId(), price: 20 },
    ...overrides,
  };
}

let queueCount = 0;

/**
 * Opens expiration queues on the test file's Redis, each under its own key prefix so
 * tests never see each other's jobs; every queue opened is closed after each test
 * (Bull's and ioredis's handles would otherwise keep jest alive).
 */
export function useTestQueues(redis: () => RedisServer): () => Promise<ExpirationQueue> {
  const open: ExpirationQueue[] = [];
  let prefix = '';
  beforeEach(() => {
    queueCount += 1;
    prefix = `test${queueCount}`;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((queue) => queue.close()));
  });
  return async () => {
    const queue = createExpirationQueue({ host: '127.0.0.1', port: redis().port }, { prefix });
    open.push(queue);
    await waitForQueueReady(queue, 10_000);
    return queue;
  };
}

/** A promise with its resolve function, to await something a callback will do. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
