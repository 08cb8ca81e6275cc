import os from 'node:os';
import { type Document, Long, ObjectId, type Timestamp } from 'bson';
import { commandError } from '../errors';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire/op-codes';
import { parsedOptions } from './command-line';
import type { AdminHandler, CommandContext, ServerContext } from './server-context';
import {
  buildInfoFields,
  FEATURE_COMPATIBILITY_VERSION,
  MAX_WIRE_VERSION,
  SERVER_VERSION,
} from './server-version';

const MAX_WRITE_BATCH_SIZE = 100_000;
const SESSION_TIMEOUT_MINUTES = 30;

function sameObjectId(value: unknown, id: ObjectId): boolean {
  return value instanceof ObjectId && value.equals(id);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof Long) return value.toNumber();
  return undefined;
}

/**
 * An awaitable hello (topologyVersion + maxAwaitTimeMS) whose topology version is
 * current waits for a change or the timeout, as mongod does: the driver's monitor
 * streams these, and answering at once would make it spin.
 */
async function awaitTopologyChange(cmd: Document, ctx: CommandContext, server: ServerContext) {
  const wait = toNumber(cmd.maxAwaitTimeMS);
  const asked: unknown = cmd.topologyVersion;
  if (wait === undefined || typeof asked !== 'object' || asked === null) return;
  const { processId, counter } = asked as Document;
  if (!sameObjectId(processId, server.replSet.processId)) return;
  if (toNumber(counter) !== server.replSet.topologyCounter) return;
  await server.replSet.waitForChange(Math.max(0, wait), ctx.signal);
}

function opTime(ts: Timestamp, term: number): Document {
  return { ts, t: Long.fromNumber(term) };
}

