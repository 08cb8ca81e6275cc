import type { Request, RequestHandler } from 'express';
import { type UserPayload, verifySessionJwt } from './session-jwt';

declare global {
  namespace Express {
    interface Request {
      /** The signed-in user, set by `currentUser` when the session holds a valid JWT. */
      currentUser?: UserPayload;
    }
  }
}

/**
 * Reads the JWT from the cookie session (`req.session.jwt`, cookie-session must run
 * first) and, when it verifies with `jwtKey` and has not expired, sets
 * `req.currentUser`. A missing, malformed, forged or expired token leaves it unset;
 * this middleware never fails a request (pair it with `requireAuth` for that).
 *
 * @param jwtKey The service's `JWT_KEY`, from its parsed config.
 */
export function currentUser(jwtKey: string): RequestHandler {
  return (req, _res, next) => {
    const token = sessionJwtOf(req);
    const user = token === undefined ? undefined : verifySessionJwt(token, jwtKey);
    if (user !== undefined) {
      req.currentUser = user;
    }
    next();
  };
}

// Read without relying on cookie-session's type augmentation, which consumers
// of this package may not load.
function sessionJwtOf(req: Request): string | undefined {
  if (!('session' in req)) {
    return undefined;
  }
  const session: unknown = req.session;
  if (typeof session === 'object' && session !== null && 'jwt' in session) {
    return typeof session.jwt === 'string' ? session.jwt : undefined;
  }
  return undefined;
}
