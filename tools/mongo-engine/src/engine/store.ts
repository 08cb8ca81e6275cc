import type { Document } from 'bson';
import { commandError } from '../errors';
import { canonicalKey, formatDocument, isOperatorObject, isPlainObject } from './bson-values';
import { Collection, ID_INDEX_SPEC, type StoredDoc } from './collection';
import { IndexDef, type IndexKey } from './indexes';
import type { Transaction } from './transactions';

/** Thrown (and caught by {@link Store.retryWhileLocked}) when a plain write hits a transaction's lock. */
export class LockedByTransaction extends Error {
  constructor(readonly txn: Transaction) {
    super('locked by an open transaction');
  }
}

const TRANSIENT = ['TransientTransactionError'];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The values a filter requires `field` to equal, when it is a plain equality or `$in`. */
export function equalityValues(filter: Document, field: string): unknown[] | undefined {
  if (!Object.hasOwn(filter, field)) return undefined;
  const v: unknown = filter[field];
  if (v instanceof RegExp || Array.isArray(v)) return undefined;
  if (isOperatorObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1) return undefined;
    if (keys[0] === '$eq' && !Array.isArray(v.$eq) && !(v.$eq instanceof RegExp)) return [v.$eq];
    if (keys[0] === '$in' && Array.isArray(v.$in)) {
      const vals = v.$in as unknown[];
      return vals.some((x) => x instanceof RegExp || Array.isArray(x) || isOperatorObject(x))
        ? undefined
        : vals;
    }
    return undefined;
  }
  if (isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'))) return undefined;
  return [v];
}

/**
 * Databases, collections and the multi-version document store. Every read and
 * write names the transaction it runs in (or none), which decides what it sees
 * and how a conflict is reported.
 */
export class Store {
  /** commit timestamp of the latest write */
  clock = 0;
  readonly databases = new Map<string, Map<string, Collection>>();
  readonly activeTxns = new Set<Transaction>();

  constructor(private readonly lockWaitMs: number) {}

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** Implicit creation, as a write to a missing collection does. */
  ensureCollection(db: string, name: string, options: Document = {}): Collection {
    const existing = this.getCollection(db, name);
    if (existing) return existing;
    let colls = this.databases.get(db);
    if (!colls) {
      colls = new Map();
      this.databases.set(db, colls);
    }
    const coll = new Collection(db, name, options);
    colls.set(name, coll);
    return coll;
  }

