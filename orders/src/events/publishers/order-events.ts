import { Outbox, Subjects } from '@ticketing/common';
import mongoose, { type ClientSession } from 'mongoose';
import type { OrderDoc } from '../../models/order';
import type { TicketDoc } from '../../models/ticket';

// Events are never sent from a request or a handler directly: they are stored with the
// change that causes them, and the outbox relay started in index.ts publishes them.
const outbox = new Outbox(mongoose.connection);

/** Records an order's events in the transaction `session` belongs to; call after saving it there. */
export const orderEvents = {
  /** order.created, with the reserved ticket's id and price. Resolves with the event id. */
  created(session: ClientSession, order: OrderDoc, ticket: TicketDoc): Promise<string> {
    return outbox.record(session, Subjects.OrderCreated, {
      id: order.id,
      version: order.version,
      status: order.status,
      userId: order.userId,
      expiresAt: order.expiresAt.toISOString(),
      ticket: { id: ticket.id, price: ticket.price },
    });
  },
  /** order.cancelled, carrying the order's new version and the ticket it frees. */
  cancelled(session: ClientSession, order: OrderDoc): Promise<string> {
    return outbox.record(session, Subjects.OrderCancelled, {
      id: order.id,
      version: order.version,
      ticket: { id: order.ticketId() },
    });
  },
};
