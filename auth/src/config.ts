import {
  loadConfigOrExit,
  mongoEnvSchema,
  parseConfig,
  serviceEnvSchema,
  sessionEnvSchema,
  toServiceConfig,
  toSessionConfig,
} from '@ticketing/common';
import { z } from 'zod';

const SEVEN_DAYS_IN_SECONDS = 7 * 24 * 60 * 60;

/** The environment auth reads, with defaults; mapped to camelCase for the code. */
export const authConfigSchema = z
  .object({
    ...mongoEnvSchema.shape,
    ...sessionEnvSchema.shape,
    JWT_EXPIRES_IN_SECONDS: z.coerce.number().int().positive().default(SEVEN_DAYS_IN_SECONDS),
    ...serviceEnvSchema.shape,
  })
  .transform((env) => ({
    mongoUri: env.MONGO_URI,
    ...toSessionConfig(env),
    jwtExpiresInSeconds: env.JWT_EXPIRES_IN_SECONDS,
    ...toServiceConfig(env),
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
