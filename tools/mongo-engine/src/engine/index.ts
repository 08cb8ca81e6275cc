import type { Document } from 'bson';
import { CommandError, commandError } from '../errors';
import { toNumber } from './bson-values';
import type { CommandContext, CommandHandler } from './commands/context';
import { ddlCommands } from './commands/ddl-commands';
import { readCommands } from './commands/read-commands';
import { sessionCommands, sessionKeyOf } from './commands/session-commands';
import { writeCommands } from './commands/write-commands';
import { CursorRegistry } from './cursors';
import { Store } from './store';
import { type Session, Transaction } from './transactions';

/** What the storage engine needs to know about the process it runs in. */
export interface EngineOptions {
  /** True once this node is a replica-set primary; transactions and retryable writes need it. */
  isReplicaSet: () => boolean;
  /** Transactions idle longer than this are aborted (mongod's transactionLifetimeLimitSeconds); default 60 s. */
  transactionLifetimeMs?: number;
  /** How long a plain write waits for a transaction holding its document before WriteConflict; default 5 s. */
  lockWaitMs?: number;
}

/**
 * The storage and query engine: databases, collections, indexes, cursors,
 * sessions and transactions. The wire server hands it every data command.
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

const TRANSIENT = ['TransientTransactionError'];
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);
const TXN_CONTROL = new Set(['commitTransaction', 'abortTransaction']);

/** The in-memory engine behind the wire server. */
export class Engine implements EngineApi {
  private readonly handlers = new Map<string, CommandHandler>(
    Object.entries({ ...ddlCommands, ...readCommands, ...writeCommands, ...sessionCommands }),
  );
  readonly commandNames: ReadonlySet<string> = new Set(this.handlers.keys());
  private readonly store: Store;
  private readonly cursors = new CursorRegistry();
  private readonly sessions = new Map<string, Session>();
  private readonly lifetimeMs: number;

  constructor(private readonly options: EngineOptions) {
    this.store = new Store(options.lockWaitMs ?? 5000);
    this.lifetimeMs = options.transactionLifetimeMs ?? 60_000;
  }

  listDatabases(): Array<{ name: string; sizeOnDisk: number; empty: boolean }> {
    return [...this.store.databases.entries()].map(([name, colls]) => {
      let size = 0;
      for (const coll of colls.values())
        for (const doc of coll.scanLatest()) size += doc.bytes.length;
      return { name, sizeOnDisk: size, empty: colls.size === 0 };
    });
  }

  async runCommand(db: string, cmd: Document): Promise<Document> {
    const name = Object.keys(cmd)[0] ?? '';
    const handler = this.handlers.get(name);
    if (!handler) throw commandError('CommandNotFound', `no such command: '${name}'`);
    this.expireIdle();
    const { session, txn, retryNumber } = this.resolveSession(name, cmd);
    if (retryNumber !== undefined && session && WRITE_COMMANDS.has(name)) {
      const last = session.lastRetryable;
      if (last && last.txnNumber === retryNumber) return { ...last.reply };
    }
    const ctx: CommandContext = {
      db,
      cmd,
      store: this.store,
      cursors: this.cursors,
      txn,
      session,
      expireIdle: () => this.expireIdle(),
      endSession: (key) => this.endSession(key),
    };
    try {
      const reply = await handler(ctx);
      if (retryNumber !== undefined && session && WRITE_COMMANDS.has(name)) {
        // Replies are built fresh per command and never mutated afterwards, so the
        // retry answer can share it (structuredClone would also strip BSON wrappers).
        session.lastRetryable = { txnNumber: retryNumber, reply };
      }
      return reply;
    } catch (err) {
      // Inside a transaction mongod aborts it on any failed statement.
      if (txn && err instanceof CommandError && !TXN_CONTROL.has(name))
        this.store.abort(txn, err.message);
      throw err;
    }
  }

