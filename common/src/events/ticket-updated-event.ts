import type { Subjects } from './subjects';

/** Published by tickets on every change: an edit, a reservation, a release. */
export interface TicketUpdatedEvent {
  subject: Subjects.TicketUpdated;
  data: {
    id: string;
    version: number;
    title: string;
    price: number;
    userId: string;
    /** The order holding the ticket; absent when it is free. */
    orderId?: string;
  };
}
