import {
  createLogger,
  createProbeRouter,
  ensureOutboxCollections,
  OrderStatus,
  outboxEventModel,
  outboxServiceReadinessChecks,
  type ProbeRouter,
  signSessionJwt,
} from '@ticketing/common';
import { type MongoHandle, sessionCookie, useMongooseDatabase } from '@ticketing/test-helpers';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { buildApp } from '../app';
import { Order, type OrderDoc } from '../models/order';
import { Ticket, type TicketAttrs, type TicketDoc } from '../models/ticket';

export { fakeMessage } from '@ticketing/test-helpers';

export const TEST_JWT_KEY = 'test-jwt-key';
export const TEST_EXPIRATION_WINDOW_SECONDS = 900;

/** The app as index.ts builds it, with a silent logger and probes that see Mongo only. */
export function buildTestApp(overrides: { probes?: ProbeRouter } = {}): Express {
  return buildApp({
    config: {
      jwtKey: TEST_JWT_KEY,
      cookieSecure: false,
      expirationWindowSeconds: TEST_EXPIRATION_WINDOW_SECONDS,
    },
    logger: createLogger({ service: 'orders', level: 'silent' }),
    probes:
      overrides.probes ??
      createProbeRouter({
        checks: outboxServiceReadinessChecks({
          connection: mongoose.connection,
          listenersSubscribed: () => true,
          messaging: { isConnected: () => true },
          relayStatus: async () => undefined,
        }),
      }),
  });
}

/**
 * A MongoDB replica set for this test file (transactions need one), mongoose connected
 * with the indexes and outbox collections in place, every collection emptied before each test.
 */
export function useTestDatabase(): () => MongoHandle {
  return useMongooseDatabase(mongoose, {
    dbName: 'orders',
    prepare: () =>
      Promise.all([Ticket.init(), Order.init(), ensureOutboxCollections(mongoose.connection)]),
  });
}

/** A fresh ObjectId as a string (user ids, ticket ids, unknown order ids). */
export function newId(): string {
  return new mongoose.Types.ObjectId().toHexString();
}

/**
 * A real session cookie, as auth would set it: a JWT signed with the test key inside
 * cookie-session's base64 JSON. Each call without an id is a new user.
 */
export function signin(id: string = newId(), email = 'test@test.com'): string {
  return sessionCookie(signSessionJwt({ id, email }, TEST_JWT_KEY, 900));
}

/** Stores a ticket replica directly (as ticket.created would), with defaults for what the test doesn't care about. */
export async function buildTicket(overrides: Partial<TicketAttrs> = {}): Promise<TicketDoc> {
  return Ticket.createReplica({
    id: newId(),
    title: 'concert',
    price: 20,
    version: 0,
    ...overrides,
  });
}

/** Stores an order directly (no route, no event) for a ticket built unless given. */
export async function buildOrder(
  overrides: { userId?: string; status?: OrderStatus; expiresAt?: Date; ticket?: TicketDoc } = {},
): Promise<OrderDoc> {
  const order = Order.build({
    userId: overrides.userId ?? newId(),
    status: overrides.status ?? OrderStatus.Created,
    expiresAt: overrides.expiresAt ?? new Date(Date.now() + 15 * 60_000),
    ticket: overrides.ticket ?? (await buildTicket()),
  });
  await order.save();
  return order;
}

/** One event as the outbox stored it, payload parsed. */
export interface RecordedEvent {
  eventId: string;
  subject: string;
  data: unknown;
  publishedAt: Date | null;
}

/** Every event in the outbox, in record order. */
export async function recordedEvents(): Promise<RecordedEvent[]> {
  const records = await outboxEventModel(mongoose.connection).find().sort({ _id: 1 }).lean();
  return records.map((record) => ({
    eventId: record.eventId,
    subject: record.subject,
    data: JSON.parse(record.payload),
    publishedAt: record.publishedAt,
  }));
}
