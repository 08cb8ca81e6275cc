import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError, commandError } from '../../errors';
import {
  canonicalKey,
  compareValues,
  isPlainObject,
  normalizeForMatch,
  sortValue,
  valuesAtPath,
} from '../bson-values';
import { type Collection, computeDoc, outputDoc, type StoredDoc } from '../collection';
import { restoreTypes } from '../numeric';
import type { Store } from '../store';
import type { Transaction } from '../transactions';
import { queryContext, withBsonType } from '../type-operator';

/** mingo's wording for an unknown operator, in mongod's. */
function filterError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^unknown query operator (\S+)/.exec(message);
  if (unknown) return commandError('BadValue', `unknown operator: ${unknown[1]}`);
  if (err instanceof CommandError) return err;
  return commandError('BadValue', message);
}

/** Something that decides whether a stored view matches a filter. */
export interface Matcher {
  test(view: Document): boolean;
}

/**
 * Plain equality filters (the findById / findOne({ email }) shape) are matched by
 * canonical keys: building a mingo Query copies its whole operator table, which
 * dominated the cost of small lookups.
 */
function equalityMatcher(filter: Document): Matcher | undefined {
  const wanted: Array<[string, string]> = [];
  for (const [path, value] of Object.entries(filter)) {
    if (path.startsWith('$') || Array.isArray(value) || value instanceof RegExp) return undefined;
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) return undefined;
    wanted.push([path, canonicalKey(value)]);
  }
  return {
    test: (view) =>
      wanted.every(([path, key]) => valuesAtPath(view, path).some((v) => canonicalKey(v) === key)),
  };
}

/** Compiles a filter for matching stored views; mingo's own errors become BadValue. */
export function compileFilter(filter: unknown): Matcher {
  if (
    filter !== undefined &&
    filter !== null &&
    (typeof filter !== 'object' || Array.isArray(filter))
  ) {
    throw commandError(
      'TypeMismatch',
      "BSON field 'filter' is the wrong type, expected type 'object'",
    );
  }
  const fast = equalityMatcher((filter ?? {}) as Document);
  if (fast) return fast;
  const normalized = (normalizeForMatch(filter ?? {}) as Document) ?? {};
  const typed = withBsonType(normalized) as Document | undefined;
  try {
    return typed ? new Query(typed, { context: queryContext }) : new Query(normalized, {});
  } catch (err) {
    throw filterError(err);
  }
}

/** The documents of `coll` visible to `txn` that match `filter`. */
export function matchDocs(
  store: Store,
  coll: Collection | undefined,
  filter: Document | undefined,
  txn: Transaction | undefined,
): StoredDoc[] {
  if (!coll) return [];
  const query = compileFilter(filter);
  const out: StoredDoc[] = [];
  for (const doc of store.candidates(coll, filter ?? {}, txn)) {
    if (query.test(doc.view)) out.push(doc);
  }
  return out;
}

/** Sorts in place by a MongoDB sort spec (arrays sort by their min/max element). */
export function sortDocs(docs: StoredDoc[], sort: Document | undefined): StoredDoc[] {
  if (!sort) return docs;
  const fields = Object.entries(sort).map(
    ([path, dir]) => [path, Number(dir) < 0 ? -1 : 1] as const,
  );
  if (fields.length === 0) return docs;
  const keyed = docs.map((doc) => ({
    doc,
    keys: fields.map(([path, dir]) => sortValue(doc.view, path, dir)),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < fields.length; i += 1) {
      const c = compareValues(a.keys[i], b.keys[i]) * (fields[i] as readonly [string, number])[1];
      if (c !== 0) return c;
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}

/**
 * Caller-owned copies of stored documents, with a find-style projection applied.
 * mingo projects the promoted form; the projected values then get their BSON types back.
 */
export function presentDocs(docs: StoredDoc[], projection: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs.map(outputDoc);
  let projected: Document[];
  try {
    projected = new Query({}, {})
      .find<Document>(docs.map(computeDoc), normalizeForMatch(projection) as Document)
      .all();
  } catch (err) {
    throw commandError('BadValue', err instanceof Error ? err.message : String(err));
  }
  return projected.map((doc, i) => restoreTypes(doc, outputDoc(docs[i] as StoredDoc)) as Document);
}
