import { z } from 'zod';

/**
 * The keys every service reads, to spread into its config schema
 * (`z.object({ ...serviceEnvSchema.shape, ... })`):
 * - `PORT`: 0–65535, default 3000.
 * - `LOG_LEVEL`: a pino level or `silent`, default `info`.
 * - `SHUTDOWN_TIMEOUT_MS`: the shutdown backstop, default 10 000.
 */
export const serviceEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Below the orchestrator's grace period (Kubernetes: 30 s), so our backstop fires first.
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

/** Maps the parsed {@link serviceEnvSchema} keys to camelCase config fields. */
export function toServiceConfig(env: z.output<typeof serviceEnvSchema>): {
  port: number;
  logLevel: z.output<typeof serviceEnvSchema>['LOG_LEVEL'];
  shutdownTimeoutMs: number;
} {
  return { port: env.PORT, logLevel: env.LOG_LEVEL, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}

/**
 * `MONGO_URI` (required, `mongodb://` or `mongodb+srv://`), to spread into the config
 * schema of a service with a MongoDB.
 */
export const mongoEnvSchema = z.object({
  MONGO_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
});
