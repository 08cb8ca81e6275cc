import type { Document } from 'bson';

export type LogSeverity = 'F' | 'E' | 'W' | 'I' | 'D1';

/** Where finished log lines go (the CLI writes them to stdout; in-process use may drop them). */
export type LogSink = (line: string) => void;

const KEPT_LINES = 1024;

/**
 * mongod 4.4+'s structured log: one JSON object per line. mongodb-memory-server
 * reads these lines to learn that the server listens and that it became primary,
 * so the message texts of those lines must stay as mongod writes them.
 */
export class ServerLog {
  private readonly recent: string[] = [];
  private written = 0;

  constructor(private readonly sink: LogSink = () => {}) {}

  write(
    severity: LogSeverity,
    component: string,
    id: number,
    ctx: string,
    msg: string,
    attr?: Document,
  ): void {
    const entry: Document = {
      t: { $date: new Date().toISOString().replace('Z', '+00:00') },
      s: severity,
      c: component,
      id,
      ctx,
      msg,
    };
    if (attr) entry.attr = attr;
    const line = JSON.stringify(entry);
    this.recent.push(line);
    if (this.recent.length > KEPT_LINES) this.recent.shift();
    this.written += 1;
    this.sink(`${line}\n`);
  }

  info(component: string, id: number, ctx: string, msg: string, attr?: Document): void {
    this.write('I', component, id, ctx, msg, attr);
  }

  /** The last lines written, for the `getLog` command. */
  lines(): { totalLinesWritten: number; log: string[] } {
    return { totalLinesWritten: this.written, log: [...this.recent] };
  }
}
