import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { DEFAULT_VERSION } from 'mongodb-memory-server-core/lib/util/resolveConfig';

/** Where the chosen MongoDB binary came from, in order of preference. */
export type MongoBinarySource = 'env' | 'path' | 'cache' | 'project-engine';

/** The binary {@link startMongo} hands to mongodb-memory-server as `systemBinary`. */
export interface MongoBinaryChoice {
  /** `mongod` for a real MongoDB server, `mongo-engine` for the project's stand-in. */
  engine: 'mongod' | 'mongo-engine';
  source: MongoBinarySource;
  /** Absolute path (or, for `env`, the value exactly as given). */
  systemBinary: string;
  /** Version known without running the binary (from a cache file name), if any. */
  version: string | undefined;
  /** Why this one: one human-readable clause for the log line. */
  reason: string;
}

/** Inputs of {@link resolveMongoBinary}; every one defaults to the real environment. */
export interface ResolveMongoBinaryOptions {
  /** Reads PATH, MONGOMS_SYSTEM_BINARY, MONGOMS_DOWNLOAD_DIR, MONGOMS_VERSION, CACHE_DIR. */
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  /** Start of the upward search for `node_modules/.cache/mongodb-memory-server`. */
  cwd?: string;
  /** Architecture in mongodb-memory-server's cache file names. Default `process.arch`. */
  arch?: string;
  /** The project engine's executable. Default: the `mongod-engine` bin of @ticketing/mongo-engine. */
  engineBinary?: string;
}

/**
 * Picks the MongoDB binary for tests without touching the network and without
 * running anything:
 *
 * 1. `MONGOMS_SYSTEM_BINARY`, as is (mongodb-memory-server would honour it anyway);
 * 2. an executable `mongod` on PATH;
 * 3. a `mongod-<arch>-<dist>-<version>` that mongodb-memory-server already
 *    downloaded: `MONGOMS_DOWNLOAD_DIR`, `~/.cache/mongodb-binaries`,
 *    `node_modules/.cache/mongodb-memory-server` (or `$CACHE_DIR/mongodb-memory-server`)
 *    of cwd and each directory above it, `./mongodb-binaries`; the configured
 *    version (`MONGOMS_VERSION`, else mongodb-memory-server's default) wins, else
 *    the newest;
 * 4. otherwise the project's engine, `@ticketing/mongo-engine`.
 */
export function resolveMongoBinary(options: ResolveMongoBinaryOptions = {}): MongoBinaryChoice {
  const env = options.env ?? process.env;
  const engineBinary = (): string => options.engineBinary ?? resolveEngineBinary();

  const fromEnv = env.MONGOMS_SYSTEM_BINARY;
  if (fromEnv) {
    const isEngine = samePath(fromEnv, options.engineBinary ?? tryResolveEngineBinary());
    return {
      engine: isEngine ? 'mongo-engine' : 'mongod',
      source: 'env',
      systemBinary: fromEnv,
      version: undefined,
      reason: `MONGOMS_SYSTEM_BINARY=${fromEnv}`,
    };
  }

  const onPath = findOnPath('mongod', env.PATH ?? '');
  if (onPath) {
    return {
      engine: 'mongod',
      source: 'path',
      systemBinary: onPath,
      version: undefined,
      reason: `mongod on PATH at ${onPath}`,
    };
  }

  const cached = findCachedMongod(
    cacheDirs(env, options.homeDir ?? homedir(), options.cwd ?? process.cwd()),
    options.arch ?? process.arch,
    env.MONGOMS_VERSION || DEFAULT_VERSION,
  );
  if (cached) {
    return {
      engine: 'mongod',
      source: 'cache',
      systemBinary: cached.path,
      version: cached.version,
      reason: `mongod ${cached.version} cached by mongodb-memory-server at ${cached.path}`,
    };
  }

  return {
    engine: 'mongo-engine',
    source: 'project-engine',
    systemBinary: engineBinary(),
    version: undefined,
    reason: 'no mongod on PATH or in the mongodb-memory-server cache',
  };
}

/** Absolute path of @ticketing/mongo-engine's `mongod-engine` executable. */
export function resolveEngineBinary(): string {
  const packageJsonPath = require.resolve('@ticketing/mongo-engine/package.json');
  const manifest: unknown = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const bin =
    isRecord(manifest) && isRecord(manifest.bin) ? manifest.bin['mongod-engine'] : undefined;
  if (typeof bin !== 'string') {
    throw new Error(`${packageJsonPath} declares no "mongod-engine" bin`);
  }
  return resolve(dirname(packageJsonPath), bin);
}

function tryResolveEngineBinary(): string | undefined {
  try {
    return resolveEngineBinary();
  } catch {
    return undefined;
  }
}

function samePath(a: string, b: string | undefined): boolean {
  return b !== undefined && resolve(a) === resolve(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, pathVariable: string): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (dir === '') continue;
    const candidate = resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** The directories mongodb-memory-server downloads into, most specific first. */
function cacheDirs(env: NodeJS.ProcessEnv, home: string, cwd: string): string[] {
  const dirs: string[] = [];
  if (env.MONGOMS_DOWNLOAD_DIR) dirs.push(resolve(cwd, env.MONGOMS_DOWNLOAD_DIR));
  dirs.push(join(home, '.cache', 'mongodb-binaries'));
  // find-cache-dir, which mongodb-memory-server uses, honours CACHE_DIR like this.
  const cacheDirEnv = env.CACHE_DIR;
  if (cacheDirEnv && !['true', 'false', '1', '0'].includes(cacheDirEnv)) {
    dirs.push(join(cacheDirEnv, 'mongodb-memory-server'));
  }
  // It looks only next to the nearest package.json; in a workspace an install
  // from the root lands in the root's node_modules, so look all the way up.
  let dir = resolve(cwd);
  for (;;) {
    dirs.push(join(dir, 'node_modules', '.cache', 'mongodb-memory-server'));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  dirs.push(join(cwd, 'mongodb-binaries'));
  return dirs;
}

interface CachedMongod {
  path: string;
  version: string;
}

function findCachedMongod(
  dirs: string[],
  arch: string,
  preferredVersion: string,
): CachedMongod | undefined {
  const pattern = new RegExp(`^mongod-${escapeRegExp(arch)}-.+-(\\d+\\.\\d+\\.\\d+)(?:\\.exe)?$`);
  const found: CachedMongod[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const version = pattern.exec(name)?.[1];
      if (version === undefined) continue;
      // A lock file means a download of that version is still being extracted.
      if (names.includes(`${version}.lock`)) continue;
      const path = join(dir, name);
      if (isExecutableFile(path)) found.push({ path, version });
    }
  }
  const preferred = found.find((entry) => entry.version === preferredVersion);
  if (preferred) return preferred;
  return found.sort((a, b) => compareVersions(b.version, a.version))[0];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
