import type { ValidationError } from 'express-validator';
import { CustomError, type SerializedError } from './custom-error';

/**
 * 400: express-validator rejected the request. Each failed rule becomes one entry,
 * `{ message: <the rule's message>, field: <the param path> }`. `validateRequest` throws it.
 */
export class RequestValidationError extends CustomError {
  readonly statusCode = 400;

  /** @param errors What `validationResult(req).array()` returned. */
  constructor(
    readonly errors: ValidationError[],
    options?: ErrorOptions,
  ) {
    super('Invalid request parameters', options);
  }

  serializeErrors(): SerializedError[] {
    return this.errors.flatMap((error): SerializedError[] => {
      const message = messageOf(error.msg);
      if (error.type === 'field') {
        return [{ message, field: error.path }];
      }
      if (error.type === 'unknown_fields') {
        return error.fields.map((field) => ({ message, field: field.path }));
      }
      // oneOf() alternatives: no single field is at fault, so the entry names none.
      return [{ message }];
    });
  }
}

// express-validator lets a rule's message be any value; the response needs a string.
function messageOf(msg: unknown): string {
  return typeof msg === 'string' ? msg : String(msg);
}
