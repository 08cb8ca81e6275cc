import type { RequestHandler } from 'express';
import { NotAuthorizedError } from '../errors/not-authorized-error';

/**
 * 401 `Not authorized` unless `currentUser` found a signed-in user. Put it before
 * the validation rules, so an anonymous request is refused before it is judged.
 */
export const requireAuth: RequestHandler = (req, _res, next) => {
  if (req.currentUser === undefined) {
    throw new NotAuthorizedError();
  }
  next();
};
