import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  PubHeaders,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { headers, type NatsConnection, nanos } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { Subjects } from '../events/subjects';
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
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  DEFAULT_STREAM_NAME,
  type JetStreamConfig,
} from './messaging-config';
import { StatusEmitter } from './status-emitter';

/**
 * How many messages a pull consumer holds client-side. Handling is one at a time, so
 * a buffered message's ack wait is already running: keep the buffer modest.
 */
const DEFAULT_PREFETCH = 64;

/** The durable consumer name for one queue group on one subject (`orders-service--ticket-created`). */
export function durableName(queueGroup: string, subject: string): string {
  const safe = (s: string) => s.replace(/[.*>\s]/g, '-');
  return `${safe(queueGroup)}--${safe(subject)}`;
}

/** Every subject the stream holds: the event subjects and their dead letters. */
export function streamSubjects(): string[] {
  return [...Object.values(Subjects), 'deadletter.>'];
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

function toRecord(msg: JsMsg): Record<string, string> {
  const out: Record<string, string> = {};
  if (msg.headers) {
    for (const [key, values] of msg.headers) {
      const first = values[0];
      if (first !== undefined) out[key] = first;
    }
  }
  return out;
}

function toIncoming(msg: JsMsg): IncomingMessage {
  let cachedHeaders: Record<string, string> | undefined;
  return {
    subject: msg.subject,
    raw: msg.data,
    text: () => msg.string(),
    eventId: msg.headers?.get(PubHeaders.MsgIdHdr) || undefined,
    sequence: msg.seq,
    deliveryCount: msg.info.deliveryCount,
    get headers() {
      cachedHeaders ??= toRecord(msg);
      return cachedHeaders;
    },
    ack: () => msg.ack(),
    nak: (delayMs) => msg.nak(delayMs),
    // No reason text: nats-server 2.9 only recognises a bare +TERM.
    term: () => msg.term(),
  };
}

/** Options beyond the config that a JetStream client takes. */
export interface JetStreamClientOptions {
  logger: Logger;
  /** Messages a subscription holds client-side (default 64). */
  prefetch?: number;
}

/** {@link MessagingClient} over NATS JetStream: one file-backed stream, one durable pull consumer per (queue group, subject). */
export class JetStreamMessagingClient implements MessagingClient {
  readonly transport = 'jetstream' as const;
  private readonly status = new StatusEmitter();
  private readonly subscriptions = new Set<Subscription>();
  private connected = true;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly streamName: string,
    private readonly publishTimeoutMs: number,
    private readonly prefetch: number,
    private readonly logger: Logger,
  ) {
    this.watchStatus().catch((err: unknown) =>
      this.logger.error({ err }, 'messaging: status watcher stopped'),
    );
  }

  /** Connects, then creates or updates the stream so it holds every event subject. */
  static async connect(
    config: JetStreamConfig,
    options: JetStreamClientOptions,
  ): Promise<JetStreamMessagingClient> {
    const servers = typeof config.url === 'string' ? [config.url] : [...config.url];
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers,
        name: config.clientId,
        timeout: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        // Once up, never give up: an outage delays events, it must not kill the process.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
      });
    } catch (err) {
      throw new Error(
        `Cannot connect to NATS at ${servers.join(', ')}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    try {
      const jsm = await jetstreamManager(nc);
      const streamName = config.streamName ?? DEFAULT_STREAM_NAME;
      await ensureStream(jsm, streamName, config.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS);
      return new JetStreamMessagingClient(
        nc,
        jetstream(nc),
        jsm,
        streamName,
        config.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
        options.prefetch ?? DEFAULT_PREFETCH,
        options.logger,
      );
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  async publish(
    subject: string,
    payload: Uint8Array | string,
    options: PublishOptions,
  ): Promise<void> {
    let hdrs: ReturnType<typeof headers> | undefined;
    if (options.headers) {
      hdrs = headers();
      for (const [key, value] of Object.entries(options.headers)) hdrs.set(key, value);
    }
    try {
      await this.js.publish(subject, payload, {
        msgID: options.eventId,
        timeout: this.publishTimeoutMs,
        ...(hdrs ? { headers: hdrs } : {}),
      });
    } catch (err) {
      throw new PublishError(subject, options.eventId, err);
    }
  }

  async subscribe(
    subject: string,
    queueGroup: string,
    options: SubscribeOptions,
    handler: MessageHandler,
  ): Promise<Subscription> {
    if (this.closing) throw new Error('Cannot subscribe: the messaging client is closing');
    const durable = durableName(queueGroup, subject);
    await this.ensureConsumer(durable, subject, options);
    const consumer = await this.js.consumers.get(this.streamName, durable);
    const messages = await consumer.consume({ max_messages: this.prefetch });
    const log = this.logger.child({ subject, queueGroup, consumer: durable });
    this.watchConsumer(messages, log).catch((err: unknown) =>
      log.warn({ err }, 'consumer status watcher stopped'),
    );

    let stopping = false;
    const loop = (async () => {
      try {
        for await (const m of messages) {
          // Hand buffered messages straight back so another replica can take them now.
          if (stopping) {
            m.nak();
            continue;
          }
          try {
            await handler(toIncoming(m));
          } catch (err) {
            log.error({ err, sequence: m.seq }, 'message handler failed');
          }
        }
      } catch (err) {
        log.error({ err }, 'consumer stopped with an error');
      }
    })();

    const subscription: Subscription = {
      close: async () => {
        if (stopping) return loop;
        stopping = true;
        this.subscriptions.delete(subscription);
        await messages.close();
        await loop;
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
    return this.connected && !this.nc.isClosed();
  }

  drain(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      if (!this.nc.isClosed()) {
        try {
          await this.nc.drain();
        } catch (err) {
          // Draining a connection that is down can't flush; closing is all that is left.
          this.logger.warn({ err }, 'drain failed; closing the connection');
          await this.nc.close();
        }
      }
    })();
    return this.closing;
  }

  close(): Promise<void> {
    return this.drain();
  }

  private async ensureConsumer(
    durable: string,
    subject: string,
    options: SubscribeOptions,
  ): Promise<void> {
    const wanted: Partial<ConsumerConfig> = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(options.ackWaitMs),
      deliver_policy: DeliverPolicy.All,
      // One more than the listener allows, so it sees the delivery that ran out of tries.
      max_deliver: options.maxDeliver + 1,
      filter_subject: subject,
    };
    let current: ConsumerConfig | undefined;
    try {
      current = (await this.jsm.consumers.info(this.streamName, durable)).config;
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    }
    if (!current) {
      try {
        await this.jsm.consumers.add(this.streamName, wanted);
        return;
      } catch (err) {
        // Another replica created it first; fall through and reconcile with what it made.
        current = (
          await this.jsm.consumers.info(this.streamName, durable).catch(() => {
            throw err;
          })
        ).config;
      }
    }
    if (current.ack_wait !== wanted.ack_wait || current.max_deliver !== wanted.max_deliver) {
      await this.jsm.consumers.update(this.streamName, durable, {
        ack_wait: wanted.ack_wait,
        max_deliver: wanted.max_deliver,
      });
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.connected = false;
          this.logger.warn({ server: s.server }, 'messaging: disconnected');
          this.status.emit({ type: 'disconnect', server: s.server });
          break;
        case 'reconnecting':
          this.status.emit({ type: 'reconnecting' });
          break;
        case 'reconnect':
          this.connected = true;
          this.logger.info({ server: s.server }, 'messaging: reconnected');
          this.status.emit({ type: 'reconnect', server: s.server });
          break;
        case 'error':
          this.logger.error({ err: s.error }, 'messaging: connection error');
          this.status.emit({ type: 'error', error: s.error });
          break;
        default:
          break;
      }
    }
    this.connected = false;
    this.logger.info('messaging: connection closed');
    this.status.emit({ type: 'close' });
  }

  private async watchConsumer(messages: ConsumerMessages, log: Logger): Promise<void> {
    for await (const n of messages.status()) {
      switch (n.type) {
        case 'heartbeats_missed':
        case 'consumer_not_found':
        case 'stream_not_found':
        case 'consumer_deleted':
          log.warn({ notification: n }, 'consumer notification');
          break;
        default:
          break;
      }
    }
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  duplicateWindowMs: number,
): Promise<void> {
  const subjects = streamSubjects();
  let existing: string[] | undefined;
  try {
    existing = (await jsm.streams.info(name)).config.subjects;
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
  }
  if (!existing) {
    try {
      await jsm.streams.add({
        name,
        subjects,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(duplicateWindowMs),
      });
      return;
    } catch (err) {
      // Created concurrently by another service starting up.
      existing = (
        await jsm.streams.info(name).catch(() => {
          throw err;
        })
      ).config.subjects;
    }
  }
  const missing = subjects.filter((s) => !existing.includes(s));
  if (missing.length > 0) {
    await jsm.streams.update(name, { subjects: [...existing, ...missing] });
  }
}
