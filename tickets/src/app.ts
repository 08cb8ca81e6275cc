import { createServiceApp, type Logger, type ProbeRouter } from '@ticketing/common';
import type { Express } from 'express';
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
  return createServiceApp({
    logger,
    probes,
    jsonBodyLimit: JSON_BODY_LIMIT,
    // Reads the cookie auth writes.
    session: { jwtKey: config.jwtKey, cookieSecure: config.cookieSecure },
    routes: [createTicketRouter(), indexTicketRouter(), showTicketRouter(), updateTicketRouter()],
  });
}
