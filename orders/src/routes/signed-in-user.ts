import { NotAuthorizedError, type UserPayload } from '@ticketing/common';
import type { Request } from 'express';

/** The user `requireAuth` let through; throws 401 if a route forgot requireAuth. */
export function signedInUser(req: Request): UserPayload {
  if (req.currentUser === undefined) throw new NotAuthorizedError();
  return req.currentUser;
}
