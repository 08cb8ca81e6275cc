import { type MongoHandle, type MongoOptions, startMongo } from './mongo';
import { type NatsOptions, type NatsServer, startNats } from './nats';
import { type RedisOptions, type RedisServer, startRedis } from './redis';

type Hook = (fn: () => Promise<void>, timeoutMs?: number) => void;

/** Generous: the first start in a worker may compete with other workers for 2 cores. */
const HOOK_TIMEOUT_MS = 60_000;

/**
 * Registers beforeAll/afterAll in the calling test file: start before its
 * first test, stop after its last. The getter throws if used outside a test.
 */
function useResource<T>(start: () => Promise<T>, stop: (resource: T) => Promise<void>): () => T {
  const hooks = globalThis as { beforeAll?: Hook; afterAll?: Hook };
  const { beforeAll, afterAll } = hooks;
  if (typeof beforeAll !== 'function' || typeof afterAll !== 'function') {
    throw new Error('use*() must be called at the top level of a jest test file');
  }
  let resource: T | undefined;
  beforeAll(async () => {
    resource = await start();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    if (resource !== undefined) await stop(resource);
  }, HOOK_TIMEOUT_MS);
  return () => {
    if (resource === undefined)
      throw new Error('not started yet: use the getter inside a test or hook');
    return resource;
  };
}

/**
 * A MongoDB replica set for the whole test file.
 * @example const mongo = useMongo(); test('…', async () => connect(mongo().uri));
 */
export function useMongo(options?: MongoOptions): () => MongoHandle {
  return useResource(
    () => startMongo(options),
    (handle) => handle.stop(),
  );
}

/** A nats-server for the whole test file (see {@link startNats}). */
export function useNats(options?: NatsOptions): () => NatsServer {
  return useResource(
    () => startNats(options),
    (server) => server.stop(),
  );
}

/** A redis-server for the whole test file (see {@link startRedis}). */
export function useRedis(options?: RedisOptions): () => RedisServer {
  return useResource(
    () => startRedis(options),
    (server) => server.stop(),
  );
}
