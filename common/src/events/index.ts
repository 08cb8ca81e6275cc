export type { Event } from './base-event';
export type { ExpirationCompleteEvent } from './expiration-complete-event';
export type { OrderCancelledEvent } from './order-cancelled-event';
export type { OrderCreatedEvent } from './order-created-event';
export { OrderStatus } from './order-status';
export { Subjects } from './subjects';
export type { TicketCreatedEvent } from './ticket-created-event';
export type { TicketUpdatedEvent } from './ticket-updated-event';
