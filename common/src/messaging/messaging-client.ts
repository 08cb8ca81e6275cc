/**
 * The one broker interface services see. Both transports (JetStream, NATS Streaming)
 * implement it; nothing outside `messaging/` imports a broker client.
 */

/** Options for {@link MessagingClient.publish}. */
export interface PublishOptions {
  /**
   * The event's id. The broker uses it to drop a repeat published within its
   * de-duplication window (JetStream `Nats-Msg-Id`); listeners read it as `msg.eventId`.
   */
  eventId: string;
  /** Extra metadata (JetStream headers; carried in the envelope on NATS Streaming). */
  headers?: Readonly<Record<string, string>>;
}

/** How a durable queue subscription behaves. */
export interface SubscribeOptions {
  /** How long the broker waits for an ack before redelivering, in milliseconds. */
  ackWaitMs: number;
  /**
   * How many deliveries the listener allows before dead-lettering. Transports that
   * can bound delivery server-side allow one more, so the listener always sees the
   * message that ran out of tries and can dead-letter it.
   */
  maxDeliver: number;
}

/** A message as a transport hands it to a subscriber. */
export interface IncomingMessage {
  readonly subject: string;
  /** The payload bytes exactly as published (the event's JSON data). */
  readonly raw: Uint8Array;
  /** The payload as text. */
  text(): string;
  /** The publisher's event id, when the message carries one. */
  readonly eventId: string | undefined;
  /** The message's position in its stream (JetStream stream sequence, STAN channel sequence). */
  readonly sequence: number;
  /** 1 on first delivery, then counts up with every redelivery. */
  readonly deliveryCount: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Done with it: the broker will not deliver it again. */
  ack(): void;
  /** Failed: deliver it again after `delayMs` (transports that can't delay rely on ack wait). */
  nak(delayMs: number): void;
  /** Give up on it for good: never redeliver. */
  term(): void;
}

/** Called once per delivery; the transport awaits it and never lets it reject unhandled. */
export type MessageHandler = (msg: IncomingMessage) => Promise<void>;

/** A running subscription. */
export interface Subscription {
  /** Stops taking new messages and waits for the one being handled. The durable position is kept. */
  close(): Promise<void>;
}

/** A broker connection status change. */
export type ConnectionStatus =
  | { type: 'disconnect'; server?: string }
  | { type: 'reconnecting' }
  | { type: 'reconnect'; server?: string }
  | { type: 'error'; error: Error }
  | { type: 'close' };

/** The transport-neutral messaging client. */
export interface MessagingClient {
  /** Which transport this is. */
  readonly transport: 'jetstream' | 'stan';
  /**
   * Publishes an already-serialized payload. Resolves once the broker has stored it;
   * rejects with a {@link PublishError} when it can't within the publish timeout.
   * An outbox relay calls this directly with the stored event id.
   */
  publish(subject: string, payload: Uint8Array | string, options: PublishOptions): Promise<void>;
  /**
   * Starts a durable queue subscription: one delivery per queue group, and what was
   * published while no member ran is delivered when one starts.
   */
  subscribe(
    subject: string,
    queueGroup: string,
    options: SubscribeOptions,
    handler: MessageHandler,
  ): Promise<Subscription>;
  /** Subscribes to connection status changes; returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** True while the connection is up. */
  isConnected(): boolean;
  /** Closes every subscription (waiting for handlers in flight), flushes, then closes. */
  drain(): Promise<void>;
  /** Same as {@link drain}: the only safe way to close. */
  close(): Promise<void>;
}

/** A publish the broker did not confirm. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly subject: string,
    readonly eventId: string,
    cause: unknown,
  ) {
    super(
      `Failed to publish ${subject} (event ${eventId}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** The subject a message goes to when its listener gives up on it. */
export function deadLetterSubject(subject: string): string {
  return `deadletter.${subject}`;
}
