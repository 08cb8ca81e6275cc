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
import type { AuthConfig } from './config';
import { currentUserRouter } from './routes/current-user';
import { signinRouter } from './routes/signin';
import { signoutRouter } from './routes/signout';
import { signupRouter } from './routes/signup';
import { dummyPasswordHash } from './services/password';

/** What {@link buildApp} needs; index.ts passes the parsed config, tests a literal. */
export interface AppOptions {
  config: Pick<AuthConfig, 'jwtKey' | 'jwtExpiresInSeconds' | 'cookieSecure'>;
  logger: Logger;
  probes: ProbeRouter;
}

// Sign-up and sign-in bodies are two short strings.
const JSON_BODY_LIMIT = '10kb';

/** The session cookie: a JWT in plain (unsigned) cookie-session, readable by every service. */
export function sessionCookieOptions(
  secure: boolean,
): CookieSessionInterfaces.CookieSessionOptions {
  return { name: 'session', signed: false, secure, httpOnly: true, sameSite: 'lax' };
}

/** Builds the auth app; does no I/O. */
export function buildApp({ config, logger, probes }: AppOptions): Express {
  // Computed now so that the first sign-in with an unknown email is not the slow one.
  void dummyPasswordHash();

  const app = express();
  // TLS ends at the ingress; X-Forwarded-Proto tells cookie-session the request was https.
  app.set('trust proxy', true);
  app.disable('x-powered-by');
  // Before the request logger: orchestrator probes every few seconds would drown the log.
  app.use(probes);
  app.use(requestLogger(logger));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use(cookieSession(sessionCookieOptions(config.cookieSecure)));
  app.use(currentUser(config.jwtKey));

  const session = { jwtKey: config.jwtKey, jwtExpiresInSeconds: config.jwtExpiresInSeconds };
  app.use(signupRouter(session));
  app.use(signinRouter(session));
  app.use(signoutRouter());
  app.use(currentUserRouter());

  app.all('/{*splat}', notFoundHandler);
  app.use(createErrorHandler({ logger }));
  return app;
}
