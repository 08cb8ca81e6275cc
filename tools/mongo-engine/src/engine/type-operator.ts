import type { Document } from 'bson';
import { Context } from 'mingo';
import { commandError } from '../errors';
import { isPlainObject } from './bson-values';
import { typedDocOf } from './collection';
import { bsonTypeName } from './numeric';

/*
 * mingo's $type sees the promoted view, where int, long and double are all JS
 * numbers (and Decimal128 is no number at all). This $type reads the stored BSON
 * types instead, from the document behind the view.
 */

const TYPE_CODES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

type QueryOps = Parameters<Context['addQueryOps']>[0];

const NUMBER_CODES = new Set([1, 16, 18, 19]);

/** The type codes one `$type` argument stands for ('number' is four of them). */
function codesOf(spec: unknown): number[] {
  if (Array.isArray(spec)) return spec.flatMap(codesOf);
  if (spec === 'number') return [...NUMBER_CODES];
  if (typeof spec === 'string') {
    const code = TYPE_CODES[spec];
    if (code === undefined) throw commandError('BadValue', `Unknown type name alias: ${spec}`);
    return [code];
  }
  if (typeof spec === 'number' && Object.values(TYPE_CODES).includes(spec)) return [spec];
  throw commandError('BadValue', `Invalid numerical type code: ${String(spec)}`);
}

/** Values at a dotted path, descending through arrays of sub-documents; arrays at the end stay whole. */
function valuesAt(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) valuesAt(value[Number(part)], parts, i + 1, out);
    for (const el of value) if (isPlainObject(el)) valuesAt(el[part], parts, i, out);
    return;
  }
  if (isPlainObject(value) && Object.hasOwn(value, part)) valuesAt(value[part], parts, i + 1, out);
}

function typeOperator(selector: string, value: unknown): (obj: Document) => boolean {
  const wanted = new Set(codesOf(value));
  const parts = selector.split('.');
  const matches = (v: unknown): boolean => {
    const code = TYPE_CODES[bsonTypeName(v)];
    return code !== undefined && wanted.has(code);
  };
  return (obj: Document) => {
    const doc = typedDocOf(obj) ?? obj;
    const found: unknown[] = [];
    valuesAt(doc, parts, 0, found);
    return found.some(
      (v) => v !== undefined && (matches(v) || (Array.isArray(v) && v.some(matches))),
    );
  };
}

/**
 * The filter with each query `$type` renamed to `$bsonType` (mingo lets its own
 * operators win over a context's, so the replacement needs a name of its own), or
 * undefined when there is none. `$expr` is left alone: there `$type` is an expression.
 */
export function withBsonType(filter: unknown): unknown {
  let found = false;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isPlainObject(value)) return value;
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$expr') {
        out[k] = v;
      } else if (k === '$type') {
        found = true;
        out.$bsonType = v;
      } else {
        out[k] = rewrite(v);
      }
    }
    return out;
  };
  const rewritten = rewrite(filter);
  return found ? rewritten : undefined;
}

/** The context that makes `$bsonType` known to a Query. */
// mingo types its operator table as an intersection of every operator's signature,
// which no single function satisfies; a query operator is (selector, value, options).
export const queryContext = Context.init().addQueryOps({
  $bsonType: typeOperator,
} as unknown as QueryOps);
