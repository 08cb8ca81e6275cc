import {
  createLogger,
  createProbeRouter,
  type Logger,
  mongoReadinessCheck,
  type ProbeRouter,
} from '@ticketing/common';
import { type MongoHandle, useMongooseDatabase } from '@ticketing/test-helpers';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { buildApp } from '../app';
import { User } from '../models/user';

export const TEST_JWT_KEY = 'test-jwt-key';

export const testConfig = {
  jwtKey: TEST_JWT_KEY,
  jwtExpiresInSeconds: 900,
  cookieSecure: false,
} as const;

/** The app as index.ts builds it, with a silent logger unless one is given. */
export function buildTestApp(overrides: { logger?: Logger; probes?: ProbeRouter } = {}): Express {
  return buildApp({
    config: testConfig,
    logger: overrides.logger ?? createLogger({ service: 'auth', level: 'silent' }),
    probes:
      overrides.probes ??
      createProbeRouter({ checks: { mongo: mongoReadinessCheck(mongoose.connection) } }),
  });
}

/**
 * A MongoDB replica set for this test file, mongoose connected to it with the
 * indexes built, and every collection emptied before each test.
 */
export function useTestDatabase(): () => MongoHandle {
  return useMongooseDatabase(mongoose, { dbName: 'auth', prepare: () => User.init() });
}

/** Signs up through the front door and returns the session cookie it was given. */
export async function signin(
  app: Express,
  email = 'test@test.com',
  password = 'password',
): Promise<string[]> {
  const res = await request(app).post('/api/users/signup').send({ email, password }).expect(201);
  return setCookies(res);
}

export function setCookies(res: request.Response): string[] {
  const header = res.get('Set-Cookie');
  if (header === undefined) throw new Error('the response set no cookie');
  return header;
}
