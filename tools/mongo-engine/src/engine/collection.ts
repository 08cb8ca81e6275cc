import type { Document } from 'bson';
import { deserialize, ObjectId, serialize, UUID } from 'bson';
import { canonicalKey } from './bson-values';
import type { IndexDef, IndexKey } from './indexes';
import type { Transaction } from './transactions';

/**
 * A document as stored: its BSON bytes (so nothing outside can alias it) plus a
 * parsed view, shared read-only, that matching, sorting and indexing use.
 */
export interface StoredDoc {
  readonly id: string;
  readonly bytes: Buffer;
  readonly view: Document;
}

/** view -> its bytes, so a matcher that needs the stored BSON types ($type) can read them. */
const viewBytes = new WeakMap<Document, Buffer>();

/** The stored document behind a view with its BSON types, or undefined for any other object. */
export function typedDocOf(view: Document): Document | undefined {
  const bytes = viewBytes.get(view);
  return bytes ? deserialize(bytes, { promoteValues: false }) : undefined;
}

/** Puts `_id` first (generating an ObjectId when missing) and freezes the document into bytes. */
export function storeDoc(doc: Document): StoredDoc {
  const ordered: Document = { _id: doc._id === undefined ? new ObjectId() : doc._id };
  for (const [k, v] of Object.entries(doc)) if (k !== '_id') ordered[k] = v;
  const bytes = Buffer.from(serialize(ordered));
  const view = deserialize(bytes);
  viewBytes.set(view, bytes);
  return { id: canonicalKey(view._id), bytes, view };
}

/** A fresh, caller-owned copy with its BSON types (Int32, Long, Double, Decimal128 wrappers). */
export function outputDoc(stored: StoredDoc): Document {
  return deserialize(stored.bytes, { promoteValues: false });
}

/** A fresh copy in the promoted form, for pipelines that compute over it. */
export function computeDoc(stored: StoredDoc): Document {
  return deserialize(stored.bytes);
}

/** One committed state of a document; `doc: null` marks a deletion. */
export interface Version {
  ts: number;
  doc: StoredDoc | null;
}

export const ID_INDEX_SPEC: Document = { v: 2, key: { _id: 1 }, name: '_id_' };

export class Collection {
  /** id -> committed versions, oldest first; older ones are kept only while a snapshot may need them */
  readonly chains = new Map<string, Version[]>();
  readonly indexes: IndexDef[] = [];
  /** documents written by open transactions */
  readonly docLocks = new Map<string, Transaction>();
  /** unique-index keys written by open transactions, as `<index>\0<key>` */
  readonly keyLocks = new Map<string, Transaction>();
  lastCommitTs = 0;
  liveCount = 0;
  readonly uuid = new UUID();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document,
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  latest(id: string): StoredDoc | undefined {
    const chain = this.chains.get(id);
    return chain?.[chain.length - 1]?.doc ?? undefined;
  }

  latestTs(id: string): number {
    const chain = this.chains.get(id);
    return chain?.[chain.length - 1]?.ts ?? 0;
  }

  atSnapshot(id: string, ts: number): StoredDoc | undefined {
    const chain = this.chains.get(id);
    if (!chain) return undefined;
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      const v = chain[i] as Version;
      if (v.ts <= ts) return v.doc ?? undefined;
    }
    return undefined;
  }

  *scanLatest(): Iterable<StoredDoc> {
    for (const chain of this.chains.values()) {
      const doc = chain[chain.length - 1]?.doc;
      if (doc) yield doc;
    }
  }

  findIndex(name: string): IndexDef | undefined {
    return this.indexes.find((i) => i.name === name);
  }

  /**
   * Makes `doc` (or a deletion) the latest committed version of `id` at `ts`,
   * keeping older versions only if a snapshot at or after `oldestSnapshot` can see them.
   */
  commitVersion(id: string, doc: StoredDoc | null, ts: number, oldestSnapshot: number): void {
    const chain = this.chains.get(id) ?? [];
    const previous = chain[chain.length - 1]?.doc ?? null;
    if (previous) {
      for (const index of this.indexes) index.remove(id, index.keysFor(previous.view));
      this.liveCount -= 1;
    }
    if (doc) {
      for (const index of this.indexes) index.add(id, index.keysFor(doc.view));
      this.liveCount += 1;
    }
    chain.push({ ts, doc });
    let keepFrom = 0;
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      if ((chain[i] as Version).ts <= oldestSnapshot) {
        keepFrom = i;
        break;
      }
    }
    const kept = keepFrom > 0 ? chain.slice(keepFrom) : chain;
    if (kept.length === 1 && kept[0]?.doc === null && ts <= oldestSnapshot) this.chains.delete(id);
    else this.chains.set(id, kept);
    this.lastCommitTs = ts;
  }

  /** Builds an index over the latest documents; fails (without adding it) on duplicates of a unique one. */
  addIndex(index: IndexDef, onDuplicate: (key: IndexKey) => never): void {
    for (const doc of this.scanLatest()) {
      const keys = index.keysFor(doc.view);
      if (index.unique) {
        for (const key of keys) {
          const holders = index.entries.get(key.key);
          if (holders && holders.size > 0 && !holders.has(doc.id)) onDuplicate(key);
        }
      }
      index.add(doc.id, keys);
    }
    this.indexes.push(index);
  }
}
