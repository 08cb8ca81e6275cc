import Bull from 'bull';
import type { RedisConnectionOptions } from '../config';

/** The Bull queue's name (its Redis keys are `bull:order-expiration:*`). */
export const EXPIRATION_QUEUE_NAME = 'order-expiration';

/** One job per order; its id is the order id. */
export interface ExpirationPayload {
  orderId: string;
}

export type ExpirationQueue = Bull.Queue<ExpirationPayload>;

/** How often a job whose publish failed is tried, and the first back-off (doubling each time). */
export interface RetryPolicy {
  attempts: number;
  backoffDelayMs: number;
}

/**
 * 10 tries, 1 s doubling to 256 s: about 8.5 minutes of broker outage are bridged
 * within one job. A job that still fails stays in the failed set (never removed) and
 * is retried when the broker reconnects and when the service starts.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 10,
  backoffDelayMs: 1_000,
});

/**
 * A completed job is kept (not removed) so that its id keeps de-duplicating: Bull
 * ignores an add whose job id exists, so an order.created redelivered after the
 * job fired adds nothing. Kept for a day, at most 100 000 of them (Bull prunes on
 * each later completion), which bounds Redis's memory.
 */
export const COMPLETED_JOB_RETENTION: Readonly<Bull.KeepJobsOptions> = Object.freeze({
  age: 24 * 60 * 60,
  count: 100_000,
});

/** Options of {@link createExpirationQueue}. */
export interface ExpirationQueueOptions {
  /** Redis key prefix; default Bull's `bull`. Tests use their own to stay apart. */
  prefix?: string;
}

/**
 * Opens the `order-expiration` queue on Redis. Its Redis clients connect lazily and
 * reconnect forever; wait for {@link waitForQueueReady} before relying on it, and
 * attach an `error` listener (index.ts logs them) so a Redis outage is not a crash.
 */
export function createExpirationQueue(
  redis: RedisConnectionOptions,
  options: ExpirationQueueOptions = {},
): ExpirationQueue {
  return new Bull<ExpirationPayload>(EXPIRATION_QUEUE_NAME, {
    redis: { ...redis },
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });
}

/**
 * The options of the job that expires `orderId` at `expiresAt`: due `expiresAt − now`
 * from now (Bull counts the delay from when the job is added, a few ms after `now`);
 * an `expiresAt` in the past gives delay 0: due at once.
 */
export function expirationJobOptions(
  orderId: string,
  expiresAt: string,
  now: number = Date.now(),
  retry: RetryPolicy = DEFAULT_RETRY_POLICY,
): Bull.JobOptions {
  const dueAt = Date.parse(expiresAt);
  if (Number.isNaN(dueAt)) throw new Error(`expiresAt is not a date: ${JSON.stringify(expiresAt)}`);
  return {
    jobId: orderId,
    delay: Math.max(0, dueAt - now),
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffDelayMs },
    removeOnComplete: { ...COMPLETED_JOB_RETENTION },
    // A job that ran out of tries stays, so it can be retried and its id still de-duplicates.
    removeOnFail: false,
  };
}

/**
 * Resolves once the queue's Redis client is connected; rejects after `timeoutMs`
 * (the process then exits and the orchestrator restarts it).
 */
export async function waitForQueueReady(queue: ExpirationQueue, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    // isReady() only loads Bull's scripts; a command is what waits for the connection.
    const connected = queue.isReady().then(() => queue.client.ping());
    await Promise.race([connected, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** True while the queue's command connection to Redis is up. */
export function isQueueConnected(queue: ExpirationQueue): boolean {
  return queue.client.status === 'ready';
}

/**
 * Puts every job that ran out of tries back in line (e.g. after a long broker outage);
 * returns how many. A job another replica retried meanwhile is skipped.
 */
export async function retryFailedExpirations(queue: ExpirationQueue): Promise<number> {
  let retried = 0;
  for (const job of await queue.getFailed()) {
    try {
      await job.retry();
      retried += 1;
    } catch {
      // Not failed any more: someone else got to it first.
    }
  }
  return retried;
}
