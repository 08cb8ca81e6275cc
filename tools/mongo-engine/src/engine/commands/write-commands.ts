import type { Document } from 'bson';
import { updateOne } from 'mingo';
import { CommandError, commandError } from '../../errors';
import {
  canonicalKey,
  isOperatorObject,
  isPlainObject,
  normalizeForMatch,
  setPath,
} from '../bson-values';
import { type Collection, outputDoc, type StoredDoc, storeDoc } from '../collection';
import { restoreTypes } from '../numeric';
import { applyOperatorUpdate, promoted, validateOperators } from '../update-operators';
import { type CommandContext, type CommandHandler, collectionName, engineError } from './context';
import { matchDocs, presentDocs, sortDocs } from './query';

interface UpdateSpec {
  q: Document;
  u: Document | Document[];
  upsert: boolean;
  multi: boolean;
  arrayFilters: Document[] | undefined;
}

function mingoFailure(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  return commandError('FailedToParse', err instanceof Error ? err.message : String(err));
}

/**
 * Runs one write statement: inside a transaction directly (conflicts abort it),
 * outside one by waiting for any transaction that holds what it needs.
 */
function runStatement<T>(ctx: CommandContext, statement: () => T): Promise<T> | T {
  if (ctx.txn) {
    ctx.store.touch(ctx.txn);
    return statement();
  }
  return ctx.store.retryWhileLocked(statement, ctx.expireIdle);
}

/**
 * Turns a statement's failure into a `writeErrors` entry. Inside a transaction
 * any failure aborts it, and a write conflict fails the whole command so the
 * driver sees the TransientTransactionError label.
 */
function toWriteError(ctx: CommandContext, err: unknown, index: number): Document {
  if (!(err instanceof CommandError)) throw err;
  if (ctx.txn) {
    ctx.store.abort(ctx.txn, err.message);
    if (err.errorLabels.length > 0) throw err;
  }
  return { index, code: err.code, errmsg: err.message, ...err.extra };
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

function targetCollection(ctx: CommandContext): Collection {
  return ctx.store.ensureCollection(ctx.db, collectionName(ctx));
}

function isOperatorUpdate(u: Document | Document[]): boolean {
  return (
    !Array.isArray(u) && Object.keys(u).length > 0 && Object.keys(u).every((k) => k.startsWith('$'))
  );
}

function usesPositional(u: Document): boolean {
  return Object.values(u).some(
    (fields) =>
      isPlainObject(fields) &&
      Object.keys(fields).some((p) => p === '$' || p.endsWith('.$') || p.includes('.$.')),
  );
}

/** Pipeline updates compute in mingo's number form; fields they leave alone keep their types. */
function runPipelineUpdate(typed: Document, pipeline: Document[]): Document {
  const docs = [promoted(typed)];
  updateOne(docs, {}, normalizeForMatch(pipeline) as Parameters<typeof updateOne>[2]);
  return restoreTypes(docs[0], typed) as Document;
}

const IMMUTABLE_ID =
  "Performing an update on the path '_id' would modify the immutable field '_id'";

/** mongod accepts `$set: { _id: <same value> }` but no other change to `_id`. */
function guardImmutableId(given: Document, currentId: string): Document {
  const ops: Document = {};
  for (const [op, original] of Object.entries(given)) {
    if (!isPlainObject(original)) {
      ops[op] = original;
      continue;
    }
    const fields = { ...original };
    ops[op] = fields;
    for (const path of Object.keys(fields)) {
      if (path !== '_id' && !path.startsWith('_id.')) continue;
      if (op === '$set' && path === '_id' && canonicalKey(fields._id) === currentId) {
        delete fields._id;
        continue;
      }
      throw engineError('ImmutableField', IMMUTABLE_ID);
    }
  }
  return ops;
}

/** The new version of `before` under update `u`; `_id` may not change. */
function modify(before: StoredDoc, spec: UpdateSpec): StoredDoc {
  const original = outputDoc(before);
  let doc: Document;
  try {
    if (Array.isArray(spec.u)) {
      doc = runPipelineUpdate(original, spec.u);
    } else if (isOperatorUpdate(spec.u)) {
      validateOperators(spec.u as Document);
      const { $setOnInsert: _ignored, ...given } = spec.u as Document;
      const ops = guardImmutableId(given, before.id);
      const condition = usesPositional(ops) ? (normalizeForMatch(spec.q) as Document) : undefined;
      doc = applyOperatorUpdate(original, ops, spec.arrayFilters, condition);
    } else {
      doc = { _id: original._id, ...(spec.u as Document) };
    }
  } catch (err) {
    throw mingoFailure(err);
  }
  if (doc._id === undefined) doc = { _id: original._id, ...doc };
  const after = storeDoc(doc);
  if (after.id !== before.id) {
    throw engineError('ImmutableField', IMMUTABLE_ID);
  }
  return after;
}

function copyEqualities(filter: Document, into: Document): void {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const sub of v) if (isPlainObject(sub)) copyEqualities(sub, into);
    } else if (!k.startsWith('$')) {
      if (isOperatorObject(v)) {
        if (Object.hasOwn(v, '$eq')) setPath(into, k, v.$eq);
      } else if (!(v instanceof RegExp)) {
        setPath(into, k, v);
      }
    }
  }
}

