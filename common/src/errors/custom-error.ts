/** One entry of an error response body. `field` names the request field at fault, if any. */
export interface SerializedError {
  message: string;
  field?: string;
}

/** The body every error response has: `{ errors: [{ message, field? }] }`. */
export interface ErrorResponseBody {
  errors: SerializedError[];
}

/**
 * Base class of every expected failure. Throw a subclass from a route, a middleware
 * or a model; `errorHandler` turns it into `statusCode` and `{ errors: serializeErrors() }`.
 *
 * @example
 * class TicketReservedError extends CustomError {
 *   readonly statusCode = 400;
 *   constructor() { super('Cannot edit a reserved ticket'); }
 *   serializeErrors() { return [{ message: this.message }]; }
 * }
 */
export abstract class CustomError extends Error {
  /** The HTTP status the error handler answers with. */
  abstract readonly statusCode: number;

  /**
   * @param message What went wrong; also what most subclasses send to the client.
   * @param options `cause`: the underlying error, kept for logs, never sent.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // new.target so that every subclass, including the services' own, gets its class name.
    this.name = new.target.name;
  }

  /** The entries of the response body's `errors` array. */
  abstract serializeErrors(): SerializedError[];
}
