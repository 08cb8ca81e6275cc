import { createServiceApp, type Logger, type ProbeRouter } from '@ticketing/common';
import type { Express } from 'express';
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

/** Builds the auth app; does no I/O. */
export function buildApp({ config, logger, probes }: AppOptions): Express {
  // Computed now so that the first sign-in with an unknown email is not the slow one.
  void dummyPasswordHash();

  const session = { jwtKey: config.jwtKey, jwtExpiresInSeconds: config.jwtExpiresInSeconds };
  return createServiceApp({
    logger,
    probes,
    jsonBodyLimit: JSON_BODY_LIMIT,
    session: { jwtKey: config.jwtKey, cookieSecure: config.cookieSecure },
    routes: [signupRouter(session), signinRouter(session), signoutRouter(), currentUserRouter()],
  });
}
