import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { CheckResult, ReadinessCheck } from './probe-router';

/** Options of {@link connectMongo}. */
export interface ConnectMongoOptions {
  logger: Logger;
  /**
   * The connection to open: pass the service's own `mongoose.connection` (the one its
   * models are registered on), so common's copy of mongoose never has to be the same.
   */
  connection: Connection;
  /** How long to look for a usable server before giving up. Default 15 000 ms. */
  serverSelectionTimeoutMS?: number;
}

const STATES: Record<number, string> = {
  0: 'disconnected',
  1: 'connected',
  2: 'connecting',
  3: 'disconnecting',
};

/**
 * Opens `connection` on `uri` and logs its life (connected, disconnected,
 * reconnected, errors) with the hosts only: credentials in the URI are never logged.
 * Rejects when no server could be reached in time; the caller exits and lets the
 * orchestrator restart it.
 *
 * @example await connectMongo(config.mongoUri, { logger, connection: mongoose.connection });
 */
export async function connectMongo(uri: string, options: ConnectMongoOptions): Promise<Connection> {
  const { connection } = options;
  const log = options.logger.child({ component: 'mongo', hosts: hostsOf(uri) });
  connection.on('connected', () => log.info('MongoDB connected'));
  let closing = false;
  connection.on('disconnecting', () => {
    closing = true;
  });
  // A disconnect we asked for (shutdown) is news; one we did not is a warning.
  connection.on('disconnected', () =>
    closing ? log.info('MongoDB disconnected') : log.warn('MongoDB disconnected'),
  );
  connection.on('reconnected', () => log.info('MongoDB reconnected'));
  connection.on('close', () => log.info('MongoDB connection closed'));
  connection.on('error', (err: unknown) => log.error({ err }, 'MongoDB connection error'));
  log.info('connecting to MongoDB');
  await connection.openUri(uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 15_000,
  });
  return connection;
}

/**
 * A required readiness check that is up while `connection` is connected
 * (`readyState === 1`); the detail names the state.
 */
export function mongoReadinessCheck(connection: Pick<Connection, 'readyState'>): ReadinessCheck {
  return (): CheckResult => {
    const state = Number(connection.readyState);
    return {
      status: state === 1 ? 'up' : 'down',
      required: true,
      detail: STATES[state] ?? `state ${state}`,
    };
  };
}

// `mongodb://user:secret@a:27017,b:27017/db?x` → `a:27017,b:27017`.
function hostsOf(uri: string): string {
  const afterScheme = uri.replace(/^[a-z+]+:\/\//i, '');
  const authority = afterScheme.split(/[/?]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  return at === -1 ? authority : authority.slice(at + 1);
}
