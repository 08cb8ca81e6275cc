import { CustomError, type SerializedError } from './custom-error';

/** 400: the request is well-formed but breaks a rule ("Email in use", "Ticket is already reserved"). */
export class BadRequestError extends CustomError {
  readonly statusCode = 400;

  /**
   * @param message Sent to the client as is.
   * @param field The request field at fault, if the failure is about one.
   */
  constructor(
    message: string,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  serializeErrors(): SerializedError[] {
    return this.field === undefined
      ? [{ message: this.message }]
      : [{ message: this.message, field: this.field }];
  }
}
