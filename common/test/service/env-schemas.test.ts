import { z } from 'zod';
import {
  messagingEnvSchema,
  parseConfig,
  refineMessagingEnv,
  serviceEnvSchema,
  sessionEnvSchema,
  toMessagingConfig,
  toServiceConfig,
  toSessionConfig,
} from '../../src';

const schema = z
  .object({ ...sessionEnvSchema.shape, ...messagingEnvSchema.shape, ...serviceEnvSchema.shape })
  .superRefine(refineMessagingEnv)
  .transform((env) => ({
    ...toSessionConfig(env),
    ...toServiceConfig(env),
    messaging: toMessagingConfig(env),
  }));

const VALID = { JWT_KEY: 'k', NATS_URL: 'nats://nats-srv:4222' };

function messageOf(env: Record<string, string>): string {
  try {
    parseConfig(schema, env);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected a ConfigError');
}

describe('env schema fragments', () => {
  it('when only the required keys are set, then the defaults fill the rest: JetStream, port 3000, secure cookies', () => {
    expect(parseConfig(schema, VALID)).toEqual({
      jwtKey: 'k',
      nodeEnv: 'development',
      cookieSecure: true,
      port: 3000,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      messaging: { transport: 'jetstream', url: 'nats://nats-srv:4222' },
    });
  });

  it('when the keys are missing, then one line names them in the schema order', () => {
    expect(messageOf({})).toBe('Invalid configuration: JWT_KEY is required; NATS_URL is required');
  });

  it('when NATS_TRANSPORT is stan, then both ids are required, and used once given', () => {
    expect(messageOf({ ...VALID, NATS_TRANSPORT: 'stan' })).toBe(
      'Invalid configuration: NATS_CLUSTER_ID is required; NATS_CLIENT_ID is required',
    );
    const config = parseConfig(schema, {
      ...VALID,
      NATS_TRANSPORT: 'stan',
      NATS_CLUSTER_ID: 'ticketing',
      NATS_CLIENT_ID: 'pod-1',
    });
    expect(config.messaging).toEqual({
      transport: 'stan',
      url: VALID.NATS_URL,
      clusterId: 'ticketing',
      clientId: 'pod-1',
    });
  });

  it('when a JetStream client id is given, then it is passed on', () => {
    const config = parseConfig(schema, { ...VALID, NATS_CLIENT_ID: 'pod-1' });
    expect(config.messaging).toEqual({
      transport: 'jetstream',
      url: VALID.NATS_URL,
      clientId: 'pod-1',
    });
  });

  it('when NODE_ENV is test, then cookies are not secure unless COOKIE_SECURE says so', () => {
    expect(parseConfig(schema, { ...VALID, NODE_ENV: 'test' }).cookieSecure).toBe(false);
    expect(
      parseConfig(schema, { ...VALID, NODE_ENV: 'test', COOKIE_SECURE: 'true' }).cookieSecure,
    ).toBe(true);
    expect(parseConfig(schema, { ...VALID, COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
  });

  it('when NATS_URL is not a NATS URL or PORT is out of range, then both are named', () => {
    expect(messageOf({ ...VALID, NATS_URL: 'http://x', PORT: '70000' })).toMatch(
      /^Invalid configuration: NATS_URL is invalid .*; PORT is invalid /,
    );
  });
});
