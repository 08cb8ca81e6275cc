import { Subjects, type TicketCreatedEvent, TransactionalListener } from '@ticketing/common';
import type { ClientSession } from 'mongoose';
import { Ticket } from '../../models/ticket';
import { queueGroupName } from './queue-group-name';

/** Inserts the ticket replica, once per event (inbox) and once per ticket (a republish is a no-op). */
export class TicketCreatedListener extends TransactionalListener<TicketCreatedEvent> {
  readonly subject = Subjects.TicketCreated;
  readonly queueGroupName = queueGroupName;

  async onEvent(data: TicketCreatedEvent['data'], session: ClientSession): Promise<void> {
    // createReplica leaves an existing replica alone: a ticket.created published again
    // under a new event id (the inbox can't tell) changes nothing.
    const { id, title, price, version } = data;
    await Ticket.createReplica({ id, title, price, version }, session);
  }
}