  oldestSnapshot(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const t of this.activeTxns)
      if (t.snapshotTs !== undefined && t.snapshotTs < oldest) oldest = t.snapshotTs;
    return oldest;
  }

  begin(txn: Transaction): void {
    this.activeTxns.add(txn);
  }

  /** Fixes the snapshot at the transaction's first operation. */
  touch(txn: Transaction): void {
    txn.snapshotTs ??= this.clock;
    txn.lastUsed = Date.now();
  }

  commit(txn: Transaction): void {
    this.activeTxns.delete(txn);
    if (txn.writes.size > 0) {
      const ts = ++this.clock;
      const oldest = this.oldestSnapshot();
      for (const [coll, writes] of txn.writes) {
        for (const [id, doc] of writes) coll.commitVersion(id, doc, ts, oldest);
      }
    }
    txn.finish('committed');
  }

  abort(txn: Transaction, reason: string): void {
    if (txn.state !== 'active') return;
    this.activeTxns.delete(txn);
    txn.abortReason = reason;
    txn.writes.clear();
    txn.finish('aborted');
  }

  // ---- reads ----

  visible(coll: Collection, id: string, txn: Transaction | undefined): StoredDoc | undefined {
    if (!txn) return coll.latest(id);
    const own = txn.writes.get(coll);
    if (own?.has(id)) return own.get(id) ?? undefined;
    return coll.atSnapshot(id, txn.snapshotTs ?? this.clock);
  }

  *scan(coll: Collection, txn: Transaction | undefined): Iterable<StoredDoc> {
    if (!txn) {
      yield* coll.scanLatest();
      return;
    }
    const own = txn.writes.get(coll);
    const snap = txn.snapshotTs ?? this.clock;
    for (const id of coll.chains.keys()) {
      if (own?.has(id)) continue;
      const doc = coll.atSnapshot(id, snap);
      if (doc) yield doc;
    }
    if (own) for (const doc of own.values()) if (doc) yield doc;
  }

  /** A superset of the documents matching `filter`, narrowed by `_id` or a single-field index when it can be. */
  candidates(
    coll: Collection,
    filter: Document,
    txn: Transaction | undefined,
  ): Iterable<StoredDoc> {
    const ids = equalityValues(filter, '_id');
    if (ids) return this.lookup(coll, new Set(ids.map(canonicalKey)), txn);
    // Index entries track the latest commit only, so a transaction can use them
    // when nothing was committed to the collection since its snapshot.
    if (!txn || coll.lastCommitTs <= (txn.snapshotTs ?? this.clock)) {
      for (const index of coll.indexes) {
        const field = index.fields[0] as string;
        if (!index.coversEquality(field)) continue;
        const values = equalityValues(filter, field);
        if (!values) continue;
        const found = new Set<string>();
        for (const v of values)
          for (const id of index.entries.get(canonicalKey(v)) ?? []) found.add(id);
        for (const id of txn?.writes.get(coll)?.keys() ?? []) found.add(id);
        return this.lookup(coll, found, txn);
      }
    }
    return this.scan(coll, txn);
  }

  private *lookup(
    coll: Collection,
    ids: Set<string>,
    txn: Transaction | undefined,
  ): Iterable<StoredDoc> {
    for (const id of ids) {
      const doc = this.visible(coll, id, txn);
      if (doc) yield doc;
    }
  }

  // ---- writes ----

  /** Reports a duplicate the way mongod does (keyPattern and keyValue are read by mongoose). */
  duplicateKeyError(
    coll: Collection,
    index: { name: string; keyPattern: Document },
    keyValue: Document,
  ): Error {
    return commandError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${coll.ns} index: ${index.name} dup key: ${formatDocument(keyValue)}`,
      [],
      { keyPattern: index.keyPattern, keyValue },
    );
  }

  private idDuplicate(coll: Collection, doc: StoredDoc): Error {
    return this.duplicateKeyError(
      coll,
      { name: '_id_', keyPattern: ID_INDEX_SPEC.key as Document },
      { _id: doc.view._id },
    );
  }

  /** Aborts the transaction that ran into a conflict and reports it as retryable. */
  writeConflict(txn: Transaction): Error {
    this.abort(txn, 'write conflict');
    return commandError(
      'WriteConflict',
      'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
      TRANSIENT,
    );
  }

  private newUniqueKeys(
    index: IndexDef,
    before: StoredDoc | undefined,
    after: StoredDoc,
  ): IndexKey[] {
    const keys = index.keysFor(after.view);
    if (!before || keys.length === 0) return keys;
    const old = new Set(index.keysFor(before.view).map((k) => k.key));
    return keys.filter((k) => !old.has(k.key));
  }

  /**
   * Writes one document version (null = delete). `before` is the version the
   * caller read; `insert` says the id must not exist yet. Without a transaction
   * the write commits at once, or throws LockedByTransaction.
   */
  write(
    coll: Collection,
    id: string,
    before: StoredDoc | undefined,
    after: StoredDoc | null,
    txn: Transaction | undefined,
    insert = false,
  ): void {
    if (txn) this.writeInTransaction(coll, id, before, after, txn, insert);
    else this.writePlain(coll, id, before, after, insert);
  }

  /** Throws LockedByTransaction if any of these plain writes would touch a transaction's document or key. */
  assertUnlocked(
    coll: Collection,
    changes: Array<{ id: string; before?: StoredDoc; after: StoredDoc | null }>,
  ): void {
    for (const c of changes) {
      const holder = coll.docLocks.get(c.id);
      if (holder) throw new LockedByTransaction(holder);
      if (!c.after) continue;
      for (const index of coll.indexes) {
        if (!index.unique) continue;
        for (const key of this.newUniqueKeys(index, c.before, c.after)) {
          const keyHolder = coll.keyLocks.get(`${index.name}\0${key.key}`);
          if (keyHolder) throw new LockedByTransaction(keyHolder);
        }
      }
    }
  }

  private writePlain(
    coll: Collection,
    id: string,
    before: StoredDoc | undefined,
    after: StoredDoc | null,
    insert: boolean,
  ): void {
    this.assertUnlocked(coll, [{ id, before, after }]);
    if (after) {
      if (insert && coll.latest(id)) throw this.idDuplicate(coll, after);
      for (const index of coll.indexes) {
        if (!index.unique) continue;
        for (const key of this.newUniqueKeys(index, before, after)) {
          const holders = index.entries.get(key.key);
          if (holders && [...holders].some((h) => h !== id)) {
            throw this.duplicateKeyError(coll, index, index.keyValue(key));
          }
        }
      }
    }
    coll.commitVersion(id, after, ++this.clock, this.oldestSnapshot());
  }

  private writeInTransaction(
    coll: Collection,
    id: string,
    before: StoredDoc | undefined,
    after: StoredDoc | null,
    txn: Transaction,
    insert: boolean,
  ): void {
    const snap = txn.snapshotTs ?? this.clock;
    const own = txn.writes.get(coll);
    const holder = coll.docLocks.get(id);
    if (holder && holder !== txn) throw this.writeConflict(txn);
    if (!own?.has(id) && coll.latestTs(id) > snap) throw this.writeConflict(txn);
    const newKeys: Array<[IndexDef, IndexKey]> = [];
    if (after) {
      if (insert && this.visible(coll, id, txn)) throw this.idDuplicate(coll, after);
      for (const index of coll.indexes) {
        if (!index.unique) continue;
        for (const key of this.newUniqueKeys(index, before, after)) {
          const keyHolder = coll.keyLocks.get(`${index.name}\0${key.key}`);
          if (keyHolder && keyHolder !== txn) throw this.writeConflict(txn);
          for (const h of index.entries.get(key.key) ?? []) {
            if (h === id) continue;
            if (own?.has(h)) {
              const mine = own.get(h);
              if (mine && index.keysFor(mine.view).some((k) => k.key === key.key)) {
                throw this.duplicateKeyError(coll, index, index.keyValue(key));
              }
              continue;
            }
            if (coll.latestTs(h) > snap) throw this.writeConflict(txn);
            throw this.duplicateKeyError(coll, index, index.keyValue(key));
          }
          for (const [wid, wdoc] of own ?? []) {
            if (wid === id || !wdoc) continue;
            if (index.keysFor(wdoc.view).some((k) => k.key === key.key)) {
              throw this.duplicateKeyError(coll, index, index.keyValue(key));
            }
          }
          newKeys.push([index, key]);
        }
      }
    }
    txn.writesFor(coll).set(id, after);
    if (coll.docLocks.get(id) !== txn) {
      coll.docLocks.set(id, txn);
      txn.lockedDocs.push([coll, id]);
    }
    for (const [index, key] of newKeys) {
      const lockKey = `${index.name}\0${key.key}`;
      if (coll.keyLocks.get(lockKey) !== txn) {
        coll.keyLocks.set(lockKey, txn);
        txn.lockedKeys.push([coll, lockKey]);
      }
    }
  }

  /**
   * Runs a plain (non-transactional) statement, waiting for the transaction that
   * holds a lock it needs rather than overwriting its work; gives up with
   * WriteConflict after the configured wait.
   */
  async retryWhileLocked<T>(statement: () => T, expireIdle: () => void): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    for (;;) {
      try {
        return statement();
      } catch (err) {
        if (!(err instanceof LockedByTransaction)) throw err;
        expireIdle();
        if (err.txn.state !== 'active') continue;
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw commandError(
            'WriteConflict',
            'Write conflict: the document is being written by an open transaction. Please retry your operation.',
          );
        }
        await Promise.race([err.txn.done, sleep(Math.min(remaining, 50))]);
      }
    }
  }

  createIndex(coll: Collection, spec: Document): void {
    const index = new IndexDef(spec);
    coll.addIndex(index, (key) => {
      throw this.duplicateKeyError(coll, index, index.keyValue(key));
    });
  }
}
