import { type MongoHandle, startMongo } from './mongo';

type Hook = (fn: () => Promise<void>, timeoutMs?: number) => void;

/** The parts of a service's `mongoose` that {@link useMongooseDatabase} drives. */
export interface MongooseLike {
  connect(uri: string, options: { dbName: string }): Promise<unknown>;
  disconnect(): Promise<void>;
  connection: {
    collections: Record<string, { deleteMany(filter: Record<string, never>): Promise<unknown> }>;
  };
}

/** Options of {@link useMongooseDatabase}. */
export interface MongooseDatabaseOptions {
  /** The service's database name, e.g. `tickets`. */
  dbName: string;
  /**
   * Runs once after connecting: build the indexes and collections the tests rely on
   * (e.g. `() => Promise.all([Ticket.init(), ensureOutboxCollections(mongoose.connection)])`).
   */
  prepare?: () => Promise<unknown>;
}

/** Generous: the first start in a worker may compete with other workers for 2 cores. */
const HOOK_TIMEOUT_MS = 60_000;

/**
 * For the calling jest test file: a MongoDB replica set (transactions work) with the
 * service's `mongoose` connected to it and `prepare` run; every collection emptied
 * before each test (emptied, not dropped, so unique indexes stay); all stopped after
 * the last test. The getter gives the handle inside tests (e.g. to restart MongoDB).
 *
 * @example const mongo = useMongooseDatabase(mongoose, { dbName: 'auth', prepare: () => User.init() });
 */
export function useMongooseDatabase(
  mongoose: MongooseLike,
  options: MongooseDatabaseOptions,
): () => MongoHandle {
  const hooks = globalThis as { beforeAll?: Hook; beforeEach?: Hook; afterAll?: Hook };
  const { beforeAll, beforeEach, afterAll } = hooks;
  if (
    typeof beforeAll !== 'function' ||
    typeof beforeEach !== 'function' ||
    typeof afterAll !== 'function'
  ) {
    throw new Error('useMongooseDatabase() must be called at the top level of a jest test file');
  }
  let mongo: MongoHandle | undefined;
  beforeAll(async () => {
    mongo = await startMongo();
    await mongoose.connect(mongo.uri, { dbName: options.dbName });
    await options.prepare?.();
  }, HOOK_TIMEOUT_MS);
  beforeEach(async () => {
    for (const collection of Object.values(mongoose.connection.collections)) {
      await collection.deleteMany({});
    }
  });
  afterAll(async () => {
    await mongoose.disconnect();
    await mongo?.stop();
  }, HOOK_TIMEOUT_MS);
  return () => {
    if (mongo === undefined) throw new Error('MongoDB is not started yet');
    return mongo;
  };
}
