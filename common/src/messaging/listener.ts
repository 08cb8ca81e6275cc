import type { Logger } from 'pino';
import type { Event } from '../events/base-event';
import type { EventMessage } from './event-message';
import {
  deadLetterSubject,
  type IncomingMessage,
  type MessagingClient,
  type Subscription,
} from './messaging-client';
import { silentLogger } from './silent-logger';

/** Options a listener takes besides its client. */
export interface ListenerOptions {
  /** pino-compatible logger; every line carries subject, sequence, delivery count and event id. */
  logger?: Logger;
}

/** Headers a dead letter carries (JetStream headers; the envelope's `headers` on NATS Streaming). */
export const DeadLetterHeaders = {
  Reason: 'Ticketing-Dead-Letter-Reason',
  OriginalSubject: 'Ticketing-Original-Subject',
  OriginalSequence: 'Ticketing-Original-Sequence',
  OriginalEventId: 'Ticketing-Original-Event-Id',
  DeliveryCount: 'Ticketing-Delivery-Count',
  QueueGroup: 'Ticketing-Queue-Group',
} as const;

const FIRST_RETRY_DELAY_MS = 100;

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Header values are single lines on the wire. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 1_000);
}

/**
 * A durable queue-group subscription to one event type.
 *
 * A subclass declares `subject`, `queueGroupName` and `onMessage(data, msg)`, calls
 * `msg.ack()` once its effect is committed, and may override `ackWait` (ms) and
 * `maxDeliver`. A throwing `onMessage` gets the message back with growing back-off;
 * after `maxDeliver` deliveries (or at once, for a payload that is not a JSON object)
 * the message goes to `deadletter.<subject>` and the stream moves on.
 *
 * @example
 * class TicketCreatedListener extends Listener<TicketCreatedEvent> {
 *   readonly subject = Subjects.TicketCreated;
 *   readonly queueGroupName = 'orders-service';
 *   async onMessage(data: TicketCreatedEvent['data'], msg: EventMessage) {
 *     await Ticket.build(data).save();
 *     msg.ack();
 *   }
 * }
 * await new TicketCreatedListener(natsWrapper.client).listen();
 */
export abstract class Listener<E extends Event> {
  /** The subject this listener consumes. */
  abstract readonly subject: E['subject'];
  /** The queue group: one per service, so each event reaches one replica of it. */
  abstract readonly queueGroupName: string;
  /** Handles one event; call `msg.ack()` when done. May be async. */
  abstract onMessage(data: E['data'], msg: EventMessage): void | Promise<void>;

  /** How long the broker waits for `msg.ack()` before redelivering, in milliseconds. */
  readonly ackWait: number = 5_000;
  /** Deliveries allowed before the message is dead-lettered. */
  readonly maxDeliver: number = 5;

  protected readonly logger: Logger;
  private subscription: Subscription | undefined;

  constructor(
    protected readonly client: MessagingClient,
    options: ListenerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts consuming; resolves once the subscription is in place. */
  async listen(): Promise<void> {
    if (this.subscription) return;
    this.subscription = await this.client.subscribe(
      this.subject,
      this.queueGroupName,
      { ackWaitMs: this.ackWait, maxDeliver: this.maxDeliver },
      (msg) => this.handle(msg),
    );
  }

  /** Stops consuming and waits for the message being handled; the durable position is kept. */
  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  /** Back-off before redelivering after the n-th failed delivery: 100 ms, 200 ms, 400 ms … capped at ackWait. */
  protected retryDelay(deliveryCount: number): number {
    return Math.min(this.ackWait, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, deliveryCount - 1));
  }

  private async handle(msg: IncomingMessage): Promise<void> {
    const eventId = msg.eventId ?? `${msg.subject}#${msg.sequence}`;
    // A child logger per message costs more than the happy path itself, so it is
    // only built when something is logged.
    let child: Logger | undefined;
    const log = (): Logger =>
      (child ??= this.logger.child({
        subject: msg.subject,
        sequence: msg.sequence,
        deliveryCount: msg.deliveryCount,
        eventId,
        queueGroup: this.queueGroupName,
      }));

    let data: unknown;
    try {
      data = JSON.parse(msg.text());
    } catch (err) {
      return this.deadLetter(msg, eventId, `payload is not valid JSON: ${describe(err)}`, log());
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return this.deadLetter(msg, eventId, 'payload is not a JSON object', log());
    }
    if (msg.deliveryCount > this.maxDeliver) {
      return this.deadLetter(
        msg,
        eventId,
        `not acknowledged within ${this.maxDeliver} deliveries`,
        log(),
      );
    }

    let acked = false;
    const eventMessage: EventMessage = {
      ack: () => {
        if (acked) return;
        acked = true;
        msg.ack();
      },
      deliveryCount: msg.deliveryCount,
      eventId,
      sequence: msg.sequence,
      subject: msg.subject,
    };
    if (this.logger.isLevelEnabled('debug')) log().debug('event received');
    try {
      await this.onMessage(data as E['data'], eventMessage);
    } catch (err) {
      if (acked) {
        log().error({ err }, 'listener failed after acknowledging; not retried');
        return;
      }
      if (msg.deliveryCount >= this.maxDeliver) {
        return this.deadLetter(msg, eventId, describe(err), log(), err);
      }
      const retryInMs = this.retryDelay(msg.deliveryCount);
      log().warn({ err, retryInMs }, 'listener failed; will retry');
      msg.nak(retryInMs);
    }
  }

  private async deadLetter(
    msg: IncomingMessage,
    eventId: string,
    reason: string,
    log: Logger,
    err?: unknown,
  ): Promise<void> {
    try {
      await this.client.publish(deadLetterSubject(msg.subject), msg.raw, {
        // Per queue group: each service dead-letters its own failure, once.
        eventId: `deadletter:${this.queueGroupName}:${eventId}`,
        headers: {
          [DeadLetterHeaders.Reason]: oneLine(reason),
          [DeadLetterHeaders.OriginalSubject]: msg.subject,
          [DeadLetterHeaders.OriginalSequence]: String(msg.sequence),
          [DeadLetterHeaders.OriginalEventId]: eventId,
          [DeadLetterHeaders.DeliveryCount]: String(msg.deliveryCount),
          [DeadLetterHeaders.QueueGroup]: this.queueGroupName,
        },
      });
    } catch (publishErr) {
      const retryInMs = this.retryDelay(msg.deliveryCount);
      log.error({ err: publishErr, reason, retryInMs }, 'could not dead-letter; will retry');
      msg.nak(retryInMs);
      return;
    }
    log.error({ err, reason, deadLetter: deadLetterSubject(msg.subject) }, 'event dead-lettered');
    msg.term();
  }
}
