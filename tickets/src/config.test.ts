import { ConfigError } from '@ticketing/common';
import { parseTicketsConfig } from './config';

const VALID = {
  MONGO_URI: 'mongodb://127.0.0.1:27017/tickets?replicaSet=rs0',
  JWT_KEY: 'secret',
  NATS_URL: 'nats://127.0.0.1:4222',
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    parseTicketsConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('tickets config', () => {
  it('when only the required keys are set, then JetStream and the other defaults fill the rest, frozen', () => {
    const config = parseTicketsConfig(VALID);
    expect(config).toEqual({
      mongoUri: VALID.MONGO_URI,
      jwtKey: 'secret',
      port: 3000,
      nodeEnv: 'development',
      cookieSecure: true,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      messaging: { transport: 'jetstream', url: VALID.NATS_URL },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.messaging)).toBe(true);
  });

  it('when MONGO_URI, JWT_KEY and NATS_URL are missing, then one line names all three', () => {
    const error = errorOf({});
    expect(error.message).toBe(
      'Invalid configuration: MONGO_URI is required; JWT_KEY is required; NATS_URL is required',
    );
  });

  it('when NATS_TRANSPORT is stan without cluster and client ids, then both are named as required', () => {
    const error = errorOf({ ...VALID, NATS_TRANSPORT: 'stan' });
    expect(error.message).toBe(
      'Invalid configuration: NATS_CLUSTER_ID is required; NATS_CLIENT_ID is required',
    );
  });

  it('when NATS_TRANSPORT is stan with both ids, then the messaging config is a STAN one', () => {
    const config = parseTicketsConfig({
      ...VALID,
      NATS_TRANSPORT: 'stan',
      NATS_CLUSTER_ID: 'ticketing',
      NATS_CLIENT_ID: 'tickets-depl-abc',
    });
    expect(config.messaging).toEqual({
      transport: 'stan',
      url: VALID.NATS_URL,
      clusterId: 'ticketing',
      clientId: 'tickets-depl-abc',
    });
  });

  it('when NATS_TRANSPORT is unknown or PORT not a number, then the line names them and not the values', () => {
    const error = errorOf({ ...VALID, NATS_TRANSPORT: 'kafka', PORT: 'eighty' });
    expect(error.keys).toEqual(['NATS_TRANSPORT', 'PORT']);
    expect(error.message).not.toContain('eighty');
  });

  it('when a JetStream client id and a port are given, then they are used', () => {
    const config = parseTicketsConfig({ ...VALID, NATS_CLIENT_ID: 'tickets-1', PORT: '4001' });
    expect(config.port).toBe(4001);
    expect(config.messaging).toEqual({
      transport: 'jetstream',
      url: VALID.NATS_URL,
      clientId: 'tickets-1',
    });
  });
});
