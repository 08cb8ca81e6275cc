import type { Subjects } from './subjects';

/** Published by expiration when an order's reservation window has passed. */
export interface ExpirationCompleteEvent {
  subject: Subjects.ExpirationComplete;
  data: {
    orderId: string;
  };
}
