import type { Document } from 'bson';

/** The mongod options this server understands; everything else it accepts and ignores. */
export interface CommandLine {
  readonly argv: readonly string[];
  readonly port: number;
  readonly bindIp: string;
  readonly dbPath?: string;
  readonly replSet?: string;
  readonly storageEngine?: string;
  readonly auth: boolean;
  readonly ipv6: boolean;
  readonly oplogSizeMB?: number;
  readonly setParameters: Readonly<Record<string, string>>;
  readonly showVersion: boolean;
  readonly showHelp: boolean;
  /** Options accepted for mongod compatibility that change nothing here. */
  readonly ignored: readonly string[];
}

/** A command line mongod itself would refuse (mongod exits with code 2, EXIT_BADOPTIONS). */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

export const DEFAULT_PORT = 27017;

const VALUE_OPTIONS = new Set([
  'port',
  'dbpath',
  'bind_ip',
  'replSet',
  'storageEngine',
  'setParameter',
  'oplogSize',
]);
const FLAG_OPTIONS = new Set(['noauth', 'auth', 'ipv6', 'version', 'help']);
// mongod switches without a value: recognised so they never swallow the next argument.
const IGNORED_SWITCHES = new Set([
  'bind_ip_all',
  'quiet',
  'nounixsocket',
  'fork',
  'logappend',
  'journal',
  'nojournal',
  'verbose',
  'noscripting',
  'notablescan',
  'transitionToAuth',
]);

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CommandLineError(
      `the argument ('${value}') for option '--port' is invalid: must be an integer from 0 to 65535`,
    );
  }
  return port;
}

/** Parses mongod-style arguments (`--opt value`, `--opt=value`, repeated `--setParameter k=v`). */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const setParameters: Record<string, string> = {};
  const ignored: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('--')) {
      ignored.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (FLAG_OPTIONS.has(name)) {
      flags.add(name);
      continue;
    }
    if (IGNORED_SWITCHES.has(name) && value === undefined) {
      ignored.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (value === undefined && next !== undefined && !next.startsWith('--')) {
      value = next;
      i += 1;
    }
    if (!VALUE_OPTIONS.has(name)) {
      ignored.push(value === undefined ? arg : `${arg.split('=')[0]}=${value}`);
      continue;
    }
    if (value === undefined) throw new CommandLineError(`option '--${name}' requires a value`);
    if (name === 'setParameter') {
      const sep = value.indexOf('=');
      if (sep <= 0) throw new CommandLineError(`--setParameter expects name=value, got '${value}'`);
      setParameters[value.slice(0, sep)] = value.slice(sep + 1);
    } else {
      values.set(name, value);
    }
  }
  const portText = values.get('port');
  const oplog = values.get('oplogSize');
  const oplogSizeMB = oplog === undefined ? undefined : Number(oplog);
  if (oplogSizeMB !== undefined && !(Number.isFinite(oplogSizeMB) && oplogSizeMB >= 0)) {
    throw new CommandLineError(`the argument ('${oplog}') for option '--oplogSize' is invalid`);
  }
  const replSet = values.get('replSet');
  if (replSet === '') throw new CommandLineError('--replSet needs a set name');
  return {
    argv: [...argv],
    port: portText === undefined ? DEFAULT_PORT : parsePort(portText),
    bindIp: values.get('bind_ip') ?? '127.0.0.1',
    dbPath: values.get('dbpath'),
    // mongod accepts "name/seed1,seed2"; only the name matters for one member.
    replSet: replSet?.split('/')[0],
    storageEngine: values.get('storageEngine'),
    auth: flags.has('auth') && !flags.has('noauth'),
    ipv6: flags.has('ipv6'),
    oplogSizeMB,
    setParameters,
    showVersion: flags.has('version'),
    showHelp: flags.has('help'),
    ignored,
  };
}

/** The `parsed` section of `getCmdLineOpts`, shaped like mongod's YAML config. */
export function parsedOptions(cmd: CommandLine, port: number): Document {
  const parsed: Document = { net: { bindIp: cmd.bindIp, port, ipv6: cmd.ipv6 } };
  if (cmd.replSet !== undefined) {
    const replication: Document = { replSet: cmd.replSet };
    if (cmd.oplogSizeMB !== undefined) replication.oplogSizeMB = cmd.oplogSizeMB;
    parsed.replication = replication;
  }
  parsed.security = { authorization: cmd.auth ? 'enabled' : 'disabled' };
  if (Object.keys(cmd.setParameters).length > 0) parsed.setParameter = { ...cmd.setParameters };
  const storage: Document = {};
  if (cmd.dbPath !== undefined) storage.dbPath = cmd.dbPath;
  if (cmd.storageEngine !== undefined) storage.engine = cmd.storageEngine;
  if (Object.keys(storage).length > 0) parsed.storage = storage;
  return parsed;
}