  /** Finds the session and transaction a command belongs to, enforcing mongod's transaction rules. */
  private resolveSession(
    name: string,
    cmd: Document,
  ): { session?: Session; txn?: Transaction; retryNumber?: number } {
    const key = sessionKeyOf(cmd.lsid);
    const txnNumber = cmd.txnNumber === undefined ? undefined : toNumber(cmd.txnNumber);
    if (txnNumber !== undefined && !this.options.isReplicaSet()) {
      throw commandError(
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    if (!key) {
      if (cmd.autocommit === false)
        throw commandError('InvalidOptions', 'Transactions require a session (lsid)');
      return {};
    }
    let session = this.sessions.get(key);
    if (!session) {
      session = {
        key,
        txn: undefined,
        highestTxnNumber: -1,
        lastRetryable: undefined,
        lastUsed: Date.now(),
      };
      this.sessions.set(key, session);
    }
    session.lastUsed = Date.now();
    if (txnNumber === undefined) {
      if (TXN_CONTROL.has(name))
        throw commandError('InvalidOptions', `${name} must be run with a txnNumber`);
      return { session };
    }
    if (cmd.autocommit === undefined) {
      if (txnNumber < session.highestTxnNumber) {
        throw commandError(
          'TransactionTooOld',
          `Retryable write with txnNumber ${txnNumber} is prohibited on session because a newer retryable write with txnNumber ${session.highestTxnNumber} has already started on this session.`,
        );
      }
      if (session.txn?.state === 'active')
        this.store.abort(session.txn, 'superseded by a newer txnNumber');
      session.highestTxnNumber = txnNumber;
      return { session, retryNumber: txnNumber };
    }
    if (cmd.autocommit !== false)
      throw commandError('InvalidOptions', 'autocommit must be false when specified');
    if (txnNumber < session.highestTxnNumber) {
      throw commandError(
        'TransactionTooOld',
        `Cannot start transaction ${txnNumber} on session because a newer transaction ${session.highestTxnNumber} has already started.`,
      );
    }
    if (cmd.startTransaction === true) {
      if (session.txn && session.txn.txnNumber === txnNumber) {
        throw new CommandError(
          117,
          'ConflictingOperationInProgress',
          `Transaction ${txnNumber} has already been started.`,
        );
      }
      if (session.txn?.state === 'active')
        this.store.abort(session.txn, 'superseded by a newer transaction');
      const txn = new Transaction(key, txnNumber);
      this.store.begin(txn);
      session.txn = txn;
      session.highestTxnNumber = txnNumber;
      return { session, txn };
    }
    const txn = session.txn;
    if (!txn || txn.txnNumber !== txnNumber) {
      throw commandError(
        'NoSuchTransaction',
        `Given transaction number ${txnNumber} does not match any in-progress transactions. The active transaction number is ${session.txn?.txnNumber ?? -1}`,
        TRANSIENT,
      );
    }
    if (!TXN_CONTROL.has(name)) {
      if (txn.state === 'aborted') {
        throw commandError(
          'NoSuchTransaction',
          `Transaction with { txnNumber: ${txnNumber} } has been aborted.`,
          TRANSIENT,
        );
      }
      if (txn.state === 'committed') {
        throw commandError(
          'TransactionCommitted',
          `Transaction with { txnNumber: ${txnNumber} } has been committed.`,
        );
      }
    }
    txn.lastUsed = Date.now();
    return { session, txn };
  }

  private expireIdle(): void {
    const cutoff = Date.now() - this.lifetimeMs;
    for (const txn of [...this.store.activeTxns]) {
      if (txn.lastUsed < cutoff) this.store.abort(txn, 'transaction lifetime exceeded');
    }
  }

  private endSession(key: string): void {
    const session = this.sessions.get(key);
    if (session?.txn?.state === 'active') this.store.abort(session.txn, 'session ended');
    this.sessions.delete(key);
  }
}
