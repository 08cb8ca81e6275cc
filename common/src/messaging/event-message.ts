/** What a listener's `onMessage` gets besides the data: the same on every transport. */
export interface EventMessage {
  /** Marks the event handled. Call it only after the effect is committed; without it the event comes back. */
  ack(): void;
  /** 1 on first delivery; more on redeliveries. */
  readonly deliveryCount: number;
  /**
   * The event's id, stable across redeliveries: the publisher's id, or
   * `<subject>#<sequence>` for a message published without one. Record it to make
   * a handler idempotent (an inbox).
   */
  readonly eventId: string;
  /** The message's position in its stream. */
  readonly sequence: number;
  readonly subject: string;
}
