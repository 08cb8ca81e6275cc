/**
 * The mongod release this server claims to be: mongodb-memory-server-core 10.4.3's
 * default, so its system-binary version check stays quiet.
 */
export const SERVER_VERSION = '7.0.24';
export const VERSION_ARRAY = [7, 0, 24, 0] as const;
/** Wire version of MongoDB 7.0. */
export const MAX_WIRE_VERSION = 21;
export const FEATURE_COMPATIBILITY_VERSION = '7.0';

/** What `buildInfo` and `mongod --version` report, marked so nobody mistakes it for a real build. */
export function buildInfoFields(): Record<string, unknown> {
  return {
    version: SERVER_VERSION,
    gitVersion: 'mongo-engine',
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    versionArray: [...VERSION_ARRAY],
    openssl: { running: 'disabled', compiled: 'disabled' },
    buildEnvironment: {
      distmod: 'mongo-engine',
      distarch: process.arch,
      target_arch: process.arch,
      target_os: process.platform,
    },
    bits: 64,
    debug: false,
    maxBsonObjectSize: 16 * 1024 * 1024,
    storageEngines: ['inMemory'],
  };
}

/** The text `mongod --version` prints. */
export function versionText(): string {
  const info = {
    version: SERVER_VERSION,
    gitVersion: 'mongo-engine',
    modules: [],
    allocator: 'system',
    environment: { distmod: 'mongo-engine', distarch: process.arch, target_arch: process.arch },
  };
  return `db version v${SERVER_VERSION}\nBuild Info: ${JSON.stringify(info, null, 4)}\n`;
}
