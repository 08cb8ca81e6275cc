import type { RequestHandler } from 'express';
import { NotFoundError } from '../errors/not-found-error';

/**
 * The last route: 404 `Not Found` for anything no router answered.
 *
 * @example app.all('/{*splat}', notFoundHandler);
 */
export const notFoundHandler: RequestHandler = () => {
  throw new NotFoundError();
};
