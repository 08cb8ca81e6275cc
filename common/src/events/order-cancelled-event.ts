import type { Subjects } from './subjects';

/** Published by orders when an order is cancelled or has expired. */
export interface OrderCancelledEvent {
  subject: Subjects.OrderCancelled;
  data: {
    id: string;
    version: number;
    ticket: {
      id: string;
    };
  };
}
