import type { Document } from 'bson';
import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { isPlainObject, toNumber } from './bson-values';

/*
 * Stored documents keep BSON's numeric types (int, long, double, decimal), as mongod
 * does. mingo only understands JS numbers, so it works on a promoted copy; the
 * functions here carry the types across that copy and implement the numeric update
 * operators with mongod's type rules.
 */

export type NumericKind = 'int' | 'long' | 'double' | 'decimal';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The BSON numeric type a value would be stored as; undefined for non-numbers. */
export function numericKind(value: unknown): NumericKind | undefined {
  if (value instanceof Int32) return 'int';
  if (value instanceof Long) return 'long';
  if (value instanceof Double) return 'double';
  if (value instanceof Decimal128) return 'decimal';
  if (typeof value === 'number') {
    // bson stores a JS number as int32 when it is an integer in range, else as a double.
    return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? 'int' : 'double';
  }
  if (typeof value === 'bigint') return 'long';
  return undefined;
}

/** mongod's name for a value's BSON type, as $type and error messages spell it. */
export function bsonTypeName(value: unknown): string {
  const kind = numericKind(value);
  if (kind) return kind;
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof ObjectId) return 'objectId';
  if (value instanceof Binary || value instanceof Uint8Array) return 'binData';
  if (value instanceof RegExp || value instanceof BSONRegExp) return 'regex';
  if (value instanceof Timestamp) return 'timestamp';
  if (isPlainObject(value)) return 'object';
  const tag = (value as { _bsontype?: unknown })._bsontype;
  if (tag === 'MinKey') return 'minKey';
  if (tag === 'MaxKey') return 'maxKey';
  if (tag === 'Code') return 'javascript';
  if (tag === 'BSONSymbol') return 'symbol';
  return 'object';
}

function toBigInt(value: unknown): bigint {
  if (value instanceof Long) return value.toBigInt();
  if (typeof value === 'bigint') return value;
  return BigInt(toNumber(value) ?? 0);
}

function decimal(n: number): Decimal128 {
  return Decimal128.fromString(String(n));
}

/** Thrown when long arithmetic leaves the int64 range; the caller words the error. */
export class NumericOverflow extends Error {}

function integerResult(result: bigint, bothInt: boolean): Int32 | Long {
  if (bothInt && result >= BigInt(INT32_MIN) && result <= BigInt(INT32_MAX)) {
    return new Int32(Number(result));
  }
  if (result < INT64_MIN || result > INT64_MAX) throw new NumericOverflow();
  return Long.fromBigInt(result);
}

function widest(a: unknown, b: unknown): NumericKind {
  const ka = numericKind(a);
  const kb = numericKind(b);
  if (ka === 'decimal' || kb === 'decimal') return 'decimal';
  if (ka === 'double' || kb === 'double') return 'double';
  if (ka === 'long' || kb === 'long') return 'long';
  return 'int';
}

/**
 * `a + b` the way $inc computes it: decimal if either is decimal, else double if
 * either is double, else int32 while it fits (overflowing to long), else long.
 * Decimal arithmetic goes through doubles (bson has none of its own).
 */
export function addNumbers(a: unknown, b: unknown): unknown {
  const kind = widest(a, b);
  if (kind === 'decimal') return decimal((toNumber(a) ?? 0) + (toNumber(b) ?? 0));
  if (kind === 'double') return new Double((toNumber(a) ?? 0) + (toNumber(b) ?? 0));
  return integerResult(toBigInt(a) + toBigInt(b), kind === 'int');
}

/** `a * b` the way $mul computes it, with the same type rules as {@link addNumbers}. */
export function multiplyNumbers(a: unknown, b: unknown): unknown {
  const kind = widest(a, b);
  if (kind === 'decimal') return decimal((toNumber(a) ?? 0) * (toNumber(b) ?? 0));
  if (kind === 'double') return new Double((toNumber(a) ?? 0) * (toNumber(b) ?? 0));
  return integerResult(toBigInt(a) * toBigInt(b), kind === 'int');
}

/** Zero of the same numeric type, which $mul stores in a missing field. */
export function zeroLike(value: unknown): unknown {
  switch (numericKind(value)) {
    case 'long':
      return Long.ZERO;
    case 'double':
      return new Double(0);
    case 'decimal':
      return Decimal128.fromString('0');
    default:
      return new Int32(0);
  }
}

function isNumericWrapper(value: unknown): boolean {
  return (
    value instanceof Int32 ||
    value instanceof Long ||
    value instanceof Double ||
    value instanceof Decimal128
  );
}

/**
 * Puts the BSON numeric types of `typed` back onto `promoted`, a copy mingo worked
 * on: a number found at the same place as a wrapper of the same value takes that
 * wrapper again. Values mingo changed or moved keep the type bson gives a JS number.
 */
export function restoreTypes(promoted: unknown, typed: unknown): unknown {
  if (typeof promoted === 'number') {
    if (isNumericWrapper(typed) && toNumber(typed) === promoted) return typed;
    return promoted;
  }
  if (Array.isArray(promoted)) {
    if (!Array.isArray(typed)) return promoted;
    for (let i = 0; i < promoted.length; i += 1) {
      promoted[i] = restoreTypes(promoted[i], typed[i]);
    }
    return promoted;
  }
  if (isPlainObject(promoted)) {
    if (!isPlainObject(typed)) return promoted;
    for (const key of Object.keys(promoted)) {
      if (Object.hasOwn(typed, key)) promoted[key] = restoreTypes(promoted[key], typed[key]);
    }
    return promoted;
  }
  return promoted;
}

/** A deep copy with the same BSON types, so a value from a command can be stored twice safely. */
export function copyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyValue);
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyValue(v);
    return out;
  }
  return value;
}
