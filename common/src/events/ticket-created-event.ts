import type { Subjects } from './subjects';

/** Published by tickets when a ticket is listed for sale. */
export interface TicketCreatedEvent {
  subject: Subjects.TicketCreated;
  data: {
    id: string;
    version: number;
    title: string;
    price: number;
    userId: string;
  };
}
