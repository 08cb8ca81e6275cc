import {
  createErrorHandler,
  currentUser,
  type Logger,
  notFoundHandler,
  type ProbeRouter,
  requestLogger,
} from '@ticketing/common';
import cookieSession from 'cookie-session';
import express, { type Express } from 'express';
import type { OrdersConfig } from './config';
import { deleteOrderRouter } from './routes/delete';
import { indexOrderRouter } from './routes/index';
import { createOrderRouter } from './routes/new';
import { showOrderRouter } from './routes/show';

/** What {@link buildApp} needs; index.ts passes the parsed config, tests a literal. */
export interface AppOptions {
  config: Pick<OrdersConfig, 'jwtKey' | 'cookieSecure' | 'expirationWindowSeconds'>;
  logger: Logger;
  probes: ProbeRouter;
}

// An order body is one ticket id.
const JSON_BODY_LIMIT = '10kb';

/** Builds the orders app; does no I/O. */
export function buildApp({ config, logger, probes }: AppOptions): Express {
  const app = express();
  // TLS ends at the ingress; X-Forwarded-Proto tells cookie-session the request was https.
  app.set('trust proxy', true);
  app.disable('x-powered-by');
  // Before the request logger: orchestrator probes every few seconds would drown the log.
  app.use(probes);
  app.use(requestLogger(logger));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  // Same cookie as auth writes: a JWT in an unsigned cookie-session named `session`.
  app.use(
    cookieSession({
      name: 'session',
      signed: false,
      secure: config.cookieSecure,
      httpOnly: true,
      sameSite: 'lax',
    }),
  );
  app.use(currentUser(config.jwtKey));

  app.use(createOrderRouter({ expirationWindowSeconds: config.expirationWindowSeconds }));
  app.use(indexOrderRouter());
  app.use(showOrderRouter());
  app.use(deleteOrderRouter());

  app.all('/{*splat}', notFoundHandler);
  app.use(createErrorHandler({ logger }));
  return app;
}
