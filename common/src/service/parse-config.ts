import { z } from 'zod';

/** Thrown by {@link parseConfig}; the message is one line naming every bad key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  /** @param keys The missing or invalid keys, in the schema's order. */
  constructor(
    message: string,
    readonly keys: string[],
  ) {
    super(message);
  }
}

/**
 * An issue that {@link parseConfig} reports as `<KEY> is required`: for keys whose
 * presence depends on other keys, checked in a schema's `superRefine`.
 *
 * @example ctx.addIssue(missingKeyIssue('REDIS_URL', 'REDIS_URL (or REDIS_HOST) is required'))
 */
export function missingKeyIssue(key: string, message: string): z.IssueData {
  return {
    code: z.ZodIssueCode.invalid_type,
    expected: 'string',
    received: 'undefined',
    path: [key],
    message,
  };
}

/**
 * Validates `env` against a zod object schema and returns the parsed value, frozen.
 * Empty strings count as unset. On failure throws a {@link ConfigError} whose message
 * is one line, e.g. `Invalid configuration: JWT_KEY is required; PORT is invalid
 * (Expected number, received nan)`. Values are never echoed (they may be secrets).
 *
 * @example export const parseAuthConfig = (env: NodeJS.ProcessEnv) => parseConfig(schema, env);
 */
export function parseConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined>,
): Readonly<z.output<S>> {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = new Map<string, string>();
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || '(root)';
      if (problems.has(key)) continue;
      const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
      problems.set(key, missing ? `${key} is required` : `${key} is invalid (${issue.message})`);
    }
    throw new ConfigError(`Invalid configuration: ${[...problems.values()].join('; ')}`, [
      ...problems.keys(),
    ]);
  }
  const value: z.output<S> = result.data;
  return typeof value === 'object' && value !== null ? Object.freeze(value) : value;
}

/** Options of {@link loadConfigOrExit}. */
export interface LoadConfigOptions {
  /** Default: `process.stderr.write`. */
  write?: (line: string) => void;
  /** Default: `process.exit`. */
  exit?: (code: number) => never;
}

/**
 * {@link parseConfig} for a service's start-up: on a {@link ConfigError} it writes
 * its one line to stderr and exits 1 (no stack trace to dig through).
 */
export function loadConfigOrExit<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined>,
  options: LoadConfigOptions = {},
): Readonly<z.output<S>> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    (options.write ?? ((line: string) => process.stderr.write(line)))(`${error.message}\n`);
    return (options.exit ?? ((code: number) => process.exit(code)))(1);
  }
}
