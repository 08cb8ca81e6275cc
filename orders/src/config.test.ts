import { ConfigError } from '@ticketing/common';
import { parseOrdersConfig } from './config';

const base = {
  MONGO_URI: 'mongodb://localhost:27017/orders?replicaSet=rs0',
  JWT_KEY: 'secret',
  NATS_URL: 'nats://localhost:4222',
};

describe('orders config', () => {
  it('when only the required keys are set, then the defaults apply (15-minute window, port 3000, JetStream)', () => {
    const config = parseOrdersConfig(base);
    expect(config).toMatchObject({
      mongoUri: base.MONGO_URI,
      jwtKey: 'secret',
      port: 3000,
      expirationWindowSeconds: 900,
      logLevel: 'info',
      cookieSecure: true,
      messaging: { transport: 'jetstream', url: 'nats://localhost:4222' },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when EXPIRATION_WINDOW_SECONDS is set, then it is used; zero, negative or non-numeric is refused', () => {
    expect(
      parseOrdersConfig({ ...base, EXPIRATION_WINDOW_SECONDS: '60' }).expirationWindowSeconds,
    ).toBe(60);
    for (const value of ['0', '-5', 'soon', '1.5']) {
      expect(() => parseOrdersConfig({ ...base, EXPIRATION_WINDOW_SECONDS: value })).toThrow(
        /EXPIRATION_WINDOW_SECONDS/,
      );
    }
  });

  it('when required keys are missing, then one ConfigError line names each of them and echoes no value', () => {
    let error: unknown;
    try {
      parseOrdersConfig({ JWT_KEY: 'do-not-print-me' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/MONGO_URI/);
    expect(message).toMatch(/NATS_URL/);
    expect(message).not.toMatch(/do-not-print-me/);
    expect(message).not.toContain('\n');
  });

  it('when NATS_TRANSPORT is stan, then the cluster and client ids are required and passed on', () => {
    expect(() => parseOrdersConfig({ ...base, NATS_TRANSPORT: 'stan' })).toThrow(/NATS_CLUSTER_ID/);
    const config = parseOrdersConfig({
      ...base,
      NATS_TRANSPORT: 'stan',
      NATS_CLUSTER_ID: 'ticketing',
      NATS_CLIENT_ID: 'orders-abc',
    });
    expect(config.messaging).toEqual({
      transport: 'stan',
      url: 'nats://localhost:4222',
      clusterId: 'ticketing',
      clientId: 'orders-abc',
    });
  });

  it('when COOKIE_SECURE is false or NODE_ENV is test, then cookies are not marked secure', () => {
    expect(parseOrdersConfig({ ...base, COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    expect(parseOrdersConfig({ ...base, NODE_ENV: 'test' }).cookieSecure).toBe(false);
  });
});