/** The document an upsert inserts: the filter's equalities, then the update applied to them. */
function buildUpsert(spec: UpdateSpec): StoredDoc {
  const base: Document = {};
  copyEqualities(spec.q, base);
  let doc: Document;
  try {
    if (Array.isArray(spec.u)) {
      doc = runPipelineUpdate(base, spec.u);
    } else if (isOperatorUpdate(spec.u)) {
      validateOperators(spec.u as Document);
      const { $setOnInsert, ...ops } = spec.u as Document;
      if (isPlainObject($setOnInsert))
        ops.$set = { ...(ops.$set as Document | undefined), ...$setOnInsert };
      doc = applyOperatorUpdate(base, ops, spec.arrayFilters, undefined);
    } else {
      doc = { ...(spec.u as Document) };
      if (doc._id === undefined && base._id !== undefined) doc = { _id: base._id, ...doc };
    }
  } catch (err) {
    throw mingoFailure(err);
  }
  return storeDoc(doc);
}

function parseUpdateSpec(raw: unknown): UpdateSpec {
  if (!isPlainObject(raw)) throw commandError('TypeMismatch', 'update statement must be an object');
  const u = raw.u;
  if (!isPlainObject(u) && !Array.isArray(u))
    throw commandError('FailedToParse', "BSON field 'u' must be an object or array");
  return {
    q: isPlainObject(raw.q) ? raw.q : {},
    u: u as Document | Document[],
    upsert: raw.upsert === true,
    multi: raw.multi === true,
    arrayFilters: Array.isArray(raw.arrayFilters)
      ? (normalizeForMatch(raw.arrayFilters) as Document[])
      : undefined,
  };
}

interface UpdateOutcome {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

function applyUpdate(ctx: CommandContext, coll: Collection, spec: UpdateSpec): UpdateOutcome {
  const { store, txn } = ctx;
  let targets = matchDocs(store, coll, spec.q, txn);
  if (!spec.multi) targets = targets.slice(0, 1);
  if (targets.length === 0) {
    if (!spec.upsert) return { n: 0, nModified: 0 };
    const doc = buildUpsert(spec);
    store.write(coll, doc.id, undefined, doc, txn, true);
    return { n: 1, nModified: 0, upsertedId: outputDoc(doc)._id };
  }
  const changes = targets.map((before) => ({ id: before.id, before, after: modify(before, spec) }));
  const real = changes.filter((c) => !c.after.bytes.equals(c.before.bytes));
  if (!txn) store.assertUnlocked(coll, real);
  for (const c of real) store.write(coll, c.id, c.before, c.after, txn);
  return { n: targets.length, nModified: real.length };
}

const insert: CommandHandler = async (ctx) => {
  const coll = targetCollection(ctx);
  const documents = Array.isArray(ctx.cmd.documents) ? (ctx.cmd.documents as unknown[]) : [];
  const ordered = ctx.cmd.ordered !== false;
  const writeErrors: Document[] = [];
  let n = 0;
  for (let i = 0; i < documents.length; i += 1) {
    try {
      const raw = documents[i];
      if (!isPlainObject(raw)) throw commandError('TypeMismatch', 'documents must be objects');
      const doc = storeDoc(raw);
      await runStatement(ctx, () => ctx.store.write(coll, doc.id, undefined, doc, ctx.txn, true));
      n += 1;
    } catch (err) {
      writeErrors.push(toWriteError(ctx, err, i));
      if (ordered || ctx.txn) break;
    }
  }
  return withWriteErrors({ n }, writeErrors);
};

const update: CommandHandler = async (ctx) => {
  const coll = targetCollection(ctx);
  const statements = Array.isArray(ctx.cmd.updates) ? (ctx.cmd.updates as unknown[]) : [];
  const ordered = ctx.cmd.ordered !== false;
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < statements.length; i += 1) {
    try {
      const spec = parseUpdateSpec(statements[i]);
      const outcome = await runStatement(ctx, () => applyUpdate(ctx, coll, spec));
      n += outcome.n;
      nModified += outcome.nModified;
      if (outcome.upsertedId !== undefined) upserted.push({ index: i, _id: outcome.upsertedId });
    } catch (err) {
      writeErrors.push(toWriteError(ctx, err, i));
      if (ordered || ctx.txn) break;
    }
  }
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
};

