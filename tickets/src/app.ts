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
import type { TicketsConfig } from './config';
import { indexTicketRouter } from './routes/index';
import { createTicketRouter } from './routes/new';
import { showTicketRouter } from './routes/show';
import { updateTicketRouter } from './routes/update';

/** What {@link buildApp} needs; index.ts passes the parsed config, tests a literal. */
export interface AppOptions {
  config: Pick<TicketsConfig, 'jwtKey' | 'cookieSecure'>;
  logger: Logger;
  probes: ProbeRouter;
}

// A ticket body is a title (≤ 200 chars) and a price.
const JSON_BODY_LIMIT = '10kb';

/** Builds the tickets app; does no I/O. */
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

  app.use(createTicketRouter());
  app.use(indexTicketRouter());
  app.use(showTicketRouter());
  app.use(updateTicketRouter());

  app.all('/{*splat}', notFoundHandler);
  app.use(createErrorHandler({ logger }));
  return app;
}
