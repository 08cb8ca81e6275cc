import jwt from 'jsonwebtoken';

/** The signed-in user as `currentUser` puts it on `req.currentUser`. */
export interface UserPayload {
  id: string;
  email: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
}

// Pinned so a token cannot choose its own algorithm (e.g. `none`).
const ALGORITHM = 'HS256';

/**
 * Signs the JWT that auth stores in the session cookie (`req.session = { jwt }`).
 *
 * @param user The claims: the user's id and email, nothing else.
 * @param key The service's `JWT_KEY`.
 * @param expiresInSeconds Lifetime; a positive whole number of seconds.
 */
export function signSessionJwt(
  user: { id: string; email: string },
  key: string,
  expiresInSeconds: number,
): string {
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds <= 0) {
    throw new RangeError(`expiresInSeconds must be a positive integer, got ${expiresInSeconds}`);
  }
  return jwt.sign({ id: user.id, email: user.email }, key, {
    algorithm: ALGORITHM,
    expiresIn: expiresInSeconds,
  });
}

// Any failure (bad signature, expired, malformed, missing claims) is "no user".
export function verifySessionJwt(token: string, key: string): UserPayload | undefined {
  let payload: unknown;
  try {
    payload = jwt.verify(token, key, { algorithms: [ALGORITHM] });
  } catch {
    return undefined;
  }
  if (
    typeof payload === 'object' &&
    payload !== null &&
    'id' in payload &&
    typeof payload.id === 'string' &&
    'email' in payload &&
    typeof payload.email === 'string' &&
    'iat' in payload &&
    typeof payload.iat === 'number' &&
    // A session token without an expiry would be valid forever; refuse it.
    'exp' in payload &&
    typeof payload.exp === 'number'
  ) {
    return { id: payload.id, email: payload.email, iat: payload.iat, exp: payload.exp };
  }
  return undefined;
}
