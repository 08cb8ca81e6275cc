import { type OrderCancelledEvent, Subjects, TransactionalListener } from '@ticketing/common';
import type { ClientSession } from 'mongoose';
import { Ticket } from '../../models/ticket';
import { ticketEvents } from '../publishers/ticket-events';
import { queueGroupName } from './queue-group-name';

/** Frees the ticket if this order holds it and records ticket.updated; otherwise acks with no effect. */
export class OrderCancelledListener extends TransactionalListener<OrderCancelledEvent> {
  readonly subject = Subjects.OrderCancelled;
  readonly queueGroupName = queueGroupName;

  async onEvent(data: OrderCancelledEvent['data'], session: ClientSession): Promise<void> {
    const ticket = await Ticket.findById(data.ticket.id).session(session);
    if (!ticket) throw new Error(`Ticket ${data.ticket.id} not found`);
    // Another order (or none) holds it: this cancellation has nothing left to undo.
    if (!ticket.release(data.id)) return;
    await ticket.save({ session });
    await ticketEvents.updated(session, ticket);
  }
}
