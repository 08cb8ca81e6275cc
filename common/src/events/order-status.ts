/** The lifecycle of an order. */
export enum OrderStatus {
  /** Created; the ticket it names is reserved for it until `expiresAt`. */
  Created = 'created',
  /** Cancelled by the buyer, or expired; the ticket is free again. */
  Cancelled = 'cancelled',
  /** The buyer started paying; still cancellable. */
  AwaitingPayment = 'awaiting:payment',
  /** Paid; the reservation is final. */
  Complete = 'complete',
}
