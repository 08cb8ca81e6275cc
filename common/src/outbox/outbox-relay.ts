import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import type { MessagingClient } from '../messaging/messaging-client';
import { silentLogger } from '../messaging/silent-logger';
import { onOutboxCommit } from './commit-signal';
import {
  type OutboxEventRecord,
  type OutboxLeaseRecord,
  outboxEventModel,
  outboxLeaseModel,
} from './outbox-models';

/** Options for {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  /** The connection the services' transactions (and so the outbox) use. */
  connection: Connection;
  /**
   * The messaging client, or a getter read before every batch (e.g.
   * `() => natsWrapper.client`; a getter that throws counts as "broker unavailable").
   */
  client: MessagingClient | (() => MessagingClient);
  logger?: Logger;
  /** How often to look for events nobody nudged about (other replicas' commits, a crash's leftovers). Default 500 ms. */
  pollIntervalMs?: number;
  /** Events loaded and published per batch. Default 100. */
  batchSize?: number;
  /** Relays sharing a lease name (one service's replicas) take turns: one publishes at a time. Default `outbox-relay`. */
  leaseName?: string;
  /**
   * How long a lease lasts without renewal: the longest a crashed leader's replica
   * stalls publishing. Replicas' clocks must agree to well within it. Default 10 s.
   */
  leaseTtlMs?: number;
  /** Back-off after the first failure; it doubles per consecutive failure. Default 250 ms. */
  retryDelayMs?: number;
  /** Back-off cap. Default 10 s. */
  maxRetryDelayMs?: number;
  /** Delete published events older than this; `null` keeps them. Default 24 h. */
  pruneAfterMs?: number | null;
}

/** What {@link OutboxRelay.status} reports (for `/readyz` bodies and logs). */
export interface OutboxRelayStatus {
  running: boolean;
  /** Holds the lease: this replica is the one publishing. */
  leader: boolean;
  /** Events not yet published; absent when the database could not be asked. */
  pending?: number;
  /** The error of the current run of failures; absent while publishing works. */
  lastError?: string;
  /** When the current run of failures began. */
  failingSince?: Date;
}

/** Events an {@link OutboxRelay} emits. */
export interface OutboxRelayEvents {
  /** A batch was published: the event ids, in publish order. */
  published: [eventIds: string[]];
  /** Publishing (or reading the outbox) failed; it is retried after back-off. */
  failed: [error: Error];
  /** Publishing works again after failures. */
  resumed: [];
}

const DEFAULTS = {
  pollIntervalMs: 500,
  batchSize: 100,
  leaseName: 'outbox-relay',
  leaseTtlMs: 10_000,
  retryDelayMs: 250,
  maxRetryDelayMs: 10_000,
  pruneAfterMs: 24 * 60 * 60 * 1000,
};

/** Pruning is housekeeping: at most once a minute (more often only for a shorter retention). */
const PRUNE_EVERY_MS = 60_000;

type BatchOutcome = 'idle' | 'done' | 'more' | 'failed' | 'not-leader';

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}

/**
 * Publishes what the {@link Outbox} stored, in `_id` order, each with its event id as
 * the broker's de-duplication id, then marks it published.
 *
 * - A publish failure (broker down) ends the batch there, so nothing overtakes the
 *   failed event; it is counted on the event (`attempts`, `lastError`) and retried with
 *   a doubling back-off. Events are never dropped.
 * - A crash after a publish and before its mark republishes that event with the same
 *   id: the broker drops it within its de-duplication window; an inbox
 *   ({@link processOnce}) covers anything later.
 * - Replicas of one service share a lease (`outbox_leases`), taken and renewed by an
 *   atomic conditional update; only its holder publishes, so order holds across
 *   replicas. `stop()` hands the lease back at once.
 * - Order is `_id` order: record order within a process. Across replicas, ObjectIds of
 *   the same second are not ordered, so listeners rely on versions for per-entity order.
 *
 * @example
 * const relay = new OutboxRelay({ connection: mongoose.connection, client: () => natsWrapper.client, logger });
 * relay.start();
 * // on shutdown, before closing NATS and MongoDB:
 * await relay.stop();
 */
