import type { Document } from 'bson';

/** What the storage engine needs to know about the process it runs in. */
export interface EngineOptions {
  /** True once this node is a replica-set primary; transactions and retryable writes need it. */
  isReplicaSet: () => boolean;
}

/**
 * The storage and query engine: databases, collections, indexes, cursors,
 * sessions and transactions. The wire server hands it every data command.
 * (Interface only; the implementation lands in this folder.)
 */
export interface EngineApi {
  /** Command names (lower-case as sent, e.g. `find`, `findAndModify`) this engine answers. */
  readonly commandNames: ReadonlySet<string>;
  /**
   * Runs one command against database `db`. `cmd` is the command document as the
   * driver sent it (first key = command name; `lsid`, `txnNumber`, `autocommit`,
   * `startTransaction`, `$db` included), with OP_MSG document sequences already
   * merged in as arrays. Resolves to the reply (with `ok: 1`); throws CommandError.
   */
  runCommand(db: string, cmd: Document): Promise<Document>;
  /** Names and sizes of the databases that exist, for `listDatabases`. */
  listDatabases(): Array<{ name: string; sizeOnDisk: number; empty: boolean }>;
}
