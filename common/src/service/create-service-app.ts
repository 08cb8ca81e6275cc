import cookieSession from 'cookie-session';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requestLogger } from '../logger/request-logger';
import { currentUser } from '../middlewares/current-user';
import { createErrorHandler } from '../middlewares/error-handler';
import { notFoundHandler } from '../middlewares/not-found-handler';
import type { ProbeRouter } from './probe-router';

/** The session cookie's options, the same in every service: see {@link sessionCookieOptions}. */
export interface SessionCookieOptions {
  name: 'session';
  signed: false;
  secure: boolean;
  httpOnly: true;
  sameSite: 'lax';
}

/**
 * cookie-session's options for the session cookie: named `session`, unsigned (it
 * holds a signed JWT, readable by every service), httpOnly, sameSite=lax.
 *
 * @param secure The config's `cookieSecure`: true outside tests and plain-HTTP local runs.
 */
export function sessionCookieOptions(secure: boolean): SessionCookieOptions {
  return { name: 'session', signed: false, secure, httpOnly: true, sameSite: 'lax' };
}

/** Options of {@link createServiceApp}. */
export interface ServiceAppOptions {
  logger: Logger;
  probes: ProbeRouter;
  /** Parses JSON bodies up to this size (e.g. `'10kb'`); omit for an app that takes no bodies. */
  jsonBodyLimit?: string;
  /** Reads the session cookie and sets `req.currentUser`; omit for an app without users. */
  session?: { jwtKey: string; cookieSecure: boolean };
  /** The service's routers, mounted in this order after the body parser and the session. */
  routes?: readonly RequestHandler[];
}

/**
 * The Express app every service builds, in this order: `trust proxy`, probes (before
 * the request logger, so that probes every few seconds do not drown the log),
 * request logger, JSON body parser, session cookie and `currentUser`, the service's
 * routes, 404 `Not Found` for anything else, and the error handler. Does no I/O.
 *
 * @example
 * createServiceApp({ logger, probes, jsonBodyLimit: '10kb',
 *   session: { jwtKey: config.jwtKey, cookieSecure: config.cookieSecure },
 *   routes: [createTicketRouter(), showTicketRouter()] });
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  // TLS ends at the ingress; X-Forwarded-Proto tells cookie-session the request was https.
  app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.use(options.probes);
  app.use(requestLogger(options.logger));
  if (options.jsonBodyLimit !== undefined) {
    app.use(express.json({ limit: options.jsonBodyLimit }));
  }
  if (options.session !== undefined) {
    app.use(cookieSession(sessionCookieOptions(options.session.cookieSecure)));
    app.use(currentUser(options.session.jwtKey));
  }
  for (const route of options.routes ?? []) app.use(route);
  app.all('/{*splat}', notFoundHandler);
  app.use(createErrorHandler({ logger: options.logger }));
  return app;
}
