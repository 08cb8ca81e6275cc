import type { Logger } from '@ticketing/common';
import type { Job } from 'bull';
import {
  type ExpirationCompletePublisher,
  expirationCompleteEventId,
} from '../events/publishers/expiration-complete-publisher';
import type { ExpirationPayload, ExpirationQueue } from './expiration-queue';

/** Options of {@link startExpirationProcessor}. */
export interface ExpirationProcessorOptions {
  publisher: Pick<ExpirationCompletePublisher, 'publish'>;
  logger: Logger;
  /** Jobs handled at once by this replica; publishing is I/O-bound. Default 10. */
  concurrency?: number;
}

/**
 * Handles due jobs: each publishes expiration.complete and completes only once the
 * broker has stored it. A failed publish fails the attempt, and Bull tries again with
 * back-off (the job's `attempts`/`backoff`); nothing is dropped. `queue.close()` waits
 * for the jobs in hand before it resolves.
 */
export function startExpirationProcessor(
  queue: ExpirationQueue,
  options: ExpirationProcessorOptions,
): void {
  const { publisher, logger } = options;
  const log = logger.child({ component: 'expiration-processor' });

  queue.on('failed', (job: Job<ExpirationPayload>, err: Error) => {
    const attempts = job.opts.attempts ?? 1;
    const fields = { err, orderId: job.data.orderId, attemptsMade: job.attemptsMade, attempts };
    if (job.attemptsMade >= attempts) {
      log.error(fields, 'expiration job ran out of tries; retried when the broker reconnects');
    } else {
      log.warn(fields, 'expiration job failed; Bull retries it with back-off');
    }
  });

  queue
    .process(options.concurrency ?? 10, async (job: Job<ExpirationPayload>) => {
      const { orderId } = job.data;
      await publisher.publish({ orderId }, { eventId: expirationCompleteEventId(orderId) });
      log.info({ orderId, attempt: job.attemptsMade + 1 }, 'expiration complete published');
    })
    .catch((err: unknown) => {
      // Bull also emits this as the queue's 'error', which index.ts logs; nothing more to do.
      log.error({ err }, 'expiration processor stopped');
    });
}
