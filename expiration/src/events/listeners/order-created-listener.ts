import {
  type EventMessage,
  Listener,
  type ListenerOptions,
  type MessagingClient,
  type OrderCreatedEvent,
  Subjects,
} from '@ticketing/common';
import { type ExpirationQueue, expirationJobOptions } from '../../queues/expiration-queue';
import { queueGroupName } from './queue-group-name';

/**
 * Schedules the order's expiration: one delayed job whose id is the order id, so a
 * redelivered order.created (before or after the job fired) adds no second job.
 */
export class OrderCreatedListener extends Listener<OrderCreatedEvent> {
  readonly subject = Subjects.OrderCreated;
  readonly queueGroupName = queueGroupName;

  constructor(
    client: MessagingClient,
    private readonly queue: ExpirationQueue,
    options: ListenerOptions = {},
  ) {
    super(client, options);
  }

  async onMessage(data: OrderCreatedEvent['data'], msg: EventMessage): Promise<void> {
    // A bad expiresAt throws: retried, then dead-lettered where someone will see it.
    const options = expirationJobOptions(data.id, data.expiresAt);
    const job = await this.queue.add({ orderId: data.id }, options);
    this.logger.info(
      { orderId: data.id, jobId: job.id, delayMs: options.delay, eventId: msg.eventId },
      'expiration scheduled',
    );
    msg.ack();
  }
}
