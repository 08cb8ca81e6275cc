import { type Logger, pino } from 'pino';

/** Used when no logger is injected: keeps the classes usable in tests and scripts. */
export const silentLogger: Logger = pino({ level: 'silent' });
