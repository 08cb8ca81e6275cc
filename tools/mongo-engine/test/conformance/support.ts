/*
 * Where the conformance suite gets its servers. The suite talks to them only through
 * the public driver/mongoose API, so the very same files run against a real mongod.
 *
 * Environment (all optional):
 * - MONGO_CONFORMANCE_URI: a real replica set (e.g. mongodb://host:27017/?replicaSet=rs0).
 *   Each test file then works in its own database, dropped at the end, so one shared
 *   server serves the whole suite.
 * - MONGO_CONFORMANCE_STANDALONE_URI: a real standalone mongod, used by the
 *   standalone-specific tests the same way.
 * - MONGO_CONFORMANCE_BINARY: a mongod binary for the tests that must start and stop
 *   servers through mongodb-memory-server themselves (and for the two variables above
 *   when unset). Defaults to this package's engine, bin/mongod-engine.
 *
 * Without them every file starts its own single-node replica set (or standalone
 * server) on the engine through mongodb-memory-server-core.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type Db, type Document, MongoClient, type ObjectId, type UpdateFilter } from 'mongodb';
import { MongoMemoryReplSet, MongoMemoryServer } from 'mongodb-memory-server-core';

export interface MongoTarget {
  /** Connection string that already names `dbName` as its default database. */
  uri: string;
  /** The database this test file owns. */
  dbName: string;
  /** True when the server was started by this process (so it may be stopped/restarted). */
  ownServer: boolean;
  /** Drops the file's database on a shared server, or stops the server we started. */
  stop: () => Promise<void>;
}

/** Generous: the first start of a server on a small machine can take a while. */
export const SERVER_START_TIMEOUT_MS = 120_000;

export const ENGINE_BINARY = path.resolve(__dirname, '../../bin/mongod-engine');

/** The mongod binary mongodb-memory-server starts: a real one if given, else the engine. */
export function mongodBinary(): string {
  return process.env.MONGO_CONFORMANCE_BINARY || ENGINE_BINARY;
}

/** A database name unique to this test file and run, valid for mongod's naming rules. */
export function uniqueDbName(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30);
  return `conf_${safe}_${randomBytes(5).toString('hex')}`;
}

/** Puts `dbName` in the path of a mongodb:// or mongodb+srv:// URI, keeping its options. */
export function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB connection string: ${uri}`);
  const [, scheme, hosts, query] = match;
  return `${scheme}${hosts}/${dbName}${query ?? ''}`;
}

async function useSharedServer(uri: string, label: string): Promise<MongoTarget> {
  const dbName = uniqueDbName(label);
  return {
    uri: withDatabase(uri, dbName),
    dbName,
    ownServer: false,
    stop: async () => {
      const client = new MongoClient(uri);
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

/** Starts a single-node replica set through mongodb-memory-server (always, no env lookup). */
export async function startMemoryReplSet(label: string): Promise<MongoTarget> {
  const replSet = await MongoMemoryReplSet.create({
    binary: { systemBinary: mongodBinary() },
    replSet: { count: 1, storageEngine: 'wiredTiger' },
  });
  const dbName = uniqueDbName(label);
  return {
    uri: replSet.getUri(dbName),
    dbName,
    ownServer: true,
    stop: async () => {
      await replSet.stop();
    },
  };
}

/** Starts a standalone server through mongodb-memory-server (always, no env lookup). */
export async function startMemoryStandalone(label: string): Promise<MongoTarget> {
  const server = await MongoMemoryServer.create({
    binary: { systemBinary: mongodBinary() },
    instance: { storageEngine: 'wiredTiger' },
  });
  const dbName = uniqueDbName(label);
  return {
    uri: server.getUri(dbName),
    dbName,
    ownServer: true,
    stop: async () => {
      await server.stop();
    },
  };
}

/** A replica set for one test file: MONGO_CONFORMANCE_URI if set, else the engine. */
export async function startMongo(label: string): Promise<MongoTarget> {
  const shared = process.env.MONGO_CONFORMANCE_URI;
  return shared ? useSharedServer(shared, label) : startMemoryReplSet(label);
}

/** A standalone server: MONGO_CONFORMANCE_STANDALONE_URI if set, else one we start. */
export async function startStandaloneMongo(label: string): Promise<MongoTarget> {
  const shared = process.env.MONGO_CONFORMANCE_STANDALONE_URI;
  return shared ? useSharedServer(shared, label) : startMemoryStandalone(label);
}

/** A test file's server with a connected driver client on its database. */
export interface ConnectedMongo {
  target: MongoTarget;
  client: MongoClient;
  db: Db;
}

/** Starts (or joins) a server for one test file and connects a driver client to it. */
export async function connectMongo(
  label: string,
  start: (label: string) => Promise<MongoTarget> = startMongo,
): Promise<ConnectedMongo> {
  const target = await start(label);
  const client = new MongoClient(target.uri);
  await client.connect();
  return { target, client, db: client.db() };
}

/** Closes what {@link connectMongo} opened; safe when start-up failed half-way. */
export async function disconnectMongo(
  handles: Partial<Pick<ConnectedMongo, 'target' | 'client'>>,
): Promise<void> {
  await handles.client?.close();
  await handles.target?.stop();
}

/** Runs `action` and returns what it threw; fails the test if it did not throw. */
export async function caught(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/** A document of any shape whose _id is a number, string or ObjectId (the driver's default says ObjectId only). */
export interface LooseDoc {
  _id?: number | string | ObjectId;
  [field: string]: unknown;
}

/** An update the driver's static types would refuse (e.g. a deliberately wrong field type). */
export function untypedUpdate(update: Document): UpdateFilter<LooseDoc> {
  return update as UpdateFilter<LooseDoc>;
}
