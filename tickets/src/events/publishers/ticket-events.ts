import { Outbox, Subjects, type TicketUpdatedEvent } from '@ticketing/common';
import mongoose, { type ClientSession } from 'mongoose';
import type { TicketDoc } from '../../models/ticket';

// Events are never sent from a request or a handler directly: they are stored with the
// change that causes them, and the outbox relay started in index.ts publishes them.
const outbox = new Outbox(mongoose.connection);

function toEventData(ticket: TicketDoc): TicketUpdatedEvent['data'] {
  return {
    id: ticket.id,
    version: ticket.version,
    title: ticket.title,
    price: ticket.price,
    userId: ticket.userId,
    ...(ticket.orderId === undefined || ticket.orderId === null ? {} : { orderId: ticket.orderId }),
  };
}

/** Records a ticket's events in the transaction `session` belongs to; call after saving it there. */
export const ticketEvents = {
  /** ticket.created, with the data as saved (version 0). Resolves with the event id. */
  created(session: ClientSession, ticket: TicketDoc): Promise<string> {
    const { id, version, title, price, userId } = toEventData(ticket);
    return outbox.record(session, Subjects.TicketCreated, { id, version, title, price, userId });
  },
  /** ticket.updated, carrying the new version and the order holding it, if any. */
  updated(session: ClientSession, ticket: TicketDoc): Promise<string> {
    return outbox.record(session, Subjects.TicketUpdated, toEventData(ticket));
  },
};
