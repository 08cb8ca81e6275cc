import { ConfigError } from '@ticketing/common';
import { parseAuthConfig } from './config';

const VALID = { MONGO_URI: 'mongodb://127.0.0.1:27017/auth?replicaSet=rs0', JWT_KEY: 'secret' };

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    parseAuthConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('auth config', () => {
  it('when only the required keys are set, then the defaults fill the rest and the object is frozen', () => {
    const config = parseAuthConfig(VALID);
    expect(config).toEqual({
      mongoUri: VALID.MONGO_URI,
      jwtKey: 'secret',
      port: 3000,
      jwtExpiresInSeconds: 7 * 24 * 60 * 60,
      nodeEnv: 'development',
      cookieSecure: true,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when JWT_KEY is missing, then it fails with one clear line naming it', () => {
    const error = errorOf({ MONGO_URI: VALID.MONGO_URI });
    expect(error.message).toBe('Invalid configuration: JWT_KEY is required');
  });

  it('when MONGO_URI is not a MongoDB URI and PORT not a number, then the one line names both and not the values', () => {
    const error = errorOf({ ...VALID, MONGO_URI: 'postgres://x', PORT: 'eighty' });
    expect(error.keys).toEqual(['MONGO_URI', 'PORT']);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('postgres://x');
    expect(error.message).not.toContain('eighty');
  });

  it('when NODE_ENV is test, then cookies are not secure unless COOKIE_SECURE says so', () => {
    expect(parseAuthConfig({ ...VALID, NODE_ENV: 'test' }).cookieSecure).toBe(false);
    expect(parseAuthConfig({ ...VALID, NODE_ENV: 'production' }).cookieSecure).toBe(true);
    expect(
      parseAuthConfig({ ...VALID, NODE_ENV: 'production', COOKIE_SECURE: 'false' }).cookieSecure,
    ).toBe(false);
  });

  it('when numbers come as strings, then they are parsed', () => {
    const config = parseAuthConfig({ ...VALID, PORT: '4000', JWT_EXPIRES_IN_SECONDS: '60' });
    expect(config.port).toBe(4000);
    expect(config.jwtExpiresInSeconds).toBe(60);
  });
});
