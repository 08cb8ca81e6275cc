import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare global {
  namespace Express {
    interface Request {
      /** This request's id: a sane incoming `x-request-id`, else a fresh UUID. Set by `requestLogger`. */
      id?: string;
      /** A child logger bound to `reqId`. Set by `requestLogger`. */
      log?: Logger;
    }
  }
}

// A caller-supplied id ends up in every log line of the request, so it must be
// short and plain: no spaces, quotes or control characters to forge log lines with.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (echoed in the `x-request-id` response header) and a
 * child logger `req.log`, and logs method, path, status and duration once the
 * response is done: `info` below 400, `warn` for 4xx, `error` for 5xx. Mount it first.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    const id = incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ reqId: id });
    req.id = id;
    req.log = log;
    res.setHeader('x-request-id', id);

    res.once('close', () => {
      const fields = {
        method: req.method,
        // The query string is left out: it may carry what should not sit in logs.
        path: req.originalUrl.split('?', 1)[0],
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - startedAt) / 1e6,
      };
      if (!res.writableFinished) {
        log.warn({ ...fields, aborted: true }, 'request aborted');
      } else if (res.statusCode >= 500) {
        log.error(fields, 'request completed');
      } else if (res.statusCode >= 400) {
        log.warn(fields, 'request completed');
      } else {
        log.info(fields, 'request completed');
      }
    });
    next();
  };
}
