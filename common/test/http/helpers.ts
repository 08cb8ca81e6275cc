import type { DestinationStream } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino destination that keeps every line, parsed, and lets a test await one. */
export interface LogSink extends DestinationStream {
  lines: LogLine[];
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine>;
}

export function createLogSink(): LogSink {
  const lines: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  return {
    lines,
    write(chunk: string) {
      const line = JSON.parse(chunk) as LogLine;
      lines.push(line);
      for (const waiter of waiters.splice(0)) {
        if (waiter.match(line)) {
          waiter.resolve(line);
        } else {
          waiters.push(waiter);
        }
      }
    },
    waitFor(match) {
      const seen = lines.find(match);
      if (seen !== undefined) {
        return Promise.resolve(seen);
      }
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** pino's numeric levels, for readable assertions. */
export const LEVEL = { info: 30, warn: 40, error: 50 } as const;
