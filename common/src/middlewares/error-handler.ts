import type { ErrorRequestHandler } from 'express';
import { type Logger, pino } from 'pino';
import { CustomError, type SerializedError } from '../errors/custom-error';

/** Options of {@link createErrorHandler}. */
export interface ErrorHandlerOptions {
  /** Logs unexpected errors when the request has no `req.log` (no `requestLogger` mounted). */
  logger?: Logger;
}

interface Reply {
  status: number;
  errors: SerializedError[];
}

/**
 * Builds the one error-handling middleware; mount it last. Every error body is
 * `{ errors: [{ message, field? }] }`:
 * - `CustomError` → its `statusCode` and `serializeErrors()` (5xx ones are also logged);
 * - a mongoose `CastError` on an ObjectId path (a malformed id) → 400 `Invalid <path>`,
 *   also inside a `ValidationError` made only of such casts;
 * - a body that is not valid JSON → 400; a body over the parser's limit → 413;
 *   other client errors raised by the body parser → their status and message;
 * - anything else → 500 `Something went wrong`, logged with its stack; nothing of it is sent.
 */
export function createErrorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const log = req.log ?? options.logger ?? fallbackLogger();
    if (res.headersSent) {
      // Too late for an error body; Express's default handler closes the connection.
      log.error({ err }, 'error after the response started');
      next(err);
      return;
    }
    const reply = knownReply(err);
    if (reply === undefined) {
      log.error({ err }, 'unhandled error');
      res.status(500).json({ errors: [{ message: 'Something went wrong' }] });
      return;
    }
    if (reply.status >= 500) {
      log.error({ err }, 'request failed');
    }
    res.status(reply.status).json({ errors: reply.errors });
  };
}

/** {@link createErrorHandler} with no options: logs through `req.log`. `app.use(errorHandler)`. */
export const errorHandler: ErrorRequestHandler = createErrorHandler();

function knownReply(err: unknown): Reply | undefined {
  if (err instanceof CustomError) {
    return { status: err.statusCode, errors: err.serializeErrors() };
  }
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }
  const malformedId = objectIdCastPath(err);
  if (malformedId !== undefined) {
    return { status: 400, errors: [{ message: `Invalid ${malformedId}`, field: malformedId }] };
  }
  // A document saved with a malformed id fails validation with one CastError per path.
  // Only when every failure is such a cast is it the client's fault; a rule the
  // service forgot to check first stays a 500.
  if ('name' in err && err.name === 'ValidationError' && 'errors' in err) {
    const causes: unknown[] =
      typeof err.errors === 'object' && err.errors !== null ? Object.values(err.errors) : [];
    const paths = causes.map(objectIdCastPath).filter((path): path is string => path !== undefined);
    if (paths.length > 0 && paths.length === causes.length) {
      return {
        status: 400,
        errors: paths.map((path) => ({ message: `Invalid ${path}`, field: path })),
      };
    }
  }
  // body-parser's errors are http-errors: `type` says what failed, `expose` that the
  // message was written for the client.
  const type = 'type' in err ? err.type : undefined;
  if (type === 'entity.parse.failed') {
    return { status: 400, errors: [{ message: 'Request body is not valid JSON' }] };
  }
  if (type === 'entity.too.large') {
    return { status: 413, errors: [{ message: 'Request body is too large' }] };
  }
  if (
    'expose' in err &&
    err.expose === true &&
    'status' in err &&
    typeof err.status === 'number' &&
    err.status >= 400 &&
    err.status < 500 &&
    'message' in err &&
    typeof err.message === 'string'
  ) {
    return { status: err.status, errors: [{ message: err.message }] };
  }
  return undefined;
}

// Duck-typed so that common does not load mongoose just for an instanceof.
function objectIdCastPath(err: unknown): string | undefined {
  if (
    typeof err === 'object' &&
    err !== null &&
    'name' in err &&
    err.name === 'CastError' &&
    'kind' in err &&
    err.kind === 'ObjectId' &&
    'path' in err &&
    typeof err.path === 'string'
  ) {
    return err.path;
  }
  return undefined;
}

let defaultLogger: Logger | undefined;
function fallbackLogger(): Logger {
  defaultLogger ??= pino({ timestamp: pino.stdTimeFunctions.isoTime });
  return defaultLogger;
}
