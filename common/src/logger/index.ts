export type { Logger } from 'pino';
export { type CreateLoggerOptions, createLogger } from './create-logger';
export { requestLogger } from './request-logger';
