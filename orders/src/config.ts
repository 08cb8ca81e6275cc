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

/** The contract's reservation window: 15 minutes. */
const DEFAULT_EXPIRATION_WINDOW_SECONDS = 15 * 60;

/** The environment orders reads, with defaults; mapped to camelCase for the code. */
export const ordersConfigSchema = z
  .object({
    ...mongoEnvSchema.shape,
    // orders only reads the session cookie, but it keeps auth's settings for it.
    ...sessionEnvSchema.shape,
    ...messagingEnvSchema.shape,
    EXPIRATION_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(DEFAULT_EXPIRATION_WINDOW_SECONDS),
    ...serviceEnvSchema.shape,
  })
  .superRefine(refineMessagingEnv)
  .transform((env) => ({
    mongoUri: env.MONGO_URI,
    ...toSessionConfig(env),
    expirationWindowSeconds: env.EXPIRATION_WINDOW_SECONDS,
    ...toServiceConfig(env),
    messaging: Object.freeze(toMessagingConfig(env)),
  }));

export type OrdersConfig = Readonly<z.output<typeof ordersConfigSchema>>;

/** Parses an environment; throws a ConfigError with one line naming every bad key. */
export function parseOrdersConfig(env: Record<string, string | undefined>): OrdersConfig {
  return parseConfig(ordersConfigSchema, env);
}

/** The process's config: the only place that reads process.env. Exits 1 with one line when invalid. */
export function loadOrdersConfig(): OrdersConfig {
  return loadConfigOrExit(ordersConfigSchema, process.env);
}
