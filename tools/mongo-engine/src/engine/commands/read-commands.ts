import type { Document } from 'bson';
import { Aggregator } from 'mingo';
import { CommandError, commandError } from '../../errors';
import { canonicalKey, normalizeForMatch, valuesAtPath } from '../bson-values';
import { computeDoc, outputDoc } from '../collection';
import {
  type CommandContext,
  type CommandHandler,
  collectionName,
  existingCollection,
  optionalInt,
} from './context';
import { matchDocs, presentDocs, sortDocs } from './query';

function startRead(ctx: CommandContext): void {
  if (ctx.txn) ctx.store.touch(ctx.txn);
}

const find: CommandHandler = (ctx) => {
  startRead(ctx);
  const { cmd } = ctx;
  const coll = existingCollection(ctx);
  let docs = sortDocs(
    matchDocs(ctx.store, coll, cmd.filter as Document | undefined, ctx.txn),
    cmd.sort as Document,
  );
  const skip = optionalInt(cmd.skip) ?? 0;
  const rawLimit = optionalInt(cmd.limit) ?? 0;
  if (skip < 0) throw commandError('BadValue', 'skip value must be non-negative');
  if (skip > 0) docs = docs.slice(skip);
  if (rawLimit !== 0) docs = docs.slice(0, Math.abs(rawLimit));
  const out = presentDocs(docs, cmd.projection as Document | undefined);
  const singleBatch = cmd.singleBatch === true || rawLimit < 0;
  const batchSize = optionalInt(cmd.batchSize);
  return {
    cursor: ctx.cursors.open(`${ctx.db}.${collectionName(ctx)}`, out, batchSize, singleBatch),
    ok: 1,
  };
};

const getMore: CommandHandler = (ctx) => {
  if (ctx.txn) ctx.store.touch(ctx.txn);
  const { cmd } = ctx;
  const ns = ctx.cursors.nsOf(cmd.getMore);
  if (
    ns !== undefined &&
    typeof cmd.collection === 'string' &&
    ns !== `${ctx.db}.${cmd.collection}`
  ) {
    throw commandError(
      'Unauthorized',
      `Requested getMore on namespace '${ctx.db}.${cmd.collection}', but cursor belongs to a different namespace ${ns}`,
    );
  }
  return { cursor: ctx.cursors.getMore(cmd.getMore, optionalInt(cmd.batchSize)), ok: 1 };
};

const killCursors: CommandHandler = (ctx) => {
  const ids = Array.isArray(ctx.cmd.cursors) ? (ctx.cmd.cursors as unknown[]) : [];
  return { ...ctx.cursors.kill(ids), ok: 1 };
};

const count: CommandHandler = (ctx) => {
  startRead(ctx);
  const { cmd } = ctx;
  const coll = existingCollection(ctx);
  const query = cmd.query as Document | undefined;
  let n: number;
  if (!ctx.txn && coll && (!query || Object.keys(query).length === 0)) n = coll.liveCount;
  else n = matchDocs(ctx.store, coll, query, ctx.txn).length;
  const skip = optionalInt(cmd.skip) ?? 0;
  const limit = optionalInt(cmd.limit) ?? 0;
  n = Math.max(0, n - skip);
  if (limit !== 0) n = Math.min(n, Math.abs(limit));
  return { n, ok: 1 };
};

const distinct: CommandHandler = (ctx) => {
  startRead(ctx);
  const { cmd } = ctx;
  if (typeof cmd.key !== 'string')
    throw commandError('TypeMismatch', "BSON field 'distinct.key' is missing or not a string");
  const key = cmd.key;
  const docs = matchDocs(
    ctx.store,
    existingCollection(ctx),
    cmd.query as Document | undefined,
    ctx.txn,
  );
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const v of valuesAtPath(outputDoc(doc), key)) {
      if (v === undefined) continue;
      const k = canonicalKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  return { values: [...seen.values()], ok: 1 };
};

const aggregate: CommandHandler = (ctx) => {
  startRead(ctx);
  const { cmd, store, db, txn } = ctx;
  if (typeof cmd.aggregate !== 'string') {
    throw commandError(
      'InvalidOptions',
      'aggregate on a whole database is not supported by this engine',
    );
  }
  if (!Array.isArray(cmd.pipeline))
    throw commandError('TypeMismatch', "'pipeline' option must be specified as an array");
  const pipeline = normalizeForMatch(cmd.pipeline) as Document[];
  for (const stage of pipeline) {
    const op = Object.keys(stage)[0];
    if (op === '$out' || op === '$merge')
      throw commandError('IllegalOperation', `${op} is not supported by this engine`);
  }
  const first = pipeline[0];
  const leadingMatch =
    first && Object.keys(first)[0] === '$match' ? (first.$match as Document) : undefined;
  const rest = leadingMatch ? pipeline.slice(1) : pipeline;
  const input = matchDocs(store, existingCollection(ctx), leadingMatch, txn).map(computeDoc);
  const collectionResolver = (name: string): Document[] =>
    matchDocs(store, store.getCollection(db, name), {}, txn).map(computeDoc);
  let out: Document[];
  try {
    out = new Aggregator(rest, { collectionResolver }).run(input) as Document[];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const stage = /^unregistered pipeline operator (\$\w+)/.exec(message);
    if (stage) {
      throw new CommandError(
        40324,
        'Location40324',
        `Unrecognized pipeline stage name: '${stage[1]}'`,
      );
    }
    throw commandError('BadValue', message);
  }
  const cursorOpts = (cmd.cursor ?? {}) as Document;
  return {
    cursor: ctx.cursors.open(
      `${db}.${cmd.aggregate}`,
      out,
      optionalInt(cursorOpts.batchSize),
      false,
    ),
    ok: 1,
  };
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
