import type { Document } from 'bson';
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';

/*
 * mingo compares objects with a custom toString by their strings, which is right for
 * ObjectId (hex order = byte order) but wrong for Long and Decimal128, and it knows
 * nothing of BSON's cross-type order. So filters get numeric wrappers unwrapped
 * (stored documents are matched in their promoted form, where int64s are numbers),
 * and sorting and index keys use the functions here.
 */

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True for `{ $gt: 1 }`-like objects (operator expressions rather than literal sub-documents). */
export function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** Int32, Double, Long, bigint or number as a JS number; undefined for anything else. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Decimal128) return Number(value.toString());
  return undefined;
}

/** Rewrites numeric BSON wrappers in a filter or expression into numbers, so mingo compares them. */
export function normalizeForMatch(value: unknown): unknown {
  if (
    value instanceof Long ||
    value instanceof Int32 ||
    value instanceof Double ||
    typeof value === 'bigint'
  ) {
    return toNumber(value);
  }
  if (Array.isArray(value)) return value.map(normalizeForMatch);
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeForMatch(v);
    return out;
  }
  return value;
}

function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number' || typeof value === 'bigint') return 2;
  if (
    value instanceof Long ||
    value instanceof Int32 ||
    value instanceof Double ||
    value instanceof Decimal128
  )
    return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (value instanceof Binary || value instanceof Uint8Array) return 6;
  if (value instanceof ObjectId) return 7;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  if (value instanceof Timestamp) return 10;
  if (value instanceof RegExp) return 11;
  return 4;
}

function compareScalars(a: number | string | boolean, b: number | string | boolean): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bytesOf(value: Binary | Uint8Array): Uint8Array {
  return value instanceof Binary ? value.buffer.subarray(0, value.position) : value;
}

/** Orders two BSON values the way MongoDB does (type order first, then value). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return 0;
    case 2:
      return compareScalars(toNumber(a) ?? 0, toNumber(b) ?? 0);
    case 3:
      return compareScalars(a as string, b as string);
    case 5: {
      const xs = a as unknown[];
      const ys = b as unknown[];
      for (let i = 0; i < Math.min(xs.length, ys.length); i += 1) {
        const c = compareValues(xs[i], ys[i]);
        if (c !== 0) return c;
      }
      return xs.length - ys.length;
    }
    case 6:
      return Buffer.compare(Buffer.from(bytesOf(a as Binary)), Buffer.from(bytesOf(b as Binary)));
    case 7:
      return compareScalars((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 8:
      return compareScalars(a as boolean, b as boolean);
    case 9:
      return compareScalars((a as Date).getTime(), (b as Date).getTime());
    case 10:
      return (a as Timestamp).compare(b as Timestamp);
    case 11:
      return compareScalars(String(a), String(b));
    default: {
      const ea = Object.entries(a as Document);
      const eb = Object.entries(b as Document);
      for (let i = 0; i < Math.min(ea.length, eb.length); i += 1) {
        const [ka, va] = ea[i] as [string, unknown];
        const [kb, vb] = eb[i] as [string, unknown];
        const c = compareValues(va, vb) || compareScalars(ka, kb);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
  }
}

/**
 * A string that is equal for two values exactly when MongoDB treats them as equal
 * index keys (1, 1.0 and Long(1) are one key; a missing field is the null key).
 */
export function canonicalKey(value: unknown): string {
  const n = toNumber(value);
  if (n !== undefined) return `n${n}`;
  if (value === undefined || value === null) return 'z';
  if (typeof value === 'string') return `s${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return value ? 'bt' : 'bf';
  if (value instanceof ObjectId) return `o${value.toHexString()}`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof Binary)
    return `x${value.sub_type}:${Buffer.from(bytesOf(value)).toString('base64')}`;
  if (value instanceof Uint8Array) return `x0:${Buffer.from(value).toString('base64')}`;
  if (value instanceof Timestamp) return `t${value.toString()}`;
  if (value instanceof RegExp) return `r${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalKey(v)}`)
      .join(',')}}`;
  }
  return `?${String(value)}`;
}

/** Renders a value the way mongod prints it in a duplicate-key message. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof Decimal128) return `NumberDecimal("${value.toString()}")`;
  if (value instanceof Long) return value.toString();
  const n = toNumber(value);
  if (n !== undefined) return String(n);
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (isPlainObject(value)) return formatDocument(value);
  return String(value);
}

export function formatDocument(doc: Document): string {
  const parts = Object.entries(doc).map(([k, v]) => `${k}: ${formatValue(v)}`);
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

/**
 * Every value found at a dotted path, descending into arrays the way a multikey
 * index does; an array at the end of the path contributes its elements.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  const out: unknown[] = [];
  const walk = (value: unknown, i: number): void => {
    if (i === parts.length) {
      if (Array.isArray(value)) {
        if (value.length === 0) out.push(undefined);
        else out.push(...value);
      } else {
        out.push(value);
      }
      return;
    }
    const part = parts[i] as string;
    if (Array.isArray(value)) {
      const idx = /^\d+$/.test(part) ? Number(part) : -1;
      if (idx >= 0 && idx < value.length) {
        walk(value[idx], i + 1);
        return;
      }
      for (const el of value) {
        if (isPlainObject(el)) walk(el[part], i + 1);
      }
      return;
    }
    if (isPlainObject(value)) {
      walk(value[part], i + 1);
      return;
    }
    out.push(undefined);
  };
  walk(doc, 0);
  return out.length === 0 ? [undefined] : out;
}

/** The value MongoDB sorts a document by for one sort field (min element ascending, max descending). */
export function sortValue(doc: Document, path: string, direction: number): unknown {
  const values = valuesAtPath(doc, path);
  let best = values[0];
  for (const v of values.slice(1)) {
    const c = compareValues(v, best);
    if (direction >= 0 ? c < 0 : c > 0) best = v;
  }
  return best;
}

/** Sets a dotted path in a plain document, creating sub-documents on the way. */
export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Document = doc;
  for (const part of parts.slice(0, -1)) {
    const next: unknown = target[part];
    if (isPlainObject(next)) {
      target = next;
    } else {
      const created: Document = {};
      target[part] = created;
      target = created;
    }
  }
  target[parts[parts.length - 1] as string] = value;
}
