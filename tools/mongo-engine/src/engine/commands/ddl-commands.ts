import type { Document } from 'bson';
import { Query } from 'mingo';
import { commandError } from '../../errors';
import { canonicalKey, formatDocument, isPlainObject, normalizeForMatch } from '../bson-values';
import { type Collection, ID_INDEX_SPEC } from '../collection';
import type { IndexDef } from '../indexes';
import { type CommandHandler, collectionName, existingCollection, optionalInt } from './context';

/** Command fields that are envelope, not collection options. */
const GENERIC_FIELDS = new Set([
  'lsid',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'writeConcern',
  'readConcern',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'maxTimeMS',
]);

/** Index options mongod keeps in the index spec and reports back from listIndexes. */
const INDEX_OPTIONS = [
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'hidden',
  'collation',
];

function missingNamespace(ns: string): Error {
  return commandError('NamespaceNotFound', `ns does not exist: ${ns}`);
}

function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([f, dir]) => `${f}_${String(dir)}`)
    .join('_');
}

function normalizeIndexSpec(raw: unknown): Document {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw commandError(
      'FailedToParse',
      "The 'key' field is a required property of an index specification",
    );
  }
  const spec: Document = {
    v: 2,
    key: raw.key,
    name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key),
  };
  for (const opt of INDEX_OPTIONS)
    if (raw[opt] !== undefined && raw[opt] !== false) spec[opt] = raw[opt];
  return spec;
}

function isIdIndex(spec: Document): boolean {
  return spec.name === '_id_' || canonicalKey(spec.key) === canonicalKey(ID_INDEX_SPEC.key);
}

// Since MongoDB 7.0 creating an existing collection again with the same options
// succeeds; only different options fail with NamespaceExists.
const create: CommandHandler = (ctx) => {
  const name = collectionName(ctx);
  const options: Document = {};
  for (const [k, v] of Object.entries(ctx.cmd)) {
    if (k !== 'create' && !k.startsWith('$') && !GENERIC_FIELDS.has(k)) options[k] = v;
  }
  const existing = ctx.store.getCollection(ctx.db, name);
  if (existing) {
    if (canonicalKey(existing.options) === canonicalKey(options)) return { ok: 1 };
    throw commandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
  }
  ctx.store.ensureCollection(ctx.db, name, options);
  return { ok: 1 };
};

const drop: CommandHandler = (ctx) => {
  const name = collectionName(ctx);
  const coll = ctx.store.getCollection(ctx.db, name);
  if (!coll) throw commandError('NamespaceNotFound', 'ns not found');
  ctx.store.databases.get(ctx.db)?.delete(name);
  return { nIndexesWas: coll.indexes.length + 1, ns: coll.ns, ok: 1 };
};