const hello: AdminHandler = async (_db, cmd, ctx, server) => {
  await awaitTopologyChange(cmd, ctx, server);
  const rs = server.replSet;
  const writable = rs.isWritablePrimary;
  const reply: Document = { topologyVersion: rs.topologyVersion() };
  // `hello` answers in its own words; the legacy spellings keep the legacy field.
  if (Object.keys(cmd)[0] === 'hello') reply.isWritablePrimary = writable;
  else reply.ismaster = writable;
  if (cmd.helloOk === true) reply.helloOk = true;
  if (rs.isReplicaSet && rs.isInitiated) {
    const me = rs.selfHost(server.selfAddress());
    const now = rs.now();
    const wallClock = new Date();
    Object.assign(reply, {
      hosts: [me],
      setName: rs.setName,
      setVersion: rs.currentConfig().version,
      secondary: false,
      primary: me,
      me,
      electionId: rs.electionId,
      lastWrite: {
        opTime: opTime(now, rs.term),
        lastWriteDate: wallClock,
        majorityOpTime: opTime(now, rs.term),
        majorityWriteDate: wallClock,
      },
    });
  } else if (rs.isReplicaSet) {
    Object.assign(reply, {
      secondary: false,
      info: 'Does not have a valid replica set config',
      isreplicaset: true,
    });
  }
  return {
    ...reply,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
};

function defaultParameters(server: ServerContext): Document {
  return {
    featureCompatibilityVersion: { version: FEATURE_COMPATIBILITY_VERSION },
    transactionLifetimeLimitSeconds: 60,
    maxTransactionLockRequestTimeoutMillis: 5,
    logicalSessionRefreshMillis: 300000,
    authenticationMechanisms: ['SCRAM-SHA-1', 'SCRAM-SHA-256'],
    ...Object.fromEntries(server.parameters),
  };
}

const getParameter: AdminHandler = (_db, cmd, _ctx, server) => {
  const all = defaultParameters(server);
  const selector: unknown = cmd.getParameter;
  if (
    selector === '*' ||
    (typeof selector === 'object' && selector !== null && 'allParameters' in selector)
  ) {
    return { ...all, ok: 1 };
  }
  const reply: Document = {};
  for (const name of Object.keys(cmd).slice(1)) {
    if (name.startsWith('$') || name === 'lsid' || name === 'comment') continue;
    if (name in all) reply[name] = all[name];
  }
  if (Object.keys(reply).length === 0)
    throw commandError('InvalidOptions', 'no option found to get');
  return { ...reply, ok: 1 };
};

const setParameter: AdminHandler = (_db, cmd, _ctx, server) => {
  const reply: Document = {};
  for (const [name, value] of Object.entries(cmd).slice(1)) {
    if (name.startsWith('$') || name === 'lsid' || name === 'comment') continue;
    reply.was = server.parameters.get(name) ?? null;
    server.parameters.set(name, value);
  }
  return { ...reply, ok: 1 };
};

const serverStatus: AdminHandler = (_db, _cmd, _ctx, server) => {
  const uptimeMillis = Date.now() - server.startedAt.getTime();
  const memory = process.memoryUsage();
  const connections = server.connectionStats();
  const reply: Document = {
    host: os.hostname(),
    version: SERVER_VERSION,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: Long.fromNumber(uptimeMillis),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
    localTime: new Date(),
    asserts: { regular: 0, warning: 0, msg: 0, user: 0, tripwire: 0, rollovers: 0 },
    connections: {
      current: connections.current,
      available: 1_000_000 - connections.current,
      totalCreated: connections.totalCreated,
      active: connections.current,
    },
    mem: {
      bits: 64,
      resident: Math.round(memory.rss / 1024 / 1024),
      virtual: Math.round(memory.heapTotal / 1024 / 1024),
      supported: true,
    },
    storageEngine: {
      name: server.commandLine.storageEngine ?? 'inMemory',
      supportsCommittedReads: true,
      persistent: false,
    },
  };
  const rs = server.replSet;
  if (rs.isReplicaSet) {
    const me = rs.selfHost(server.selfAddress());
    reply.repl = rs.isInitiated
      ? {
          setName: rs.setName,
          isWritablePrimary: true,
          secondary: false,
          primary: me,
          me,
          hosts: [me],
          setVersion: rs.currentConfig().version,
          electionId: rs.electionId,
        }
      : { isWritablePrimary: false, secondary: false, isreplicaset: true };
  }
  return { ...reply, ok: 1 };
};

const hostInfo: AdminHandler = () => ({
  system: {
    currentTime: new Date(),
    hostname: os.hostname(),
    cpuAddrSize: 64,
    memSizeMB: Long.fromNumber(Math.round(os.totalmem() / 1024 / 1024)),
    numCores: os.cpus().length,
    cpuArch: os.arch(),
    numaEnabled: false,
  },
  os: { type: os.type(), name: os.type(), version: os.release() },
  extra: {},
  ok: 1,
});

function requireAdmin(db: string, name: string): void {
  if (db !== 'admin') {
    throw commandError('Unauthorized', `${name} may only be run against the admin database.`);
  }
}

const replSetInitiate: AdminHandler = (db, cmd, _ctx, server) => {
  requireAdmin(db, 'replSetInitiate');
  const given: unknown = cmd.replSetInitiate;
  const config = typeof given === 'object' && given !== null ? (given as Document) : undefined;
  server.replSet.initiate(config, server.selfAddress());
  // mongodb-memory-server waits for the "Transition to primary complete" line.
  const log = server.log;
  log.info('REPL', 21392, 'conn', 'New replica set config in use', {
    config: { _id: server.replSet.setName, version: 1 },
  });
  for (const [oldState, newState] of [
    ['STARTUP', 'STARTUP2'],
    ['STARTUP2', 'SECONDARY'],
    ['SECONDARY', 'PRIMARY'],
  ]) {
    log.info('REPL', 21358, 'ReplCoord-0', 'Replica set state transition', { newState, oldState });
  }
  log.info(
    'REPL',
    21331,
    'OplogApplier-0',
    'Transition to primary complete; database writes are now permitted',
  );
  return { ok: 1 };
};

const replSetReconfig: AdminHandler = (db, cmd, _ctx, server) => {
  requireAdmin(db, 'replSetReconfig');
  const given: unknown = cmd.replSetReconfig;
  if (typeof given !== 'object' || given === null) {
    throw commandError('TypeMismatch', 'replSetReconfig expects a config document');
  }
  server.replSet.reconfig(given as Document, server.selfAddress());
  return { ok: 1 };
};

const replSetGetConfig: AdminHandler = (db, _cmd, _ctx, server) => {
  requireAdmin(db, 'replSetGetConfig');
  if (!server.replSet.isReplicaSet) {
    throw commandError('NoReplicationEnabled', 'not running with --replSet');
  }
  return { config: server.replSet.currentConfig(), ok: 1 };
};

const replSetGetStatus: AdminHandler = (db, _cmd, _ctx, server) => {
  requireAdmin(db, 'replSetGetStatus');
  const rs = server.replSet;
  if (!rs.isReplicaSet) throw commandError('NoReplicationEnabled', 'not running with --replSet');
  const config = rs.currentConfig();
  const now = rs.now();
  const optime = opTime(now, rs.term);
  const optimeDate = new Date(now.high * 1000);
  const { electionTime, electionDate } = rs.electionDetails();
  const uptime = Math.floor((Date.now() - server.startedAt.getTime()) / 1000);
  return {
    set: rs.setName,
    date: new Date(),
    myState: 1,
    term: Long.fromNumber(rs.term),
    syncSourceHost: '',
    syncSourceId: -1,
    heartbeatIntervalMillis: Long.fromNumber(2000),
    majorityVoteCount: 1,
    writeMajorityCount: 1,
    votingMembersCount: 1,
    writableVotingMembersCount: 1,
    optimes: {
      lastCommittedOpTime: optime,
      lastCommittedWallTime: optimeDate,
      readConcernMajorityOpTime: optime,
      appliedOpTime: optime,
      durableOpTime: optime,
      lastAppliedWallTime: optimeDate,
      lastDurableWallTime: optimeDate,
    },
    members: rs.members().map((member) => ({
      _id: member._id,
      name: member.host,
      health: 1,
      state: 1,
      stateStr: 'PRIMARY',
      uptime,
      optime,
      optimeDate,
      lastAppliedWallTime: optimeDate,
      lastDurableWallTime: optimeDate,
      syncSourceHost: '',
      syncSourceId: -1,
      infoMessage: '',
      electionTime,
      electionDate,
      configVersion: config.version,
      configTerm: rs.term,
      self: true,
      lastHeartbeatMessage: '',
    })),
    ok: 1,
  };
};

const listDatabases: AdminHandler = (db, cmd, _ctx, server) => {
  requireAdmin(db, 'listDatabases');
  const databases = server.engine.listDatabases();
  if (cmd.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = databases.reduce((sum, d) => sum + d.sizeOnDisk, 0);
  return {
    databases: databases.map(({ name, sizeOnDisk, empty }) => ({ name, sizeOnDisk, empty })),
    totalSize,
    totalSizeMb: Math.floor(totalSize / 1024 / 1024),
    ok: 1,
  };
};

const getLog: AdminHandler = (_db, cmd, _ctx, server) => {
  const which: unknown = cmd.getLog;
  if (which === '*') return { names: ['global', 'startupWarnings'], ok: 1 };
  if (which === 'global') return { ...server.log.lines(), ok: 1 };
  if (which === 'startupWarnings') return { totalLinesWritten: 0, log: [], ok: 1 };
  throw commandError('BadValue', `no RamLog named: ${String(which)}`);
};

const noop: AdminHandler = () => ({ ok: 1 });

/** Commands the wire server answers itself. Keys are exact command names, as mongod matches them. */
export const adminCommands: ReadonlyMap<string, AdminHandler> = new Map<string, AdminHandler>([
  ['hello', hello],
  ['isMaster', hello],
  ['ismaster', hello],
  ['ping', noop],
  ['buildInfo', () => ({ ...buildInfoFields(), ok: 1 })],
  ['buildinfo', () => ({ ...buildInfoFields(), ok: 1 })],
  ['getParameter', getParameter],
  ['setParameter', setParameter],
  [
    'getCmdLineOpts',
    (_db, _cmd, _ctx, server) => ({
      argv: ['mongod', ...server.commandLine.argv],
      parsed: parsedOptions(server.commandLine, Number(server.selfAddress().split(':').pop())),
      ok: 1,
    }),
  ],
  ['serverStatus', serverStatus],
  ['hostInfo', hostInfo],
  ['whatsmyuri', (_db, _cmd, ctx) => ({ you: ctx.remoteAddress, ok: 1 })],
  [
    'connectionStatus',
    (_db, cmd) => ({
      authInfo: {
        authenticatedUsers: [],
        authenticatedUserRoles: [],
        ...(cmd.showPrivileges === true ? { authenticatedUserPrivileges: [] } : {}),
      },
      ok: 1,
    }),
  ],
  ['getLog', getLog],
  ['replSetInitiate', replSetInitiate],
  ['replSetReconfig', replSetReconfig],
  ['replSetGetStatus', replSetGetStatus],
  ['replSetGetConfig', replSetGetConfig],
  ['listDatabases', listDatabases],
  [
    'shutdown',
    (db, _cmd, _ctx, server) => {
      requireAdmin(db, 'shutdown');
      server.requestShutdown();
      return { ok: 1 };
    },
  ],
  ['endSessions', noop],
  ['killSessions', noop],
  ['killAllSessions', noop],
  ['killAllSessionsByPattern', noop],
  ['refreshSessions', noop],
  ['getFreeMonitoringStatus', () => ({ state: 'disabled', ok: 1 })],
  [
    'getDefaultRWConcern',
    () => ({
      defaultReadConcern: { level: 'local' },
      defaultWriteConcern: { w: 'majority', wtimeout: 0 },
      defaultReadConcernSource: 'implicit',
      defaultWriteConcernSource: 'implicit',
      ok: 1,
    }),
  ],
  ...['saslStart', 'saslContinue', 'authenticate'].map((name): [string, AdminHandler] => [
    name,
    () => {
      throw commandError(
        'AuthenticationFailed',
        'Authentication failed. (this server runs without authentication)',
      );
    },
  ]),
]);

/** Admin commands a storage engine may take over when it lists them in `commandNames`. */
export const engineOverridable: ReadonlySet<string> = new Set([
  'endSessions',
  'killSessions',
  'killAllSessions',
  'killAllSessionsByPattern',
  'refreshSessions',
]);
