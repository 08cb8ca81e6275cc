import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  getFreePort,
  type MongoHandle,
  type NatsServer,
  type RedisServer,
  startMongo,
  startNats,
  startRedis,
} from '@ticketing/test-helpers';
import { type Gateway, type GatewayRoute, startGateway } from './gateway';
import { type ExitStatus, ServiceProcess } from './service-process';

/** The four services, in the order they are listed and started. */
export const SERVICE_NAMES = ['auth', 'tickets', 'orders', 'expiration'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The ingress rules of infra/k8s, as path prefix → service. */
export const ROUTES: readonly { prefix: string; service: ServiceName }[] = [
  { prefix: '/api/users', service: 'auth' },
  { prefix: '/api/tickets', service: 'tickets' },
  { prefix: '/api/orders', service: 'orders' },
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Options of {@link startStack}; every one has a default. */
export interface StackOptions {
  /** Gateway port on 127.0.0.1. Default 0: a free port. */
  gatewayPort?: number;
  /** Signs and verifies the session JWT. Default: random per run. */
  jwtKey?: string;
  /** How long an order reserves its ticket. Default: the orders service's own (15 min). */
  expirationWindowSeconds?: number;
  /** The services' LOG_LEVEL. Default `info`. */
  logLevel?: LogLevel;
  /** Which services to run. Default all four. */
  services?: readonly ServiceName[];
  /** Receives every line the services print (prefixed with the service) and the stack's notices. Default: stdout. */
  log?: (line: string) => void;
  /**
   * Called when a service exits without having been asked to; the stack only
   * logs it (the CLI shuts the whole stack down). Default: nothing more.
   */
  onServiceExit?: (service: ServiceName, status: ExitStatus) => void;
  /** How long each service gets to answer `/readyz` = 200. Default 90 s (the first start compiles nothing, but the MongoDB engine is slow on small machines). */
  readyTimeoutMs?: number;
  /** Where the built services live. Default: this repository. */
  repoRoot?: string;
}

/** A service of the running stack. */
export interface StackService {
  readonly name: ServiceName;
  /** `http://127.0.0.1:<port>`, the same across stop()/start(). */
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Graceful stop (SIGTERM); resolves with the exit status (code 0 is clean). */
  stop(): Promise<ExitStatus>;
  /** Starts it again with the same port and environment; resolves once `/readyz` is 200. */
  start(): Promise<void>;
}

/** Addresses of the infrastructure the stack started. */
export interface StackInfrastructure {
  natsUrl: string;
  redisUrl: string;
  /** Per service database: `mongodb://…/<db>?replicaSet=…`. */
  mongoUris: Readonly<Record<'auth' | 'tickets' | 'orders', string>>;
  mongoEngine: MongoHandle['engine'];
}

/** What {@link startStack} resolves with. */
export interface Stack {
  /** `http://127.0.0.1:<port>`: the single entry point, like the ingress. */
  readonly gatewayUrl: string;
  readonly services: Readonly<Partial<Record<ServiceName, StackService>>>;
  readonly infrastructure: StackInfrastructure;
  /**
   * Stops the gateway, then every service (SIGTERM, waiting for each to exit),
   * then NATS, Redis and MongoDB. Resolves true when every service exited with
   * code 0. Safe to call twice.
   */
  stop(): Promise<boolean>;
}

const DEFAULT_READY_TIMEOUT_MS = 90_000;
// Above the services' own SHUTDOWN_TIMEOUT_MS backstop (10 s), so theirs fires first.
const SERVICE_STOP_TIMEOUT_MS = 15_000;

function defaultRepoRoot(): string {
  // build/stack.js (or src/stack.ts) → tools/local-stack → tools → repository root.
  return resolve(__dirname, '..', '..', '..');
}

function serviceEnv(
  name: ServiceName,
  port: number,
  options: Required<Pick<StackOptions, 'jwtKey' | 'logLevel'>> &
    Pick<StackOptions, 'expirationWindowSeconds'>,
  infra: StackInfrastructure,
): NodeJS.ProcessEnv {
  // Inherit PATH and friends, but none of the settings the services read from the caller.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(MONGO_|NATS_|REDIS_|JWT_|COOKIE_|EXPIRATION_|SHUTDOWN_)/.test(key)) delete env[key];
  }
  Object.assign(env, {
    PORT: String(port),
    NODE_ENV: 'development',
    LOG_LEVEL: options.logLevel,
  });
  if (name !== 'expiration') {
    Object.assign(env, {
      MONGO_URI: infra.mongoUris[name],
      JWT_KEY: options.jwtKey,
      // Plain HTTP on this machine: a `secure` cookie would never come back.
      COOKIE_SECURE: 'false',
    });
  }
  if (name !== 'auth') {
    Object.assign(env, {
      NATS_URL: infra.natsUrl,
      NATS_TRANSPORT: 'jetstream',
      NATS_CLIENT_ID: `${name}-local`,
    });
  }
  if (name === 'expiration') env.REDIS_URL = infra.redisUrl;
  if (name === 'orders' && options.expirationWindowSeconds !== undefined) {
    env.EXPIRATION_WINDOW_SECONDS = String(options.expirationWindowSeconds);
  }
  return env;
}

async function stopQuietly(stoppers: (() => Promise<unknown>)[]): Promise<void> {
  await Promise.allSettled(stoppers.map((stop) => stop()));
}

/**
 * Runs the whole system on this machine: one `nats-server -js`, one
 * `redis-server` (AOF on), one MongoDB single-node replica set with a database
 * per service (`auth`, `tickets`, `orders`), the four built services as child
 * processes on free ports, and a gateway routing like the ingress. Resolves once
 * every service's `/readyz` is 200. Data lives in temporary directories and lasts
 * for the run. If anything fails to start, everything already started is stopped.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const repoRoot = options.repoRoot ?? defaultRepoRoot();
  const names = options.services ?? SERVICE_NAMES;
  const scripts = new Map(names.map((name) => [name, join(repoRoot, name, 'build', 'index.js')]));
  const unbuilt = [...scripts].filter(([, script]) => !existsSync(script)).map(([name]) => name);
  if (unbuilt.length > 0) {
    throw new Error(
      `not built: ${unbuilt.join(', ')}; run \`npm run build\` at the repository root`,
    );
  }

  let nats: NatsServer | undefined;
  let redis: RedisServer | undefined;
  let mongo: MongoHandle | undefined;
  const started: ServiceProcess[] = [];
  let gateway: Gateway | undefined;
  let stopping: Promise<boolean> | undefined;

  const stopInfrastructure = (): Promise<void> =>
    stopQuietly([async () => nats?.stop(), async () => redis?.stop(), async () => mongo?.stop()]);

  const stop = (): Promise<boolean> => {
    stopping ??= (async () => {
      await gateway?.close();
      const statuses = await Promise.all(
        started.map(async (service) => {
          const status = await service.stop();
          if (status.code !== 0) {
            log(
              `[local-stack] ${service.name} exited with code ${status.code} (signal ${status.signal}) on stop`,
            );
          }
          return status.code === 0;
        }),
      );
      await stopInfrastructure();
      return statuses.every(Boolean);
    })();
    return stopping;
  };

  try {
    log('[local-stack] starting nats-server, redis-server and MongoDB…');
    // allSettled: when one fails, the others that did start must still be stopped.
    const [natsResult, redisResult, mongoResult] = await Promise.allSettled([
      startNats(),
      startRedis({ appendonly: true }),
      startMongo(),
    ]);
    if (natsResult.status === 'fulfilled') nats = natsResult.value;
    if (redisResult.status === 'fulfilled') redis = redisResult.value;
    if (mongoResult.status === 'fulfilled') mongo = mongoResult.value;
    for (const result of [natsResult, redisResult, mongoResult]) {
      if (result.status === 'rejected') throw result.reason;
    }
    if (nats === undefined || redis === undefined || mongo === undefined) {
      throw new Error('infrastructure did not start');
    }
    const running = mongo;
    const infrastructure: StackInfrastructure = {
      natsUrl: nats.url,
      redisUrl: redis.url,
      mongoUris: {
        auth: running.replSet.getUri('auth'),
        tickets: running.replSet.getUri('tickets'),
        orders: running.replSet.getUri('orders'),
      },
      mongoEngine: running.engine,
    };
    log(
      `[local-stack] nats ${nats.url}, redis ${redis.url}, mongo ${running.replSet.getUri()} (${running.engine})`,
    );

    const settings = {
      jwtKey: options.jwtKey ?? randomBytes(32).toString('hex'),
      logLevel: options.logLevel ?? 'info',
      expirationWindowSeconds: options.expirationWindowSeconds,
    };
    const services = new Map<ServiceName, ServiceProcess>();
    for (const name of names) {
      const port = await getFreePort();
      services.set(
        name,
        new ServiceProcess({
          name,
          script: scripts.get(name) ?? '',
          port,
          env: serviceEnv(name, port, settings, infrastructure),
          log,
          onUnexpectedExit: (service, status) => {
            log(
              `[local-stack] !!! ${service} DIED UNEXPECTEDLY (code ${status.code}, signal ${status.signal})`,
            );
            options.onServiceExit?.(name, status);
          },
          readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
          stopTimeoutMs: SERVICE_STOP_TIMEOUT_MS,
        }),
      );
    }
    log(`[local-stack] starting ${names.join(', ')}…`);
    started.push(...services.values());
    await Promise.all([...services.values()].map((service) => service.start()));

    const routes: GatewayRoute[] = ROUTES.flatMap(({ prefix, service }) => {
      const target = services.get(service);
      return target === undefined ? [] : [{ prefix, service, target: target.url }];
    });
    gateway = await startGateway({ routes, port: options.gatewayPort ?? 0 });

    const handles: Partial<Record<ServiceName, StackService>> = {};
    for (const [name, service] of services) {
      handles[name] = {
        name,
        url: service.url,
        port: service.port,
        get pid() {
          return service.pid;
        },
        get running() {
          return service.running;
        },
        stop: () => service.stop(),
        start: () => service.start(),
      };
    }
    return { gatewayUrl: gateway.url, services: handles, infrastructure, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
