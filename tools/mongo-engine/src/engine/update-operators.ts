import type { Document } from 'bson';
import { deserialize, serialize } from 'bson';
import { update as mingoUpdate } from 'mingo';
import { CommandError, commandError } from '../errors';
import { compareValues, formatValue, isPlainObject, normalizeForMatch } from './bson-values';
import {
  addNumbers,
  bsonTypeName,
  copyValue,
  multiplyNumbers,
  NumericOverflow,
  numericKind,
  restoreTypes,
  zeroLike,
} from './numeric';

const MODIFIERS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$setOnInsert',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$bit',
]);

/** Operators this module applies itself, so the result keeps mongod's numeric types. */
const NUMERIC = new Set(['$inc', '$mul', '$min', '$max']);

function conflictError(path: string, other: string): CommandError {
  return new CommandError(
    40,
    'ConflictingUpdateOperators',
    `Updating the path '${path}' would create a conflict at '${other}'`,
  );
}

/**
 * Rejects what mongod rejects before touching a document: an unknown modifier
 * (FailedToParse) and two operators updating the same path or one path and its
 * parent (ConflictingUpdateOperators).
 */
export function validateOperators(ops: Document): void {
  const paths: string[] = [];
  for (const [op, fields] of Object.entries(ops)) {
    if (!MODIFIERS.has(op)) {
      throw commandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(fields)) {
      throw commandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${bsonTypeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${formatValue(fields)}}`,
      );
    }
    for (const [path, target] of Object.entries(fields)) {
      paths.push(path);
      if (op === '$rename' && typeof target === 'string') paths.push(target);
    }
  }
  const seen: string[] = [];
  for (const path of paths) {
    for (const other of seen) {
      if (path === other || path.startsWith(`${other}.`) || other.startsWith(`${path}.`)) {
        const shorter = path.length <= other.length ? path : other;
        throw conflictError(path, shorter);
      }
    }
    seen.push(path);
  }
}

function isIndex(part: string): boolean {
  return /^\d+$/.test(part);
}

function pathNotViable(part: string, holder: unknown, parent: string): CommandError {
  return new CommandError(
    28,
    'PathNotViable',
    `Cannot create field '${part}' in element {${parent}: ${formatValue(holder)}}`,
  );
}

/** The container holding the last part of `path`, creating sub-documents as mongod does. */
function parentOf(doc: Document, parts: string[]): Document | unknown[] {
  let current: Document | unknown[] = doc;
  let parentName = '';
  for (const part of parts.slice(0, -1)) {
    let next: unknown;
    if (Array.isArray(current)) {
      if (!isIndex(part)) throw pathNotViable(part, current, parentName);
      next = current[Number(part)];
    } else {
      next = current[part];
    }
    if (next === undefined) {
      const created: Document = {};
      if (Array.isArray(current)) current[Number(part)] = created;
      else current[part] = created;
      next = created;
    }
    if (!Array.isArray(next) && !isPlainObject(next)) {
      const last = parts[parts.indexOf(part) + 1] ?? part;
      throw pathNotViable(last, next, part);
    }
    current = next;
    parentName = part;
  }
  return current;
}

function readSlot(holder: Document | unknown[], key: string): unknown {
  if (Array.isArray(holder)) return isIndex(key) ? holder[Number(key)] : undefined;
  return holder[key];
}

function writeSlot(holder: Document | unknown[], key: string, value: unknown): void {
  if (Array.isArray(holder)) {
    if (!isIndex(key)) throw pathNotViable(key, holder, '');
    const index = Number(key);
    while (holder.length < index) holder.push(null);
    holder[index] = value;
  } else {
    holder[key] = value;
  }
}

function applyNumericOperator(
  doc: Document,
  op: string,
  path: string,
  operand: unknown,
  id: unknown,
): void {
  if ((op === '$inc' || op === '$mul') && numericKind(operand) === undefined) {
    const verb = op === '$inc' ? 'increment' : 'multiply';
    throw commandError(
      'TypeMismatch',
      `Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(operand)}}`,
    );
  }
  const parts = path.split('.');
  const holder = parentOf(doc, parts);
  const key = parts[parts.length - 1] as string;
  const current = readSlot(holder, key);
  let next: unknown;
  if (op === '$inc' || op === '$mul') {
    if (current === undefined) {
      next = op === '$inc' ? copyValue(operand) : zeroLike(operand);
    } else if (numericKind(current) === undefined) {
      throw commandError(
        'TypeMismatch',
        `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(id)}} has the field '${key}' of non-numeric type ${bsonTypeName(current)}`,
      );
    } else {
      try {
        next = op === '$inc' ? addNumbers(current, operand) : multiplyNumbers(current, operand);
      } catch (err) {
        if (!(err instanceof NumericOverflow)) throw err;
        throw commandError(
          'BadValue',
          `Failed to apply ${op} operations to current value (${formatValue(current)}) for document {_id: ${formatValue(id)}}`,
        );
      }
    }
  } else {
    const direction = op === '$min' ? -1 : 1;
    if (current !== undefined && compareValues(operand, current) * direction <= 0) return;
    next = copyValue(operand);
  }
  writeSlot(holder, key, next);
}

/** Sets a value at a path that already exists in `doc` (mingo has just written it). */
function overwriteExisting(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    current = Array.isArray(current)
      ? current[Number(part)]
      : isPlainObject(current)
        ? current[part]
        : undefined;
    if (current === undefined) return;
  }
  const key = parts[parts.length - 1] as string;
  if (Array.isArray(current) && isIndex(key) && Number(key) < current.length) {
    current[Number(key)] = value;
  } else if (isPlainObject(current) && Object.hasOwn(current, key)) {
    current[key] = value;
  }
}

function valueAt(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) current = isIndex(part) ? current[Number(part)] : undefined;
    else if (isPlainObject(current)) current = current[part];
    else return undefined;
  }
  return current;
}

function mingoError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  return commandError('FailedToParse', err instanceof Error ? err.message : String(err));
}

/** A copy in the form mingo computes over (numbers instead of int32/double/small long wrappers). */
export function promoted(doc: Document): Document {
  return deserialize(serialize(doc));
}

/**
 * Applies an operator update to `typed` (a caller-owned document with BSON
 * types) and returns the new document. `$inc`/`$mul`/`$min`/`$max` on plain paths
 * are applied here with mongod's numeric rules; everything else goes through mingo
 * on a promoted copy, after which untouched values get their types back and values
 * given by `$set`/`$setOnInsert`/`$rename` keep the type they were sent with.
 */
export function applyOperatorUpdate(
  typed: Document,
  ops: Document,
  arrayFilters: Document[] | undefined,
  condition: Document | undefined,
): Document {
  validateOperators(ops);
  const numeric: Array<[string, string, unknown]> = [];
  const rest: Document = {};
  for (const [op, fields] of Object.entries(ops)) {
    const own: Document = {};
    const delegated: Document = {};
    for (const [path, value] of Object.entries(fields as Document)) {
      if (NUMERIC.has(op) && !path.includes('$')) numeric.push([op, path, value]);
      else if (NUMERIC.has(op)) delegated[path] = value;
      else own[path] = value;
    }
    if (Object.keys(own).length > 0) rest[op] = own;
    if (Object.keys(delegated).length > 0) rest[op] = { ...rest[op], ...delegated };
  }
  let doc = typed;
  if (Object.keys(rest).length > 0) {
    const work = promoted(typed);
    try {
      mingoUpdate(work, normalizeForMatch(rest) as Document, arrayFilters, condition);
    } catch (err) {
      throw mingoError(err);
    }
    doc = restoreTypes(work, typed) as Document;
    for (const op of ['$set', '$setOnInsert']) {
      const fields = rest[op];
      if (!isPlainObject(fields)) continue;
      for (const [path, value] of Object.entries(fields)) {
        if (!path.includes('$')) overwriteExisting(doc, path, copyValue(value));
      }
    }
    if (isPlainObject(rest.$rename)) {
      for (const [from, to] of Object.entries(rest.$rename)) {
        const moved = valueAt(typed, from);
        if (typeof to === 'string' && moved !== undefined) overwriteExisting(doc, to, moved);
      }
    }
  }
  for (const [op, path, value] of numeric) applyNumericOperator(doc, op, path, value, typed._id);
  return doc;
}
