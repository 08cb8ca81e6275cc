import type { Document } from 'bson';
import type { Collection, StoredDoc } from './collection';

export type TransactionState = 'active' | 'committed' | 'aborted';

let nextTransactionId = 1;

/**
 * One multi-document transaction: a snapshot timestamp taken at its first
 * operation, its own uncommitted writes, and the locks that make concurrent
 * writers of the same documents or unique keys conflict.
 */
export class Transaction {
  readonly id = nextTransactionId++;
  state: TransactionState = 'active';
  /** undefined until the first operation runs */
  snapshotTs: number | undefined;
  /** per collection: id -> this transaction's version (null = deleted) */
  readonly writes = new Map<Collection, Map<string, StoredDoc | null>>();
  readonly lockedDocs: Array<[Collection, string]> = [];
  readonly lockedKeys: Array<[Collection, string]> = [];
  lastUsed = Date.now();
  /** why the server aborted it, for the NoSuchTransaction message */
  abortReason: string | undefined;
  private resolveDone: () => void = () => undefined;
  /** settles when the transaction commits or aborts, releasing its locks */
  readonly done: Promise<void> = new Promise<void>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    readonly sessionKey: string,
    readonly txnNumber: number,
  ) {}

  writesFor(coll: Collection): Map<string, StoredDoc | null> {
    let m = this.writes.get(coll);
    if (!m) {
      m = new Map();
      this.writes.set(coll, m);
    }
    return m;
  }

  /** Drops every lock and wakes the writers waiting on them. */
  finish(state: 'committed' | 'aborted'): void {
    this.state = state;
    for (const [coll, id] of this.lockedDocs)
      if (coll.docLocks.get(id) === this) coll.docLocks.delete(id);
    for (const [coll, key] of this.lockedKeys)
      if (coll.keyLocks.get(key) === this) coll.keyLocks.delete(key);
    this.lockedDocs.length = 0;
    this.lockedKeys.length = 0;
    this.resolveDone();
  }
}

/** Server-side state of one logical session (`lsid`). */
export interface Session {
  readonly key: string;
  txn: Transaction | undefined;
  /** highest txnNumber seen, for TransactionTooOld */
  highestTxnNumber: number;
  /** reply of the last retryable write, so a retry of the same txnNumber is not applied twice */
  lastRetryable: { txnNumber: number; reply: Document } | undefined;
  lastUsed: number;
}