export class OutboxRelay extends EventEmitter<OutboxRelayEvents> {
  private readonly events: Model<OutboxEventRecord>;
  private readonly leases: Model<OutboxLeaseRecord>;
  private readonly getClient: () => MessagingClient;
  private readonly logger: Logger;
  private readonly settings: Omit<typeof DEFAULTS, 'pruneAfterMs'> & {
    pruneAfterMs: number | null;
  };
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  private running = false;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private nudged = false;
  private wake: ((byNudge: boolean) => void) | undefined;
  private leaseValidUntil = 0;
  private leader = false;
  private failures = 0;
  private lastError: string | undefined;
  private failingSince: Date | undefined;
  private lastPruneAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    super();
    this.events = outboxEventModel(options.connection);
    this.leases = outboxLeaseModel(options.connection);
    const { client } = options;
    this.getClient = typeof client === 'function' ? client : () => client;
    this.logger = (options.logger ?? silentLogger).child({ component: 'outbox-relay' });
    this.settings = {
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      batchSize: options.batchSize ?? DEFAULTS.batchSize,
      leaseName: options.leaseName ?? DEFAULTS.leaseName,
      leaseTtlMs: options.leaseTtlMs ?? DEFAULTS.leaseTtlMs,
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
      pruneAfterMs:
        options.pruneAfterMs === undefined ? DEFAULTS.pruneAfterMs : options.pruneAfterMs,
    };
  }

  /** Starts the publishing loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = onOutboxCommit(this.options.connection, () => this.nudge());
    this.loop = this.run();
  }

  /**
   * Stops the loop: waits for the publish in flight, leaves the rest pending (another
   * replica or the next start sends it) and releases the lease. Call it on shutdown
   * before draining the messaging client and closing MongoDB.
   */
  async stop(): Promise<void> {
    if (!this.running) return this.loop;
    this.running = false;
    this.unsubscribe?.();
    this.wake?.(false);
    await this.loop;
  }

  /** Publish now rather than at the next poll (called by itself after commits that recorded events). */
  nudge(): void {
    if (!this.running) return;
    this.nudged = true;
    this.wake?.(true);
  }

  /** Current state; counts pending events with one indexed query. */
  async status(): Promise<OutboxRelayStatus> {
    const status: OutboxRelayStatus = {
      running: this.running,
      leader: this.leader && Date.now() < this.leaseValidUntil,
    };
    try {
      status.pending = await this.events.countDocuments({ publishedAt: null });
    } catch {
      // Readiness reports the database on its own; the count is a nicety.
    }
    if (this.lastError !== undefined) status.lastError = this.lastError;
    if (this.failingSince) status.failingSince = this.failingSince;
    return status;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let outcome: BatchOutcome;
      try {
        outcome = await this.publishBatch();
      } catch (err) {
        // Reading or marking the outbox failed (MongoDB unavailable): same back-off.
        this.recordFailure(toError(err));
        outcome = 'failed';
      }
      if (!this.running) break;
      if (outcome === 'more') continue;
      if (outcome === 'failed') {
        // Nudges don't shorten a back-off: each commit would otherwise hit a dead broker.
        await this.sleep(this.backoffMs(), false);
      } else {
        await this.sleep(this.settings.pollIntervalMs, outcome !== 'not-leader');
      }
    }
    await this.releaseLease();
  }

  private async publishBatch(): Promise<BatchOutcome> {
    if (!(await this.holdLease())) return 'not-leader';
    await this.pruneIfDue();
    this.nudged = false;
    const batch = await this.events
      .find({ publishedAt: null })
      .sort({ _id: 1 })
      .limit(this.settings.batchSize)
      .lean<OutboxEventRecord[]>();
    if (batch.length === 0) {
      this.recovered();
      return 'idle';
    }
    const published: string[] = [];
    try {
      for (const event of batch) {
        // Stopping or losing the lease ends the batch between events, never inside one.
        if (!this.running || !(await this.holdLease())) return 'not-leader';
        try {
          const client = this.getClient();
          await client.publish(event.subject, event.payload, { eventId: event.eventId });
        } catch (err) {
          await this.noteAttempt(event, toError(err));
          return 'failed';
        }
        await this.events.updateOne({ _id: event._id }, { $set: { publishedAt: new Date() } });
        published.push(event.eventId);
      }
    } finally {
      if (published.length > 0) this.emit('published', published);
    }
    this.recovered();
    return batch.length === this.settings.batchSize ? 'more' : 'done';
  }

  private async noteAttempt(event: OutboxEventRecord, err: Error): Promise<void> {
    this.recordFailure(err, { eventId: event.eventId, attempts: event.attempts + 1 });
    try {
      await this.events.updateOne(
        { _id: event._id },
        { $inc: { attempts: 1 }, $set: { lastError: err.message.slice(0, 1_000) } },
      );
    } catch {
      // Bookkeeping only: the event stays pending either way.
    }
  }

  private recordFailure(err: Error, context: Record<string, unknown> = {}): void {
    this.failures += 1;
    this.lastError = err.message;
    if (this.failures === 1) {
      this.failingSince = new Date();
      this.logger.warn(
        { err, ...context },
        'outbox relay: cannot publish; events stay in the outbox and are retried',
      );
    } else {
      this.logger.debug({ err, failures: this.failures, ...context }, 'outbox relay: retry failed');
    }
    // Without a listener EventEmitter throws on 'error'; this event is named 'failed' on purpose.
    this.emit('failed', err);
  }

  private recovered(): void {
    if (this.failures === 0) return;
    this.logger.info(
      { failures: this.failures, failingSince: this.failingSince },
      'outbox relay: publishing resumed',
    );
    this.failures = 0;
    this.lastError = undefined;
    this.failingSince = undefined;
    this.emit('resumed');
  }

  private backoffMs(): number {
    const { retryDelayMs, maxRetryDelayMs } = this.settings;
    return Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(30, this.failures - 1));
  }

  /**
   * True while this relay holds the lease, taking or renewing it when less than half
   * its time is left. `leaseValidUntil` counts from before the request was sent, so a
   * slow answer only shortens what this relay believes it holds.
   */
  private async holdLease(): Promise<boolean> {
    const { leaseTtlMs, leaseName } = this.settings;
    const now = Date.now();
    if (this.leaseValidUntil - now > leaseTtlMs / 2) return true;
    try {
      await this.leases.findOneAndUpdate(
        { _id: leaseName, $or: [{ owner: this.owner }, { expiresAt: { $lte: new Date(now) } }] },
        { $set: { owner: this.owner, expiresAt: new Date(now + leaseTtlMs) } },
        { upsert: true },
      );
    } catch (err) {
      // The lease exists, held by someone else: the upsert's insert collides on _id.
      if (!isDuplicateKey(err)) throw err;
      this.setLeader(false);
      return false;
    }
    this.leaseValidUntil = now + leaseTtlMs;
    this.setLeader(true);
    return true;
  }

  private setLeader(leader: boolean): void {
    if (!leader) this.leaseValidUntil = 0;
    if (leader === this.leader) return;
    this.leader = leader;
    this.logger.info(
      { owner: this.owner, lease: this.settings.leaseName },
      leader ? 'outbox relay: took the lease; publishing' : 'outbox relay: lease held elsewhere',
    );
  }

  private async releaseLease(): Promise<void> {
    if (!this.leader) return;
    this.setLeader(false);
    try {
      await this.leases.updateOne(
        { _id: this.settings.leaseName, owner: this.owner },
        { $set: { expiresAt: new Date(0) } },
      );
    } catch (err) {
      // It expires by itself; another replica just waits a little longer.
      this.logger.warn({ err }, 'outbox relay: could not release the lease');
    }
  }

  private async pruneIfDue(): Promise<void> {
    const { pruneAfterMs } = this.settings;
    const now = Date.now();
    if (pruneAfterMs === null || now - this.lastPruneAt < Math.min(PRUNE_EVERY_MS, pruneAfterMs)) {
      return;
    }
    this.lastPruneAt = now;
    const { deletedCount } = await this.events.deleteMany({
      publishedAt: { $ne: null, $lt: new Date(now - pruneAfterMs) },
    });
    if (deletedCount > 0)
      this.logger.debug({ deletedCount }, 'outbox relay: pruned published events');
  }

  private sleep(ms: number, wakeOnNudge: boolean): Promise<void> {
    if (wakeOnNudge && this.nudged) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = (byNudge) => {
        if (!byNudge || wakeOnNudge) done();
      };
    });
  }
}
