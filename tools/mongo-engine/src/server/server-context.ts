import type { Document } from 'bson';
import type { EngineApi } from '../engine';
import type { CommandLine } from './command-line';
import type { ReplicaSetState } from './replica-set-state';
import type { ServerLog } from './server-log';

/** Server-wide state the command handlers read. */
export interface ServerContext {
  readonly log: ServerLog;
  readonly replSet: ReplicaSetState;
  readonly engine: EngineApi;
  readonly startedAt: Date;
  readonly commandLine: CommandLine;
  /** Values of `--setParameter` and `setParameter`, by name. */
  readonly parameters: Map<string, unknown>;
  /** `host:port` this node calls itself before a replica-set config names it. */
  selfAddress(): string;
  connectionStats(): { current: number; totalCreated: number };
  /** Stops the server after the current reply has been written. */
  requestShutdown(): void;
}

/** What one command knows about the connection it came in on. */
export interface CommandContext {
  readonly connectionId: number;
  /** The client's `ip:port`. */
  readonly remoteAddress: string;
  /** Aborted when the connection closes or the server stops; long waits end on it. */
  readonly signal: AbortSignal;
}

export type AdminHandler = (
  db: string,
  cmd: Document,
  ctx: CommandContext,
  server: ServerContext,
) => Document | Promise<Document>;
