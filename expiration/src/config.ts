import { loadConfigOrExit, type MessagingConfig, parseConfig } from '@ticketing/common';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** Where Bull's Redis is: ioredis options, never logged (they may carry a password). */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  /** Set for `rediss://`: TLS to the server, verified against its host name. */
  tls?: { servername: string };
}

/** The environment expiration reads, with defaults; mapped to camelCase for the code. */
export const expirationConfigSchema = z
  .object({
    // Either REDIS_URL, or REDIS_HOST (+ REDIS_PORT) as the course's manifests set it.
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/[^/]/, 'must start with redis:// or rediss://')
      .optional(),
    REDIS_HOST: z.string().optional(),
    REDIS_PORT: port.default(6379),
    // Optional here and required below, so that one line names every missing key.
    NATS_URL: z
      .string()
      .regex(/^(nats|tls):\/\//, 'must start with nats:// or tls://')
      .optional(),
    NATS_TRANSPORT: z.enum(['jetstream', 'stan']).default('jetstream'),
    // The pod name in Kubernetes: unique per replica, which NATS Streaming requires.
    NATS_CLIENT_ID: z.string().optional(),
    NATS_CLUSTER_ID: z.string().optional(),
    PORT: port.default(3000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    // Below the orchestrator's grace period (Kubernetes: 30 s), so our backstop fires first.
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  })
  .superRefine((env, ctx) => {
    const required = (key: string, message: string): void => {
      // Reported like any other missing key: "<KEY> is required".
      ctx.addIssue({
        code: z.ZodIssueCode.invalid_type,
        expected: 'string',
        received: 'undefined',
        path: [key],
        message,
      });
    };
    if (env.NATS_URL === undefined) required('NATS_URL', 'NATS_URL is required');
    if (env.REDIS_URL === undefined && env.REDIS_HOST === undefined) {
      required('REDIS_URL', 'REDIS_URL (or REDIS_HOST) is required');
    }
    if (env.REDIS_URL !== undefined && !redisUrlParses(env.REDIS_URL)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['REDIS_URL'], message: 'not a URL' });
    }
    if (env.NATS_TRANSPORT !== 'stan') return;
    for (const key of ['NATS_CLUSTER_ID', 'NATS_CLIENT_ID'] as const) {
      if (env[key] === undefined) required(key, `${key} is required when NATS_TRANSPORT is stan`);
    }
  })
  .transform((env) => ({
    redis: Object.freeze(
      env.REDIS_URL === undefined
        ? { host: env.REDIS_HOST ?? '', port: env.REDIS_PORT }
        : redisOptionsFromUrl(env.REDIS_URL),
    ),
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    messaging: Object.freeze(toMessagingConfig(env)),
  }));

function redisUrlParses(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

// Parsed here rather than by Bull, whose parser drops `rediss://` (no TLS) and copies
// query parameters into the client options unchecked.
function redisOptionsFromUrl(text: string): RedisConnectionOptions {
  const url = new URL(text);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  return {
    host,
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(db === undefined || !Number.isInteger(db) ? {} : { db }),
    ...(url.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}

function toMessagingConfig(env: {
  NATS_URL?: string | undefined;
  NATS_TRANSPORT: 'jetstream' | 'stan';
  NATS_CLIENT_ID?: string | undefined;
  NATS_CLUSTER_ID?: string | undefined;
}): MessagingConfig {
  if (env.NATS_TRANSPORT === 'stan') {
    // superRefine has rejected a config without NATS_URL, or a stan one without both ids.
    return {
      transport: 'stan',
      url: env.NATS_URL ?? '',
      clusterId: env.NATS_CLUSTER_ID ?? '',
      clientId: env.NATS_CLIENT_ID ?? '',
    };
  }
  return {
    transport: 'jetstream',
    url: env.NATS_URL ?? '',
    ...(env.NATS_CLIENT_ID === undefined ? {} : { clientId: env.NATS_CLIENT_ID }),
  };
}

export type ExpirationConfig = Readonly<z.output<typeof expirationConfigSchema>>;

/** Parses an environment; throws a ConfigError with one line naming every bad key. */
export function parseExpirationConfig(env: Record<string, string | undefined>): ExpirationConfig {
  return parseConfig(expirationConfigSchema, env);
}

/** The process's config: the only place that reads process.env. Exits 1 with one line when invalid. */
export function loadExpirationConfig(): ExpirationConfig {
  return loadConfigOrExit(expirationConfigSchema, process.env);
}
