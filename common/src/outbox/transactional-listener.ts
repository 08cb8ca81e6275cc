import type { ClientSession, Connection } from 'mongoose';
import type { Event } from '../events/base-event';
import type { EventMessage } from '../messaging/event-message';
import { Listener, type ListenerOptions } from '../messaging/listener';
import type { MessagingClient } from '../messaging/messaging-client';
import { processOnce } from './process-once';

/**
 * A {@link Listener} whose effect runs once per event, in a MongoDB transaction, and is
 * acknowledged only after it commits (see {@link processOnce}).
 *
 * A subclass declares `subject`, `queueGroupName` and `onEvent(data, session, msg)`,
 * doing every read and write through `session`; it never acks. Returning normally
 * commits and acks (also when the event is deliberately ignored, e.g. an old version);
 * throwing rolls everything back and the message comes back with back-off. A repeat
 * delivery of a committed event is acked without calling `onEvent`.
 *
 * @example
 * class OrderCreatedListener extends TransactionalListener<OrderCreatedEvent> {
 *   readonly subject = Subjects.OrderCreated;
 *   readonly queueGroupName = 'tickets-service';
 *   async onEvent(data: OrderCreatedEvent['data'], session: ClientSession) {
 *     const ticket = await Ticket.findById(data.ticket.id).session(session);
 *     if (!ticket) throw new Error('Ticket not found');
 *     ticket.set({ orderId: data.id });
 *     await ticket.save({ session });
 *     await outbox.record(session, Subjects.TicketUpdated, toTicketData(ticket));
 *   }
 * }
 * await new OrderCreatedListener(natsWrapper.client, mongoose.connection).listen();
 */
export abstract class TransactionalListener<E extends Event> extends Listener<E> {
  /** Applies the event inside the transaction; must use `session` for every database call. */
  abstract onEvent(data: E['data'], session: ClientSession, msg: EventMessage): Promise<void>;

  constructor(
    client: MessagingClient,
    protected readonly connection: Connection,
    options: ListenerOptions = {},
  ) {
    super(client, options);
  }

  override async onMessage(data: E['data'], msg: EventMessage): Promise<void> {
    const outcome = await processOnce(
      this.connection,
      { queueGroup: this.queueGroupName, msg },
      (session) => this.onEvent(data, session, msg),
    );
    if (outcome === 'duplicate') {
      this.logger.debug({ eventId: msg.eventId, subject: msg.subject }, 'event already processed');
    }
    msg.ack();
  }
}
