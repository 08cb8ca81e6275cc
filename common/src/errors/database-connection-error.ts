import { CustomError, type SerializedError } from './custom-error';

/** 500 `Error connecting to database`: the store is unreachable; pass the driver's error as `cause`. */
export class DatabaseConnectionError extends CustomError {
  readonly statusCode = 500;

  constructor(options?: ErrorOptions) {
    super('Error connecting to database', options);
  }

  serializeErrors(): SerializedError[] {
    return [{ message: 'Error connecting to database' }];
  }
}
