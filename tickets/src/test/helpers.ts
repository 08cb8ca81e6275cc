import {
  createLogger,
  createProbeRouter,
  ensureOutboxCollections,
  outboxEventModel,
  outboxServiceReadinessChecks,
  type ProbeRouter,
  signSessionJwt,
} from '@ticketing/common';
import { type MongoHandle, sessionCookie, useMongooseDatabase } from '@ticketing/test-helpers';
import type { Express } from 'express';
import mongoose from 'mongoose';
import { buildApp } from '../app';
import { Ticket, type TicketAttrs, type TicketDoc } from '../models/ticket';

export { fakeMessage } from '@ticketing/test-helpers';

export const TEST_JWT_KEY = 'test-jwt-key';

/** The app as index.ts builds it, with a silent logger and probes that see Mongo only. */
export function buildTestApp(overrides: { probes?: ProbeRouter } = {}): Express {
  return buildApp({
    config: { jwtKey: TEST_JWT_KEY, cookieSecure: false },
    logger: createLogger({ service: 'tickets', level: 'silent' }),
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
    dbName: 'tickets',
    prepare: () => Promise.all([Ticket.init(), ensureOutboxCollections(mongoose.connection)]),
  });
}

/** A fresh ObjectId as a string (user ids, order ids, unknown ticket ids). */
export function newId(): string {
  return new mongoose.Types.ObjectId().toHexString();
}

/**
 * A real session cookie, as auth would set it: a JWT signed with the test key
 * inside cookie-session's base64 JSON. Each call without an id is a new user.
 */
export function signin(id: string = newId(), email = 'test@test.com'): string {
  return sessionCookie(signSessionJwt({ id, email }, TEST_JWT_KEY, 900));
}

/** Stores a ticket directly (no route, no event), with defaults for what the test doesn't care about. */
export async function buildTicket(
  overrides: Partial<TicketAttrs> & { orderId?: string } = {},
): Promise<TicketDoc> {
  const { orderId, ...attrs } = overrides;
  const ticket = Ticket.build({ title: 'concert', price: 20, userId: newId(), ...attrs });
  if (orderId !== undefined) ticket.set({ orderId });
  await ticket.save();
  return ticket;
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