const dropDatabase: CommandHandler = (ctx) => {
  ctx.store.databases.delete(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

function describeCollection(coll: Collection): Document {
  return {
    name: coll.name,
    type: 'collection',
    options: coll.options,
    info: { readOnly: false, uuid: coll.uuid },
    idIndex: ID_INDEX_SPEC,
  };
}

const listCollections: CommandHandler = (ctx) => {
  const colls = [...(ctx.store.databases.get(ctx.db)?.values() ?? [])];
  let entries = colls.map(describeCollection);
  if (isPlainObject(ctx.cmd.filter) && Object.keys(ctx.cmd.filter).length > 0) {
    const query = new Query(normalizeForMatch(ctx.cmd.filter) as Document, {});
    entries = entries.filter((e) => query.test(e));
  }
  if (ctx.cmd.nameOnly === true) entries = entries.map((e) => ({ name: e.name, type: e.type }));
  const cursorOpts = isPlainObject(ctx.cmd.cursor) ? ctx.cmd.cursor : {};
  return {
    cursor: ctx.cursors.open(
      `${ctx.db}.$cmd.listCollections`,
      entries,
      optionalInt(cursorOpts.batchSize),
      false,
    ),
    ok: 1,
  };
};

function checkAgainstExisting(coll: Collection, spec: Document): 'exists' | 'new' {
  if (isIdIndex(spec)) return 'exists';
  const sameName = coll.findIndex(String(spec.name));
  if (sameName) {
    if (sameName.sameSpecAs(spec)) return 'exists';
    if (sameName.sameKeyAs(spec)) {
      throw commandError(
        'IndexOptionsConflict',
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatDocument(spec)}, existing index: ${formatDocument(sameName.spec)}`,
      );
    }
    throw commandError(
      'IndexKeySpecsConflict',
      `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${formatDocument(spec)}, existing index: ${formatDocument(sameName.spec)}`,
    );
  }
  const sameKey = coll.indexes.find((i: IndexDef) => i.sameKeyAs(spec));
  if (sameKey?.sameSpecAs(spec)) {
    throw commandError(
      'IndexOptionsConflict',
      `Index already exists with a different name: ${sameKey.name}`,
    );
  }
  return 'new';
}

const createIndexes: CommandHandler = (ctx) => {
  const name = collectionName(ctx);
  const existed = ctx.store.getCollection(ctx.db, name) !== undefined;
  if (!Array.isArray(ctx.cmd.indexes))
    throw commandError('TypeMismatch', "BSON field 'createIndexes.indexes' is missing");
  const specs = (ctx.cmd.indexes as unknown[]).map(normalizeIndexSpec);
  const coll = ctx.store.ensureCollection(ctx.db, name);
  const before = coll.indexes.length + 1;
  const fresh = specs.filter((spec) => checkAgainstExisting(coll, spec) === 'new');
  for (const spec of fresh) ctx.store.createIndex(coll, spec);
  const reply: Document = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.length + 1,
    createdCollectionAutomatically: !existed,
    ok: 1,
  };
  if (fresh.length === 0) reply.note = 'all indexes already exist';
  return reply;
};

const listIndexes: CommandHandler = (ctx) => {
  const coll = existingCollection(ctx);
  if (!coll) throw missingNamespace(`${ctx.db}.${collectionName(ctx)}`);
  const specs = [ID_INDEX_SPEC, ...coll.indexes.map((i) => i.spec)];
  const cursorOpts = isPlainObject(ctx.cmd.cursor) ? ctx.cmd.cursor : {};
  return {
    cursor: ctx.cursors.open(coll.ns, specs, optionalInt(cursorOpts.batchSize), false),
    ok: 1,
  };
};

const dropIndexes: CommandHandler = (ctx) => {
  const coll = existingCollection(ctx);
  if (!coll) throw missingNamespace(`${ctx.db}.${collectionName(ctx)}`);
  const nIndexesWas = coll.indexes.length + 1;
  const target: unknown = ctx.cmd.index;
  const dropOne = (index: IndexDef | undefined, label: string): void => {
    if (!index) throw commandError('IndexNotFound', label);
    coll.indexes.splice(coll.indexes.indexOf(index), 1);
  };
  if (target === '*') {
    coll.indexes.length = 0;
  } else if (typeof target === 'string' || Array.isArray(target)) {
    const names = (Array.isArray(target) ? target : [target]).map(String);
    if (names.includes('_id_')) throw commandError('InvalidOptions', 'cannot drop _id index');
    for (const n of names) dropOne(coll.findIndex(n), `index not found with name [${n}]`);
  } else if (isPlainObject(target)) {
    if (canonicalKey(target) === canonicalKey(ID_INDEX_SPEC.key))
      throw commandError('InvalidOptions', 'cannot drop _id index');
    dropOne(
      coll.indexes.find((i) => canonicalKey(i.keyPattern) === canonicalKey(target)),
      `can't find index with key: ${formatDocument(target)}`,
    );
  } else {
    throw commandError(
      'TypeMismatch',
      "BSON field 'dropIndexes.index' is missing or of the wrong type",
    );
  }
  return { nIndexesWas, ok: 1 };
};

const dbStats: CommandHandler = (ctx) => {
  const colls = [...(ctx.store.databases.get(ctx.db)?.values() ?? [])];
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  for (const coll of colls) {
    indexes += coll.indexes.length + 1;
    for (const doc of coll.scanLatest()) {
      objects += 1;
      dataSize += doc.bytes.length;
    }
  }
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects === 0 ? 0 : dataSize / objects,
    dataSize,
    storageSize: dataSize,
    indexes,
    indexSize: 0,
    totalSize: dataSize,
    scaleFactor: 1,
    ok: 1,
  };
};

export const ddlCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  createIndexes,
  listIndexes,
  dropIndexes,
  dbStats,
};
