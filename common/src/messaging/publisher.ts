import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Event } from '../events/base-event';
import type { MessagingClient } from './messaging-client';
import { silentLogger } from './silent-logger';

/** Options a publisher takes besides its client. */
export interface PublisherOptions {
  logger?: Logger;
}

/** Options for one {@link Publisher.publish}. */
export interface PublishEventOptions {
  /**
   * The event's id; the broker drops a second publish of the same id within its
   * de-duplication window. Defaults to a random UUID. An outbox passes its stored id.
   */
  eventId?: string;
}

/**
 * Publishes one event type. A subclass declares only `subject`.
 *
 * @example
 * class TicketCreatedPublisher extends Publisher<TicketCreatedEvent> {
 *   readonly subject = Subjects.TicketCreated;
 * }
 * await new TicketCreatedPublisher(natsWrapper.client).publish(ticketData);
 */
export abstract class Publisher<E extends Event> {
  /** The subject this publisher sends on. */
  abstract readonly subject: E['subject'];

  protected readonly logger: Logger;

  constructor(
    protected readonly client: MessagingClient,
    options: PublisherOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Sends the event. Resolves once the broker has stored it; rejects with a
   * `PublishError` when the broker doesn't confirm within the publish timeout.
   */
  async publish(data: E['data'], options: PublishEventOptions = {}): Promise<void> {
    const eventId = options.eventId ?? randomUUID();
    await this.client.publish(this.subject, JSON.stringify(data), { eventId });
    this.logger.debug({ subject: this.subject, eventId }, 'event published');
  }
}
