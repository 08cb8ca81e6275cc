import type { RequestHandler } from 'express';
import { validationResult } from 'express-validator';
import { RequestValidationError } from '../errors/request-validation-error';

/**
 * Runs after express-validator's chains: throws `RequestValidationError` (400, one
 * entry per failed rule with its field) when any of them failed.
 */
export const validateRequest: RequestHandler = (req, _res, next) => {
  const result = validationResult(req);
  if (!result.isEmpty()) {
    throw new RequestValidationError(result.array());
  }
  next();
};
