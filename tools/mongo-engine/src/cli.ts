import { type CommandLine, CommandLineError, parseCommandLine } from './server/command-line';
import { type RunningEngineServer, startEngineServer } from './server/engine-server';
import { ServerLog } from './server/server-log';
import { versionText } from './server/server-version';

// The mongod command-line face of the engine: mongodb-memory-server spawns this as
// its "system binary" and follows the process through its stdout log lines.

const USAGE = `Usage: mongod-engine [options]
A mongod stand-in for tests and local runs (in memory; not for production).

  --port <n>             port to listen on (default 27017; 0 picks a free port)
  --bind_ip <addr>       address to listen on (default 127.0.0.1; first of a list)
  --replSet <name>       start as a member of replica set <name> (then run replSetInitiate)
  --dbpath <dir>         accepted for compatibility; nothing is written there
  --setParameter <k=v>   server parameter, visible to getParameter
  --version              print the version and exit
Other mongod options are accepted and ignored.
`;

const write = (text: string): void => {
  process.stdout.write(text);
};
const log = new ServerLog(write);

function listenAddress(cmd: CommandLine): string {
  if (cmd.ignored.includes('--bind_ip_all')) return cmd.ipv6 ? '::' : '0.0.0.0';
  return cmd.bindIp.split(',')[0]?.trim() || '127.0.0.1';
}

function exitAfterShutdown(server: RunningEngineServer, signal: NodeJS.Signals): void {
  log.info('CONTROL', 23377, 'SignalHandler', 'Received signal', { signal });
  void server.close().then(() => {
    log.info('CONTROL', 23138, 'SignalHandler', 'Shutting down', { exitCode: 0 });
    process.exit(0);
  });
}

async function main(argv: readonly string[]): Promise<void> {
  let cmd: CommandLine;
  try {
    cmd = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof CommandLineError)) throw err;
    process.stderr.write(`Error parsing command line: ${err.message}\n`);
    process.stderr.write("try 'mongod-engine --help' for more information\n");
    process.exit(2);
  }
  if (cmd.showVersion) {
    write(versionText());
    return;
  }
  if (cmd.showHelp) {
    write(USAGE);
    return;
  }
  let server: RunningEngineServer;
  try {
    server = await startEngineServer({
      port: cmd.port,
      host: listenAddress(cmd),
      replSet: cmd.replSet,
      commandLine: cmd,
      log: write,
      onShutdown: () => process.exit(0),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      // mongodb-memory-server recognises "Address already in use" and picks another port.
      log.write('E', 'CONTROL', 20568, 'initandlisten', 'Error setting up listener', {
        error: { code: 9001, codeName: 'SocketException', errmsg: 'Address already in use' },
      });
      process.exit(48);
    }
    log.write('E', 'CONTROL', 20557, 'initandlisten', 'DBException in initAndListen, terminating', {
      error: err instanceof Error ? err.message : String(err),
    });
    process.exit(100);
  }
  if (cmd.ignored.length > 0) {
    log.info('CONTROL', 20000, 'initandlisten', 'Ignoring options this engine does not use', {
      options: cmd.ignored,
    });
  }
  process.once('SIGTERM', () => exitAfterShutdown(server, 'SIGTERM'));
  process.once('SIGINT', () => exitAfterShutdown(server, 'SIGINT'));
}

process.on('uncaughtException', (err) => {
  log.write('F', 'CONTROL', 23081, 'main', 'Unhandled exception', {
    error: err.stack ?? String(err),
  });
  process.exit(1);
});
process.on('unhandledRejection', (reason) => {
  const error = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  log.write('F', 'CONTROL', 23081, 'main', 'Unhandled rejection', { error });
  process.exit(1);
});

void main(process.argv.slice(2));
