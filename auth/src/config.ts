import { loadConfigOrExit, parseConfig } from '@ticketing/common';
import { z } from 'zod';

const SEVEN_DAYS_IN_SECONDS = 7 * 24 * 60 * 60;

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** The environment auth reads, with defaults; mapped to camelCase for the code. */
export const authConfigSchema = z
  .object({
    MONGO_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
    JWT_KEY: z.string(),
    PORT: port.default(3000),
    JWT_EXPIRES_IN_SECONDS: positiveInt.default(SEVEN_DAYS_IN_SECONDS),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    // Plain-HTTP local runs (no TLS in front) need `false`; default: secure except in tests.
    COOKIE_SECURE: z.enum(['true', 'false']).optional(),
    // Below the orchestrator's grace period (Kubernetes: 30 s), so our backstop fires first.
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  })
  .transform((env) => ({
    mongoUri: env.MONGO_URI,
    jwtKey: env.JWT_KEY,
    port: env.PORT,
    jwtExpiresInSeconds: env.JWT_EXPIRES_IN_SECONDS,
    nodeEnv: env.NODE_ENV,
    cookieSecure:
      env.COOKIE_SECURE === undefined ? env.NODE_ENV !== 'test' : env.COOKIE_SECURE === 'true',
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  }));

export type AuthConfig = Readonly<z.output<typeof authConfigSchema>>;

/** Parses an environment; throws a ConfigError with one line naming every bad key. */
export function parseAuthConfig(env: Record<string, string | undefined>): AuthConfig {
  return parseConfig(authConfigSchema, env);
}

/** The process's config: the only place that reads process.env. Exits 1 with one line when invalid. */
export function loadAuthConfig(): AuthConfig {
  return loadConfigOrExit(authConfigSchema, process.env);
}
