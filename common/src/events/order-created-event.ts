import type { OrderStatus } from './order-status';
import type { Subjects } from './subjects';

/** Published by orders when an order reserves a ticket. */
export interface OrderCreatedEvent {
  subject: Subjects.OrderCreated;
  data: {
    id: string;
    version: number;
    status: OrderStatus;
    userId: string;
    /** ISO 8601 timestamp at which an unpaid order expires. */
    expiresAt: string;
    ticket: {
      id: string;
      price: number;
    };
  };
}
