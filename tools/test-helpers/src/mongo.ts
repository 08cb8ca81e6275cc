import { MongoMemoryReplSet } from 'mongodb-memory-server-core';
import { type MongoBinaryChoice, resolveMongoBinary } from './mongo-binary';

/** Options for {@link startMongo}. */
export interface MongoOptions {
  /** Database name put into the URI's path. Default: none (the driver's default). */
  dbName?: string;
  /** How long mongodb-memory-server waits for the server to listen. Default 30 000 ms. */
  launchTimeoutMs?: number;
  /** Use this binary instead of {@link resolveMongoBinary}'s choice (and log nothing). */
  binary?: MongoBinaryChoice;
}

/** A running single-node MongoDB replica set. */
export interface MongoHandle {
  /** Connection string including `replicaSet=`, so transactions work. */
  readonly uri: string;
  /** Which binary serves it. */
  readonly engine: MongoBinaryChoice['engine'];
  /** The underlying mongodb-memory-server replica set, for anything not covered here. */
  readonly replSet: MongoMemoryReplSet;
  /** Stops the server and removes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

let processChoice: MongoBinaryChoice | undefined;

/**
 * The binary for this process, chosen once and announced in one stderr line,
 * so that every test log says whether it ran against real MongoDB.
 */
function chooseOnce(): MongoBinaryChoice {
  if (processChoice === undefined) {
    processChoice = resolveMongoBinary();
    const what = processChoice.engine === 'mongod' ? 'real mongod' : 'project engine';
    process.stderr.write(`[test-helpers] MongoDB: ${what} (${processChoice.reason})\n`);
  }
  return processChoice;
}

/**
 * Starts a single-node MongoDB replica set (transactions need one) through
 * mongodb-memory-server, using a real `mongod` if this machine has one and the
 * project's engine otherwise (see {@link resolveMongoBinary}). Never downloads:
 * the binary is always given to mongodb-memory-server as `systemBinary`.
 */
export async function startMongo(options: MongoOptions = {}): Promise<MongoHandle> {
  const choice = options.binary ?? chooseOnce();
  if (choice.engine === 'mongo-engine') assertEngineBuilt();
  const replSet = await MongoMemoryReplSet.create({
    replSet: { count: 1, storageEngine: 'wiredTiger' },
    instanceOpts: [{ launchTimeout: options.launchTimeoutMs ?? 30_000 }],
    binary: {
      systemBinary: choice.systemBinary,
      ...(choice.version === undefined ? {} : { version: choice.version }),
    },
  });
  let stopped = false;
  return {
    uri: replSet.getUri(options.dbName),
    engine: choice.engine,
    replSet,
    async stop() {
      if (stopped) return;
      stopped = true;
      await replSet.stop({ doCleanup: true, force: true });
    },
  };
}

function assertEngineBuilt(): void {
  try {
    require.resolve('@ticketing/mongo-engine');
  } catch (error) {
    throw new Error(
      'The project MongoDB engine is not built; run `npm run build -w @ticketing/mongo-engine`',
      { cause: error },
    );
  }
}
