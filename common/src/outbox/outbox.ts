import { randomUUID } from 'node:crypto';
import type { ClientSession, Connection, Model } from 'mongoose';
import type { ExpirationCompleteEvent } from '../events/expiration-complete-event';
import type { OrderCancelledEvent } from '../events/order-cancelled-event';
import type { OrderCreatedEvent } from '../events/order-created-event';
import type { Subjects } from '../events/subjects';
import type { TicketCreatedEvent } from '../events/ticket-created-event';
import type { TicketUpdatedEvent } from '../events/ticket-updated-event';
import { nudgeWhenSessionEnds } from './commit-signal';
import { type OutboxEventRecord, outboxEventModel } from './outbox-models';

/** Every event contract, so a subject alone determines its data type. */
type KnownEvent =
  | TicketCreatedEvent
  | TicketUpdatedEvent
  | OrderCreatedEvent
  | OrderCancelledEvent
  | ExpirationCompleteEvent;

// Fails to compile when a subject is added without adding its event to KnownEvent.
const everySubjectHasAnEvent: [Exclude<Subjects, KnownEvent['subject']>] extends [never]
  ? true
  : never = true;
void everySubjectHasAnEvent;

/** The data of the event that travels on subject `S`. */
export type OutboxEventData<S extends Subjects> = Extract<KnownEvent, { subject: S }>['data'];

/**
 * The transactional outbox: events are stored in `outbox_events` inside the same
 * transaction as the state change that causes them, so both commit or neither does.
 * An {@link OutboxRelay} publishes them afterwards.
 *
 * @example
 * const outbox = new Outbox(mongoose.connection);
 * await withTransaction(mongoose.connection, async (session) => {
 *   await ticket.save({ session });
 *   await outbox.record(session, Subjects.TicketUpdated, {
 *     id: ticket.id, version: ticket.version, title: ticket.title,
 *     price: ticket.price, userId: ticket.userId, orderId: ticket.orderId,
 *   });
 * });
 */
export class Outbox {
  private readonly model: Model<OutboxEventRecord>;

  constructor(private readonly connection: Connection) {
    this.model = outboxEventModel(connection);
  }

  /**
   * Stores one event in the transaction `session` belongs to and returns its id (a
   * UUID: the broker's de-duplication id and the listener's `msg.eventId`). The data
   * is serialized now, so later changes to the object don't leak into the event.
   *
   * @throws Error when `session` is not inside a transaction: an event recorded outside
   *   one could be published for a state change that never committed.
   */
  async record<S extends Subjects>(
    session: ClientSession,
    subject: S,
    data: OutboxEventData<S>,
  ): Promise<string> {
    if (!session.inTransaction()) {
      throw new Error(
        `Outbox.record(${subject}) needs a session inside a transaction (use withTransaction)`,
      );
    }
    const eventId = randomUUID();
    await this.model.create(
      [
        {
          eventId,
          subject,
          payload: JSON.stringify(data),
          createdAt: new Date(),
          publishedAt: null,
          attempts: 0,
        },
      ],
      { session },
    );
    nudgeWhenSessionEnds(this.connection, session);
    return eventId;
  }
}
