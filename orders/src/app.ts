import { createServiceApp, type Logger, type ProbeRouter } from '@ticketing/common';
import type { Express } from 'express';
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
  return createServiceApp({
    logger,
    probes,
    jsonBodyLimit: JSON_BODY_LIMIT,
    // Reads the cookie auth writes.
    session: { jwtKey: config.jwtKey, cookieSecure: config.cookieSecure },
    routes: [
      createOrderRouter({ expirationWindowSeconds: config.expirationWindowSeconds }),
      indexOrderRouter(),
      showOrderRouter(),
      deleteOrderRouter(),
    ],
  });
}
