import type { LogLevel, StackOptions } from './stack';

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** What the CLI reads from its environment. */
export interface CliConfig {
  gatewayPort: number;
  stack: Pick<StackOptions, 'jwtKey' | 'expirationWindowSeconds' | 'logLevel'>;
}

/** Thrown with one line naming every bad key. */
export class CliConfigError extends Error {
  override readonly name = 'CliConfigError';
}

function integerIn(value: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number >= min && number <= max ? number : undefined;
}

/**
 * Parses the CLI's environment: `PORT` (gateway, default 4000), `JWT_KEY`
 * (default: random per run), `EXPIRATION_WINDOW_SECONDS` (default: the orders
 * service's 15 minutes), `LOG_LEVEL` (default `info`).
 */
export function parseCliConfig(env: Record<string, string | undefined>): CliConfig {
  const problems: string[] = [];
  const port = env.PORT === undefined ? 4000 : integerIn(env.PORT, 0, 65_535);
  if (port === undefined) problems.push('PORT must be a port number (0-65535)');
  const window =
    env.EXPIRATION_WINDOW_SECONDS === undefined
      ? undefined
      : integerIn(env.EXPIRATION_WINDOW_SECONDS, 1, Number.MAX_SAFE_INTEGER);
  if (env.EXPIRATION_WINDOW_SECONDS !== undefined && window === undefined) {
    problems.push('EXPIRATION_WINDOW_SECONDS must be a positive integer');
  }
  const logLevel = LOG_LEVELS.find((level) => level === (env.LOG_LEVEL ?? 'info'));
  if (logLevel === undefined) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  if (env.JWT_KEY === '') problems.push('JWT_KEY must not be empty');
  if (problems.length > 0) throw new CliConfigError(`invalid environment: ${problems.join('; ')}`);
  return {
    gatewayPort: port ?? 4000,
    stack: {
      ...(env.JWT_KEY === undefined ? {} : { jwtKey: env.JWT_KEY }),
      ...(window === undefined ? {} : { expirationWindowSeconds: window }),
      logLevel: logLevel ?? 'info',
    },
  };
}
