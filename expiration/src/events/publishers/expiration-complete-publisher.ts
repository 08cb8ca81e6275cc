import { type ExpirationCompleteEvent, Publisher, Subjects } from '@ticketing/common';

/** Publishes expiration.complete; the processor passes {@link expirationCompleteEventId}. */
export class ExpirationCompletePublisher extends Publisher<ExpirationCompleteEvent> {
  readonly subject = Subjects.ExpirationComplete;
}

/**
 * One id per order, so a job that runs again (a retry after a publish that did reach
 * the broker, or a re-run after a crash) publishes the same id and the broker drops
 * the repeat within its de-duplication window.
 */
export function expirationCompleteEventId(orderId: string): string {
  return `expiration-complete:${orderId}`;
}
