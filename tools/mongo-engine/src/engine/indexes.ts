import type { Document } from 'bson';
import { Query } from 'mingo';
import { canonicalKey, normalizeForMatch, valuesAtPath } from './bson-values';

/** One key an index holds for a document: its canonical string and the field values. */
export interface IndexKey {
  key: string;
  values: unknown[];
}

/**
 * A secondary index over the latest committed documents. Entries map a canonical
 * key to the ids of the documents holding it, so equality lookups and uniqueness
 * checks are O(1) per key.
 */
export class IndexDef {
  readonly name: string;
  readonly keyPattern: Document;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partialFilter: Document | undefined;
  private readonly partialQuery: Query | undefined;
  /** canonical key -> ids of committed documents */
  readonly entries = new Map<string, Set<string>>();

  constructor(readonly spec: Document) {
    this.name = String(spec.name);
    this.keyPattern = spec.key as Document;
    this.fields = Object.keys(this.keyPattern);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    this.partialFilter = spec.partialFilterExpression as Document | undefined;
    this.partialQuery = this.partialFilter
      ? new Query(normalizeForMatch(this.partialFilter) as Document, {})
      : undefined;
  }

  /** Usable to find candidates for an equality on `field` (holds every document). */
  coversEquality(field: string): boolean {
    return (
      this.fields.length === 1 && this.fields[0] === field && !this.sparse && !this.partialFilter
    );
  }

  /** The keys this index holds for a document view; none when sparse/partial leaves it out. */
  keysFor(view: Document): IndexKey[] {
    if (this.partialQuery && !this.partialQuery.test(view)) return [];
    const perField = this.fields.map((f) => valuesAtPath(view, f));
    if (this.sparse && perField.every((vals) => vals.every((v) => v === undefined))) return [];
    let combos: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const combo of combos) for (const v of vals) next.push([...combo, v]);
      combos = next;
    }
    const seen = new Map<string, IndexKey>();
    for (const values of combos) {
      const key = values.map(canonicalKey).join('|');
      if (!seen.has(key)) seen.set(key, { key, values });
    }
    return [...seen.values()];
  }

  add(id: string, keys: IndexKey[]): void {
    for (const { key } of keys) {
      let ids = this.entries.get(key);
      if (!ids) {
        ids = new Set();
        this.entries.set(key, ids);
      }
      ids.add(id);
    }
  }

  remove(id: string, keys: IndexKey[]): void {
    for (const { key } of keys) {
      const ids = this.entries.get(key);
      if (!ids) continue;
      ids.delete(id);
      if (ids.size === 0) this.entries.delete(key);
    }
  }

  /** The `{ field: value }` document mongod reports as `keyValue` for a key. */
  keyValue(key: IndexKey): Document {
    const out: Document = {};
    this.fields.forEach((f, i) => {
      const v = key.values[i];
      out[f] = v === undefined ? null : v;
    });
    return out;
  }

  /** Same definition, ignoring the name and the version field. */
  sameSpecAs(other: Document): boolean {
    const norm = (d: Document): string =>
      canonicalKey({
        key: d.key,
        unique: d.unique === true,
        sparse: d.sparse === true,
        partial: d.partialFilterExpression ?? null,
        ttl: d.expireAfterSeconds ?? null,
      });
    return norm(this.spec) === norm(other);
  }

  sameKeyAs(other: Document): boolean {
    return canonicalKey(this.keyPattern) === canonicalKey(other.key);
  }
}
