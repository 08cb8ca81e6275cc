import {
  loadConfigOrExit,
  messagingEnvSchema,
  missingKeyIssue,
  parseConfig,
  refineMessagingEnv,
  serviceEnvSchema,
  toMessagingConfig,
  toServiceConfig,
} from '@ticketing/common';
import { z } from 'zod';

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
    REDIS_PORT: z.coerce.number().int().min(0).max(65_535).default(6379),
    ...messagingEnvSchema.shape,
    // Optional here and required below, so that one line names every missing key.
    NATS_URL: messagingEnvSchema.shape.NATS_URL.optional(),
    ...serviceEnvSchema.shape,
  })
  .superRefine((env, ctx) => {
    if (env.NATS_URL === undefined)
      ctx.addIssue(missingKeyIssue('NATS_URL', 'NATS_URL is required'));
    if (env.REDIS_URL === undefined && env.REDIS_HOST === undefined) {
      ctx.addIssue(missingKeyIssue('REDIS_URL', 'REDIS_URL (or REDIS_HOST) is required'));
    }
    if (env.REDIS_URL !== undefined && !redisUrlParses(env.REDIS_URL)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['REDIS_URL'], message: 'not a URL' });
    }
    refineMessagingEnv(env, ctx);
  })
  .transform((env) => ({
    redis: Object.freeze(
      env.REDIS_URL === undefined
        ? { host: env.REDIS_HOST ?? '', port: env.REDIS_PORT }
        : redisOptionsFromUrl(env.REDIS_URL),
    ),
    ...toServiceConfig(env),
    // The refinement has refused a config without NATS_URL.
    messaging: Object.freeze(toMessagingConfig({ ...env, NATS_URL: env.NATS_URL ?? '' })),
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

export type ExpirationConfig = Readonly<z.output<typeof expirationConfigSchema>>;

/** Parses an environment; throws a ConfigError with one line naming every bad key. */
export function parseExpirationConfig(env: Record<string, string | undefined>): ExpirationConfig {
  return parseConfig(expirationConfigSchema, env);
}

/** The process's config: the only place that reads process.env. Exits 1 with one line when invalid. */
export function loadExpirationConfig(): ExpirationConfig {
  return loadConfigOrExit(expirationConfigSchema, process.env);
}
