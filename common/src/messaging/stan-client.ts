import { connect as stanConnect } from 'node-nats-streaming';
import type { Logger } from 'pino';
import type {
  ConnectionStatus,
  IncomingMessage,
  MessageHandler,
  MessagingClient,
  PublishOptions,
  SubscribeOptions,
  Subscription,
} from './messaging-client';
import { PublishError } from './messaging-client';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  type StanConfig,
} from './messaging-config';
import { StatusEmitter } from './status-emitter';

/*
 * The slice of node-nats-streaming this transport uses. Declared here so tests can
 * hand in a fake client; the real `connect` satisfies it.
 */

/** A received NATS Streaming message. */
export interface StanMessageLike {
  getSubject(): string;
  getSequence(): number;
  getRawData(): Buffer;
  isRedelivered(): boolean;
  ack(): void;
}

/** NATS Streaming subscription options (the builder the client returns). */
export interface StanSubscriptionOptionsLike {
  setDeliverAllAvailable(): StanSubscriptionOptionsLike;
  setManualAckMode(manual: boolean): StanSubscriptionOptionsLike;
  setAckWait(millis: number): StanSubscriptionOptionsLike;
  setDurableName(name: string): StanSubscriptionOptionsLike;
}

/** A NATS Streaming subscription. */
export interface StanSubscriptionLike {
  on(event: 'message', listener: (msg: StanMessageLike) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** Leaves the durable (queue) subscription in place on the server. */
  close(): void;
}

/** A NATS Streaming connection. */
export interface StanConnectionLike {
  // 'error' and 'connection_lost' pass an Error; the other events pass nothing.
  on(event: string, listener: (err: Error) => void): unknown;
  once(event: string, listener: (err: Error) => void): unknown;
  removeListener(event: string, listener: (err: Error) => void): unknown;
  publish(
    subject: string,
    data: Uint8Array | string,
    callback: (err: Error | undefined, guid: string) => void,
  ): string;
  subscriptionOptions(): StanSubscriptionOptionsLike;
  subscribe(
    subject: string,
    queueGroup: string,
    options: StanSubscriptionOptionsLike,
  ): StanSubscriptionLike;
  close(): void;
}

/** Options that match the server flags `-hbi 5s -hbt 5s -hbf 2`. */
export interface StanConnectOptions {
  url: string;
  connectTimeout: number;
  ackTimeout: number;
  stanPingInterval: number;
  stanMaxPingOut: number;
  reconnect: boolean;
  maxReconnectAttempts: number;
  reconnectTimeWait: number;
  waitOnFirstConnect: boolean;
}

/** Opens a NATS Streaming connection (node-nats-streaming's `connect`, or a fake). */
export type StanConnect = (
  clusterId: string,
  clientId: string,
  options: StanConnectOptions,
) => StanConnectionLike;

// The cast only hides that our options builder type is opaque: the object handed back
// to subscribe() is always the one the real client's subscriptionOptions() built.
const realConnect: StanConnect = (clusterId, clientId, options) =>
  stanConnect(clusterId, clientId, options) as unknown as StanConnectionLike;

/**
 * NATS Streaming has no headers, so the event id (and dead-letter metadata) travel in
 * a JSON envelope around the payload. The payload is spliced in as text, so what a
 * listener parses is byte-for-byte what the publisher serialized.
 */
interface Envelope {
  eventId: string;
  headers?: Record<string, string>;
  data?: unknown;
  /** A payload that is not JSON (only dead letters of malformed messages carry one). */
  raw?: string;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Wraps a payload in the envelope NATS Streaming messages carry. */
export function encodeStanEnvelope(payload: Uint8Array | string, options: PublishOptions): string {
  const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
  const head = `{"eventId":${JSON.stringify(options.eventId)}${
    options.headers ? `,"headers":${JSON.stringify(options.headers)}` : ''
  }`;
  return isJson(text) ? `${head},"data":${text}}` : `${head},"raw":${JSON.stringify(text)}}`;
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.eventId === 'string' && ('data' in v || 'raw' in v);
}

/** Unwraps an envelope; a message without one (a plain course-style publisher) is taken as the payload itself. */
export function decodeStanEnvelope(text: string): {
  payload: string;
  eventId: string | undefined;
  headers: Record<string, string>;
} {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { payload: text, eventId: undefined, headers: {} };
  }
  if (!isEnvelope(parsed)) return { payload: text, eventId: undefined, headers: {} };
  return {
    payload: parsed.raw ?? JSON.stringify(parsed.data),
    eventId: parsed.eventId,
    headers: parsed.headers ?? {},
  };
}

/** Options beyond the config that a NATS Streaming client takes. */
export interface StanClientOptions {
  logger: Logger;
  /** Replaces node-nats-streaming's `connect` (tests pass a fake). */
  connect?: StanConnect;
}

/** {@link MessagingClient} over NATS Streaming, with the course's durable queue subscriptions. */
export class StanMessagingClient implements MessagingClient {
  readonly transport = 'stan' as const;
  private readonly status = new StatusEmitter();
  private readonly subscriptions = new Set<Subscription>();
  private connected = true;
  private isClosed = false;
  private closing: Promise<void> | undefined;
  private readonly closed: Promise<void>;