const del: CommandHandler = async (ctx) => {
  const coll = ctx.store.getCollection(ctx.db, collectionName(ctx));
  const statements = Array.isArray(ctx.cmd.deletes) ? (ctx.cmd.deletes as unknown[]) : [];
  const ordered = ctx.cmd.ordered !== false;
  const writeErrors: Document[] = [];
  let n = 0;
  for (let i = 0; i < statements.length; i += 1) {
    try {
      const raw = statements[i];
      if (!isPlainObject(raw))
        throw commandError('TypeMismatch', 'delete statement must be an object');
      if (!coll) continue;
      const filter = isPlainObject(raw.q) ? raw.q : {};
      const limitOne = Number(raw.limit ?? 0) === 1;
      n += await runStatement(ctx, () => {
        let targets = matchDocs(ctx.store, coll, filter, ctx.txn);
        if (limitOne) targets = targets.slice(0, 1);
        const changes = targets.map((before) => ({ id: before.id, before, after: null }));
        if (!ctx.txn) ctx.store.assertUnlocked(coll, changes);
        for (const c of changes) ctx.store.write(coll, c.id, c.before, null, ctx.txn);
        return changes.length;
      });
    } catch (err) {
      writeErrors.push(toWriteError(ctx, err, i));
      if (ordered || ctx.txn) break;
    }
  }
  return withWriteErrors({ n }, writeErrors);
};

const findAndModify: CommandHandler = async (ctx) => {
  const { cmd, store, txn } = ctx;
  const coll = targetCollection(ctx);
  const query = isPlainObject(cmd.query) ? cmd.query : {};
  const fields = isPlainObject(cmd.fields) ? cmd.fields : undefined;
  const remove = cmd.remove === true;
  if (!remove && cmd.update === undefined)
    throw commandError('FailedToParse', 'Either an update or remove=true must be specified');
  const present = (doc: StoredDoc | undefined): Document | null =>
    doc ? (presentDocs([doc], fields)[0] ?? null) : null;
  try {
    return await runStatement(ctx, () => {
      const target = sortDocs(
        matchDocs(store, coll, query, txn),
        cmd.sort as Document | undefined,
      )[0];
      if (remove) {
        if (!target) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
        store.write(coll, target.id, target, null, txn);
        return { lastErrorObject: { n: 1 }, value: present(target), ok: 1 };
      }
      const spec: UpdateSpec = {
        q: query,
        u: cmd.update as Document | Document[],
        upsert: cmd.upsert === true,
        multi: false,
        arrayFilters: Array.isArray(cmd.arrayFilters)
          ? (normalizeForMatch(cmd.arrayFilters) as Document[])
          : undefined,
      };
      if (target) {
        const after = modify(target, spec);
        if (!after.bytes.equals(target.bytes)) store.write(coll, target.id, target, after, txn);
        return {
          lastErrorObject: { n: 1, updatedExisting: true },
          value: present(cmd.new === true ? after : target),
          ok: 1,
        };
      }
      if (!spec.upsert)
        return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const doc = buildUpsert(spec);
      store.write(coll, doc.id, undefined, doc, txn, true);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: outputDoc(doc)._id },
        value: cmd.new === true ? present(doc) : null,
        ok: 1,
      };
    });
  } catch (err) {
    if (txn && err instanceof CommandError) store.abort(txn, err.message);
    throw err;
  }
};

/** Keyed by the wire command name (the delete handler can't be named `delete`). */
export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: del,
  findAndModify,
};
