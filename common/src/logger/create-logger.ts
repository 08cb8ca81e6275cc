import { type DestinationStream, type Level, type Logger, pino } from 'pino';

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Written as `service` on every line, so one stream of many services stays searchable. */
  service: string;
  /** Lowest level written; default `info`. `silent` turns logging off (tests). */
  level?: Level | 'silent';
  /** Where lines go; default stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line to stdout, each carrying
 * `service`, an ISO `time`, and `err` serialized with its stack.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // pino's own default destination writes stdout synchronously, so a fatal line
  // logged just before process.exit is not lost.
  return options.destination === undefined
    ? pino(pinoOptions)
    : pino(pinoOptions, options.destination);
}
