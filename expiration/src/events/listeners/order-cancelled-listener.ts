import {
  type EventMessage,
  Listener,
  type ListenerOptions,
  type MessagingClient,
  type OrderCancelledEvent,
  Subjects,
} from '@ticketing/common';
import type { ExpirationQueue } from '../../queues/expiration-queue';
import { queueGroupName } from './queue-group-name';

// States in which the job has not published: removing it means it never will.
const PENDING_STATES: ReadonlySet<string> = new Set(['delayed', 'waiting', 'paused', 'failed']);

/**
 * Removes the order's pending expiration job. A job that already completed is kept:
 * its id still de-duplicates a late order.created. One that is running now is left
 * to finish; orders ignores expiration.complete for a cancelled order.
 */
export class OrderCancelledListener extends Listener<OrderCancelledEvent> {
  readonly subject = Subjects.OrderCancelled;
  readonly queueGroupName = queueGroupName;

  constructor(
    client: MessagingClient,
    private readonly queue: ExpirationQueue,
    options: ListenerOptions = {},
  ) {
    super(client, options);
  }

  async onMessage(data: OrderCancelledEvent['data'], msg: EventMessage): Promise<void> {
    const job = await this.queue.getJob(data.id);
    const state = job === null ? 'missing' : await job.getState();
    if (job !== null && PENDING_STATES.has(state)) {
      // Throws if the job became active meanwhile; the redelivery then finds it running.
      await job.remove();
      this.logger.info({ orderId: data.id, state }, 'expiration cancelled');
    } else {
      this.logger.info({ orderId: data.id, state }, 'no pending expiration to cancel');
    }
    msg.ack();
  }
}
