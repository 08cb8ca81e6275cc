import {
  loadConfigOrExit,
  messagingEnvSchema,
  mongoEnvSchema,
  parseConfig,
  refineMessagingEnv,
  serviceEnvSchema,
  sessionEnvSchema,
  toMessagingConfig,
  toServiceConfig,
  toSessionConfig,
} from '@ticketing/common';
import { z } from 'zod';

/** The environment tickets reads, with defaults; mapped to camelCase for the code. */
export const ticketsConfigSchema = z
  .object({
    ...mongoEnvSchema.shape,
    // tickets only reads the session cookie, but it keeps auth's settings for it.
    ...sessionEnvSchema.shape,
    ...messagingEnvSchema.shape,
    ...serviceEnvSchema.shape,
  })
  .superRefine(refineMessagingEnv)
  .transform((env) => ({
    mongoUri: env.MONGO_URI,
    ...toSessionConfig(env),
    ...toServiceConfig(env),
    messaging: Object.freeze(toMessagingConfig(env)),
  }));

export type TicketsConfig = Readonly<z.output<typeof ticketsConfigSchema>>;

/** Parses an environment; throws a ConfigError with one line naming every bad key. */
export function parseTicketsConfig(env: Record<string, string | undefined>): TicketsConfig {
  return parseConfig(ticketsConfigSchema, env);
}

/** The process's config: the only place that reads process.env. Exits 1 with one line when invalid. */
export function loadTicketsConfig(): TicketsConfig {
  return loadConfigOrExit(ticketsConfigSchema, process.env);
}
