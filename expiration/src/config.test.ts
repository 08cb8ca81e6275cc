import { ConfigError } from '@ticketing/common';
import { parseExpirationConfig } from './config';

const VALID = { REDIS_URL: 'redis://expiration-redis-srv:6379', NATS_URL: 'nats://nats-srv:4222' };

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    parseExpirationConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('expiration config', () => {
  it('when only the required keys are set, then the defaults fill the rest and the object is frozen', () => {
    const config = parseExpirationConfig(VALID);
    expect(config).toEqual({
      redis: { host: 'expiration-redis-srv', port: 6379 },
      port: 3000,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      messaging: { transport: 'jetstream', url: 'nats://nats-srv:4222' },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when REDIS_URL carries credentials, a database and rediss://, then they become client options', () => {
    const config = parseExpirationConfig({
      ...VALID,
      REDIS_URL: 'rediss://user:p%40ss@redis.example:6380/2',
    });
    expect(config.redis).toEqual({
      host: 'redis.example',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: { servername: 'redis.example' },
    });
  });

  it('when REDIS_HOST (and REDIS_PORT) are set instead of REDIS_URL, then they are used', () => {
    const config = parseExpirationConfig({
      NATS_URL: VALID.NATS_URL,
      REDIS_HOST: 'expiration-redis-srv',
      REDIS_PORT: '6390',
    });
    expect(config.redis).toEqual({ host: 'expiration-redis-srv', port: 6390 });
  });

  it('when no Redis and no NATS are configured, then one line names both keys', () => {
    const error = errorOf({});
    expect(error.message).toBe(
      'Invalid configuration: NATS_URL is required; REDIS_URL is required',
    );
  });

  it('when NATS_TRANSPORT is stan, then the cluster and client ids are required and used', () => {
    expect(errorOf({ ...VALID, NATS_TRANSPORT: 'stan' }).keys).toEqual([
      'NATS_CLUSTER_ID',
      'NATS_CLIENT_ID',
    ]);
    const config = parseExpirationConfig({
      ...VALID,
      NATS_TRANSPORT: 'stan',
      NATS_CLUSTER_ID: 'ticketing',
      NATS_CLIENT_ID: 'expiration-abc',
    });
    expect(config.messaging).toEqual({
      transport: 'stan',
      url: VALID.NATS_URL,
      clusterId: 'ticketing',
      clientId: 'expiration-abc',
    });
  });

  it('when values are invalid, then the line names the keys but never echoes the values', () => {
    const error = errorOf({ ...VALID, REDIS_URL: 'http://secret-host', PORT: 'eighty' });
    expect(error.keys).toEqual(['REDIS_URL', 'PORT']);
    expect(error.message).not.toContain('secret-host');
    expect(error.message).not.toContain('eighty');
  });
});
