import {
  createErrorHandler,
  type Logger,
  notFoundHandler,
  type ProbeRouter,
  requestLogger,
} from '@ticketing/common';
import express, { type Express } from 'express';

/** What {@link buildApp} needs. */
export interface AppOptions {
  logger: Logger;
  probes: ProbeRouter;
}

/** Builds the expiration app: probes only, no public API; does no I/O. */
export function buildApp({ logger, probes }: AppOptions): Express {
  const app = express();
  app.set('trust proxy', true);
  app.disable('x-powered-by');
  // Before the request logger: orchestrator probes every few seconds would drown the log.
  app.use(probes);
  app.use(requestLogger(logger));
  app.all('/{*splat}', notFoundHandler);
  app.use(createErrorHandler({ logger }));
  return app;
}
