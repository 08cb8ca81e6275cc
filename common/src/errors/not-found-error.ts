import { CustomError, type SerializedError } from './custom-error';

/** 404 `Not Found`: an unknown route, or a resource that does not exist. */
export class NotFoundError extends CustomError {
  readonly statusCode = 404;

  constructor(options?: ErrorOptions) {
    super('Not Found', options);
  }

  serializeErrors(): SerializedError[] {
    return [{ message: 'Not Found' }];
  }
}
