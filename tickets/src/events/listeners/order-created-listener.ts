import { type OrderCreatedEvent, Subjects, TransactionalListener } from '@ticketing/common';
import type { ClientSession } from 'mongoose';
import { Ticket } from '../../models/ticket';
import { ticketEvents } from '../publishers/ticket-events';
import { queueGroupName } from './queue-group-name';

/** Reserves the ordered ticket and records ticket.updated, once per event (inbox). */
export class OrderCreatedListener extends TransactionalListener<OrderCreatedEvent> {
  readonly subject = Subjects.OrderCreated;
  readonly queueGroupName = queueGroupName;

  async onEvent(data: OrderCreatedEvent['data'], session: ClientSession): Promise<void> {
    const ticket = await Ticket.findById(data.ticket.id).session(session);
    // Not acked: the ticket.created that orders saw may still be on its way to us.
    if (!ticket) throw new Error(`Ticket ${data.ticket.id} not found`);
    if (!ticket.reserve(data.id)) return;
    await ticket.save({ session });
    await ticketEvents.updated(session, ticket);
  }
}
