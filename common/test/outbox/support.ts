import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import type { TicketCreatedEvent } from '../../src/events';

export type TicketData = TicketCreatedEvent['data'];

let counter = 0;
export function buildTicketData(overrides: Partial<TicketData> = {}): TicketData {
  counter += 1;
  return {
    id: new mongoose.Types.ObjectId().toHexString(),
    version: 0,
    title: `concert ${counter}`,
    price: 10 + counter,
    userId: 'user-1',
    ...overrides,
  };
}

/** A fresh database on the shared server, so tests never see each other's documents. */
export async function connectFreshDb(uri: string): Promise<Connection> {
  return mongoose
    .createConnection(uri, { dbName: `outbox-${randomUUID().slice(0, 8)}` })
    .asPromise();
}

interface TicketDoc {
  title: string;
  price: number;
  userId: string;
}

const ticketSchema = new Schema<TicketDoc>(
  { title: String, price: Number, userId: String },
  { collection: 'tickets' },
);

interface EffectDoc {
  _id: string;
  count: number;
}

const effectSchema = new Schema<EffectDoc>(
  { _id: String, count: Number },
  { collection: 'effects', versionKey: false },
);

function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** A stand-in for a service's own state, changed in the same transaction as the outbox. */
export function ticketModel(connection: Connection): Model<TicketDoc> {
  return modelOn(connection, 'Ticket', ticketSchema);
}

/** Counts how many times a listener's effect ran per ticket id. */
export function effectModel(connection: Connection): Model<EffectDoc> {
  return modelOn(connection, 'Effect', effectSchema);
}

/**
 * Polls until `check` resolves true. The deadline (below jest's 30 s test timeout) only
 * turns a hang into a failure that also stops the polling, so jest can exit.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what = 'condition',
  deadlineMs = 20_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
