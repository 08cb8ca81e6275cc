import { type Connection, type Model, Schema, type Types } from 'mongoose';

/** One event waiting in (or already sent from) the outbox: collection `outbox_events`. */
export interface OutboxEventRecord {
  /** Client-generated ObjectId: the relay publishes in `_id` order. */
  _id: Types.ObjectId;
  /** UUID; the broker's de-duplication id and the listener's `msg.eventId`. */
  eventId: string;
  subject: string;
  /** The event's data, serialized once at record time so a republish is byte-identical. */
  payload: string;
  createdAt: Date;
  /** Null while pending. */
  publishedAt: Date | null;
  /** Failed publish attempts (a publish that succeeded is not counted). */
  attempts: number;
  lastError?: string;
}

/** The relay lease: collection `outbox_leases`, one document per lease name. */
export interface OutboxLeaseRecord {
  _id: string;
  owner: string;
  expiresAt: Date;
}

/** One event a queue group has handled: collection `inbox_events`. */
export interface InboxEventRecord {
  /** `<queueGroup>:<eventId>`: the uniqueness of `_id` is what makes an effect happen once. */
  _id: string;
  subject: string;
  processedAt: Date;
}

/**
 * How long an inbox record is kept. Redeliveries stop after the listener's bounded
 * tries and a relay republishes only what it failed to mark seconds ago, so a week is
 * far beyond any duplicate that can still arrive.
 */
const INBOX_RETENTION_SECONDS = 7 * 24 * 60 * 60;

const outboxEventSchema = new Schema<OutboxEventRecord>(
  {
    eventId: { type: String, required: true },
    subject: { type: String, required: true },
    payload: { type: String, required: true },
    createdAt: { type: Date, required: true },
    publishedAt: { type: Date, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String },
  },
  { collection: 'outbox_events', versionKey: false },
);
outboxEventSchema.index({ eventId: 1 }, { unique: true });
// Serves both the relay's "pending in _id order" (publishedAt = null) and pruning
// (publishedAt < cutoff). A plain index rather than a partial one: published events are
// pruned, so the index stays small, and partial filters on null are not portable.
outboxEventSchema.index({ publishedAt: 1, _id: 1 });

const outboxLeaseSchema = new Schema<OutboxLeaseRecord>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'outbox_leases', versionKey: false },
);

const inboxEventSchema = new Schema<InboxEventRecord>(
  {
    _id: { type: String, required: true },
    subject: { type: String, required: true },
    processedAt: { type: Date, required: true },
  },
  { collection: 'inbox_events', versionKey: false },
);
inboxEventSchema.index({ processedAt: 1 }, { expireAfterSeconds: INBOX_RETENTION_SECONDS });

function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  const existing = connection.models[name];
  return (existing as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** The `outbox_events` model on this connection (registered on first use). */
export function outboxEventModel(connection: Connection): Model<OutboxEventRecord> {
  return modelOn(connection, 'OutboxEvent', outboxEventSchema);
}

/** The `outbox_leases` model on this connection (registered on first use). */
export function outboxLeaseModel(connection: Connection): Model<OutboxLeaseRecord> {
  return modelOn(connection, 'OutboxLease', outboxLeaseSchema);
}

/** The `inbox_events` model on this connection (registered on first use). */
export function inboxEventModel(connection: Connection): Model<InboxEventRecord> {
  return modelOn(connection, 'InboxEvent', inboxEventSchema);
}

/**
 * Creates the outbox, lease and inbox collections and their indexes. Call it once at
 * start-up, after connecting and before serving: a transaction can't be relied on to
 * create a collection (MongoDB < 4.4 refuses, and an index build would race it).
 */
export async function ensureOutboxCollections(connection: Connection): Promise<void> {
  await Promise.all([
    outboxEventModel(connection).init(),
    outboxLeaseModel(connection).init(),
    inboxEventModel(connection).init(),
  ]);
}
