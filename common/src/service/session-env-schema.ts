import { z } from 'zod';

/**
 * The session cookie's keys, the same in every service that reads or writes it, to
 * spread into its config schema; map them with {@link toSessionConfig}.
 * - `JWT_KEY`: required; signs and verifies the session JWT.
 * - `NODE_ENV`: `development` (default), `test` or `production`.
 * - `COOKIE_SECURE`: `true`/`false`; unset means secure except when `NODE_ENV=test`.
 */
export const sessionEnvSchema = z.object({
  JWT_KEY: z.string(),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  // Plain-HTTP local runs (no TLS in front) need `false`. Services that only read the
  // cookie keep the setting too, so that no two services disagree on it.
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
});

/** The session settings of a service's config. */
export interface SessionConfig {
  jwtKey: string;
  nodeEnv: 'development' | 'test' | 'production';
  /** Whether the session cookie carries `Secure`. */
  cookieSecure: boolean;
}

/** Maps the parsed {@link sessionEnvSchema} keys to camelCase, deciding `cookieSecure`. */
export function toSessionConfig(env: z.output<typeof sessionEnvSchema>): SessionConfig {
  return {
    jwtKey: env.JWT_KEY,
    nodeEnv: env.NODE_ENV,
    cookieSecure:
      env.COOKIE_SECURE === undefined ? env.NODE_ENV !== 'test' : env.COOKIE_SECURE === 'true',
  };
}