  private constructor(
    private readonly stan: StanConnectionLike,
    private readonly logger: Logger,
  ) {
    this.closed = new Promise((resolve) => {
      stan.once('close', () => {
        this.isClosed = true;
        resolve();
      });
    });
    this.watchStatus();
  }

  /** Connects; rejects when the server doesn't answer within the connect timeout. */
  static connect(config: StanConfig, options: StanClientOptions): Promise<StanMessagingClient> {
    const url = typeof config.url === 'string' ? config.url : config.url[0];
    if (!url) return Promise.reject(new Error('NATS Streaming needs a url'));
    const connectTimeout = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const stan = (options.connect ?? realConnect)(config.clusterId, config.clientId, {
      url,
      connectTimeout,
      ackTimeout: config.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
      stanPingInterval: 5_000,
      stanMaxPingOut: 2,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      waitOnFirstConnect: false,
    });
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        stan.removeListener('error', onError);
        resolve(new StanMessagingClient(stan, options.logger));
      };
      const onError = (err: Error) => {
        stan.removeListener('connect', onConnect);
        // The client would otherwise keep its NATS connection (and the process) alive.
        try {
          stan.close();
        } catch {
          // Already closed: nothing to release.
        }
        reject(
          new Error(
            `Cannot connect to NATS Streaming cluster ${config.clusterId} at ${url}: ${err.message}`,
            { cause: err },
          ),
        );
      };
      stan.once('connect', onConnect);
      stan.once('error', onError);
    });
  }

  publish(subject: string, payload: Uint8Array | string, options: PublishOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.stan.publish(subject, encodeStanEnvelope(payload, options), (err) => {
          if (err) reject(new PublishError(subject, options.eventId, err));
          else resolve();
        });
      } catch (err) {
        reject(new PublishError(subject, options.eventId, err));
      }
    });
  }

  async subscribe(
    subject: string,
    queueGroup: string,
    options: SubscribeOptions,
    handler: MessageHandler,
  ): Promise<Subscription> {
    if (this.closing) throw new Error('Cannot subscribe: the messaging client is closing');
    const subscriptionOptions = this.stan
      .subscriptionOptions()
      .setDeliverAllAvailable()
      .setManualAckMode(true)
      .setAckWait(options.ackWaitMs)
      .setDurableName(queueGroup);
    const sub = this.stan.subscribe(subject, queueGroup, subscriptionOptions);
    const log = this.logger.child({ subject, queueGroup });
    // STAN only says "redelivered", not how often: count per sequence while this process lives.
    const deliveries = new Map<number, number>();
    const inFlight = new Set<Promise<void>>();
    let stopping = false;

    sub.on('error', (err) => log.error({ err }, 'subscription error'));
    sub.on('message', (m) => {
      if (stopping) return;
      const sequence = m.getSequence();
      const previous = deliveries.get(sequence) ?? (m.isRedelivered() ? 1 : 0);
      const deliveryCount = previous + 1;
      deliveries.set(sequence, deliveryCount);
      const done = () => deliveries.delete(sequence);
      const text = m.getRawData().toString('utf8');
      const { payload, eventId, headers } = decodeStanEnvelope(text);
      const incoming: IncomingMessage = {
        subject: m.getSubject(),
        raw: Buffer.from(payload, 'utf8'),
        text: () => payload,
        eventId,
        sequence,
        deliveryCount,
        headers,
        ack: () => {
          done();
          m.ack();
        },
        // No delayed redelivery in STAN: the ack wait brings it back.
        nak: () => undefined,
        term: () => {
          done();
          m.ack();
        },
      };
      // Handled as they arrive, as the course's listeners are; the base listener catches.
      const work = handler(incoming)
        .catch((err: unknown) => log.error({ err, sequence }, 'message handler failed'))
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    });

    const subscription: Subscription = {
      close: async () => {
        stopping = true;
        this.subscriptions.delete(subscription);
        sub.close();
        await Promise.all(inFlight);
      },
    };
    this.subscriptions.add(subscription);
    log.info('subscribed');
    return subscription;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.status.on(listener);
  }

  isConnected(): boolean {
    return this.connected;
  }

  drain(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      if (!this.isClosed) {
        this.stan.close();
        await this.closed;
      }
    })();
    return this.closing;
  }

  close(): Promise<void> {
    return this.drain();
  }

  private watchStatus(): void {
    this.stan.on('disconnect', () => {
      this.connected = false;
      this.logger.warn('messaging: disconnected');
      this.status.emit({ type: 'disconnect' });
    });
    this.stan.on('reconnecting', () => this.status.emit({ type: 'reconnecting' }));
    this.stan.on('reconnect', () => {
      this.connected = true;
      this.logger.info('messaging: reconnected');
      this.status.emit({ type: 'reconnect' });
    });
    this.stan.on('connection_lost', (err: Error) => {
      this.connected = false;
      this.logger.error({ err }, 'messaging: streaming connection lost');
      this.status.emit({ type: 'error', error: err });
    });
    this.stan.on('error', (err: Error) => {
      this.logger.error({ err }, 'messaging: connection error');
      this.status.emit({ type: 'error', error: err });
    });
    this.stan.on('close', () => {
      this.connected = false;
      this.logger.info('messaging: connection closed');
      this.status.emit({ type: 'close' });
    });
  }
}
