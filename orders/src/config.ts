import { loadConfigOrExit, type MessagingConfig, parseConfig } from '@ticketing/common';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** The contract's reservation window: 15 minutes. */
const DEFAULT_EXPIRATION_WINDOW_SECONDS = 15 * 60;

/** The environment orders reads, with defaults; mapped to camelCase for the code. */
export const ordersConfigSchema = z
  .object({
    MONGO_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
    JWT_KEY: z.string(),
    NATS_URL: z.string().regex(/^(nats|tls):\/\//, 'must start with nats:// or tls://'),
    NATS_TRANSPORT: z.enum(['jetstream', 'stan']).default('jetstream'),
    // The pod name in Kubernetes: unique per replica, which NATS Streaming requires.
    NATS_CLIENT_ID: z.string().optional(),
    NATS_CLUSTER_ID: z.string().optional(),
    EXPIRATION_WINDOW_SECONDS: positiveInt.default(DEFAULT_EXPIRATION_WINDOW_SECONDS),
    PORT: port.default(3000),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    // orders only reads the session cookie, but keeps auth's cookie settings so the
    // services never disagree on them.
    COOKIE_SECURE: z.enum(['true', 'false']).optional(),
    // Below the orchestrator's grace period (Kubernetes: 30 s), so our backstop fires first.
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.NATS_TRANSPORT !== 'stan') return;
    for (const key of ['NATS_CLUSTER_ID', 'NATS_CLIENT_ID'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.invalid_type,
          expected: 'string',
          received: 'undefined',
          path: [key],
          message: `${key} is required when NATS_TRANSPORT is stan`,
        });
      }
    }
  })
  .transform((env) => ({
    mongoUri: env.MONGO_URI,
    jwtKey: env.JWT_KEY,
    port: env.PORT,
    nodeEnv: env.NODE_ENV,
    expirationWindowSeconds: env.EXPIRATION_WINDOW_SECONDS,
    cookieSecure:
      env.COOKIE_SECURE === undefined ? env.NODE_ENV !== 'test' : env.COOKIE_SECURE === 'true',
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    messaging: Object.freeze(toMessagingConfig(env)),
  }));

function toMessagingConfig(env: {
  NATS_URL: string;
  NATS_TRANSPORT: 'jetstream' | 'stan';
  NATS_CLIENT_ID?: string | undefined;
  NATS_CLUSTER_ID?: string | undefined;
}): MessagingConfig {
  if (env.NATS_TRANSPORT === 'stan') {
    // superRefine has already refused a stan config without both ids.
    return {
      transport: 'stan',
      url: env.NATS_URL,
      clusterId: env.NATS_CLUSTER_ID ?? '',
      clientId: env.NATS_CLIENT_ID ?? '',
    };
  }
  return {
    transport: 'jetstream',
    url: env.NATS_URL,
    ...(env.NATS_CLIENT_ID === undefined ? {} : { clientId: env.NATS_CLIENT_ID }),
  };
}

export type OrdersConfig = Readonly<z.output<typeof ordersConfigSchema>>;

/** Parses an environment; throws a ConfigError with one line naming every bad key. */
export function parseOrdersConfig(env: Record<string, string | undefined>): OrdersConfig {
  return parseConfig(ordersConfigSchema, env);
}

/** The process's config: the only place that reads process.env. Exits 1 with one line when invalid. */
export function loadOrdersConfig(): OrdersConfig {
  return loadConfigOrExit(ordersConfigSchema, process.env);
}
