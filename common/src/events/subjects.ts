/** Every subject an event travels on. The broker stream holds exactly these. */
export enum Subjects {
  TicketCreated = 'ticket.created',
  TicketUpdated = 'ticket.updated',
  OrderCreated = 'order.created',
  OrderCancelled = 'order.cancelled',
  ExpirationComplete = 'expiration.complete',
}
