import net from 'node:net';
import { Engine, type EngineApi, type EngineOptions } from '../engine';
import { ClientConnection } from './client-connection';
import { CommandDispatcher } from './command-dispatcher';
import { type CommandLine, parseCommandLine } from './command-line';
import { ReplicaSetState } from './replica-set-state';
import type { ServerContext } from './server-context';
import { type LogSink, ServerLog } from './server-log';
import { SERVER_VERSION } from './server-version';

export interface EngineServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Replica-set name (mongod's --replSet): the node starts uninitiated, like mongod. */
  replSet?: string;
  /** The storage engine, or a factory for it; default: this package's Engine. */
  engine?: EngineApi | ((options: EngineOptions) => EngineApi);
  /** Receives each JSON log line (newline-terminated); default: dropped. */
  log?: LogSink;
  /** The parsed mongod command line, for getCmdLineOpts; the CLI passes its own. */
  commandLine?: CommandLine;
  /** Called once the server has closed because a client sent `shutdown`. */
  onShutdown?: () => void;
}

export interface RunningEngineServer {
  readonly host: string;
  readonly port: number;
  /** A connection string for this server (with `replicaSet` once `replSet` is set). */
  readonly uri: string;
  /** Stops listening, ends every connection and resolves once the listener is closed. */
  close(): Promise<void>;
}

function resolveEngine(option: EngineServerOptions['engine'], engineOptions: EngineOptions) {
  if (option === undefined) return new Engine(engineOptions);
  return typeof option === 'function' ? option(engineOptions) : option;
}

/** Starts a mongod-compatible server in this process. Rejects if the address is taken. */
export async function startEngineServer(
  options: EngineServerOptions = {},
): Promise<RunningEngineServer> {
  const host = options.host ?? '127.0.0.1';
  const commandLine =
    options.commandLine ??
    parseCommandLine([
      '--port',
      String(options.port ?? 0),
      '--bind_ip',
      host,
      ...(options.replSet ? ['--replSet', options.replSet] : []),
    ]);
  const log = new ServerLog(options.log);
  const replSet = new ReplicaSetState(options.replSet ?? commandLine.replSet);
  const engine = resolveEngine(options.engine, {
    isReplicaSet: () => replSet.isReplicaSet && replSet.isInitiated,
  });
  const listener = net.createServer();
  const connections = new Map<number, ClientConnection>();
  let totalCreated = 0;
  let requestId = 0;
  let closing: Promise<void> | undefined;
  let port = options.port ?? commandLine.port;

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      log.info('NETWORK', 4784923, 'conn', 'Shutting down the ASIO transport SchedulerService');
      listener.close(() => {
        log.info('CONTROL', 20565, 'conn', 'Now exiting');
        resolve();
      });
      for (const connection of connections.values()) connection.end();
    });
    return closing;
  };

  const context: ServerContext = {
    log,
    replSet,
    engine,
    startedAt: new Date(),
    commandLine,
    parameters: new Map(Object.entries(commandLine.setParameters)),
    selfAddress: () => `${host.includes(':') ? `[${host}]` : host}:${port}`,
    connectionStats: () => ({ current: connections.size, totalCreated }),
    requestShutdown: () => {
      log.info('COMMAND', 4695400, 'conn', 'Terminating via shutdown command', { force: true });
      // Let the ok reply reach the client before its socket is ended.
      setImmediate(() => {
        void close().then(() => options.onShutdown?.());
      });
    },
  };
  const dispatcher = new CommandDispatcher(context);

  listener.on('connection', (socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    totalCreated += 1;
    const id = totalCreated;
    const connection = new ClientConnection(socket, id, dispatcher, context, () => {
      requestId = (requestId + 1) | 0;
      return requestId;
    });
    connections.set(id, connection);
    log.info('NETWORK', 22943, 'listener', 'Connection accepted', {
      remote: connection.remoteAddress,
      connectionId: id,
      connectionCount: connections.size,
    });
    socket.on('close', () => {
      connections.delete(id);
      log.info('NETWORK', 22944, `conn${id}`, 'Connection ended', {
        remote: connection.remoteAddress,
        connectionId: id,
        connectionCount: connections.size,
      });
    });
  });

  log.info('CONTROL', 4615611, 'initandlisten', 'MongoDB starting', {
    pid: process.pid,
    port,
    dbPath: commandLine.dbPath ?? null,
    architecture: '64-bit',
    host,
  });
  log.info('CONTROL', 23403, 'initandlisten', 'Build Info', {
    buildInfo: { version: SERVER_VERSION, gitVersion: 'mongo-engine', engine: 'mongo-engine' },
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ port, host, exclusive: true }, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address();
  if (address !== null && typeof address === 'object') port = address.port;
  listener.on('error', (err) => {
    log.write('E', 'NETWORK', 23024, 'listener', 'Listener error', { error: err.message });
  });
  log.info('NETWORK', 23015, 'listener', 'Listening on', { address: host });
  log.info('NETWORK', 23016, 'listener', 'Waiting for connections', { port, ssl: 'off' });

  const uriHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const query =
    replSet.setName === undefined ? '' : `?replicaSet=${encodeURIComponent(replSet.setName)}`;
  return {
    host,
    port,
    uri: `mongodb://${uriHost.includes(':') ? `[${uriHost}]` : uriHost}:${port}/${query}`,
    close,
  };
}
