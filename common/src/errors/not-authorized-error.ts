import { CustomError, type SerializedError } from './custom-error';

/** 401 `Not authorized`: no signed-in user, or the user does not own the resource. */
export class NotAuthorizedError extends CustomError {
  readonly statusCode = 401;

  constructor(options?: ErrorOptions) {
    super('Not authorized', options);
  }

  serializeErrors(): SerializedError[] {
    return [{ message: 'Not authorized' }];
  }
}
