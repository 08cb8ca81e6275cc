import { launchServer, type ManagedServer } from './managed-server';
import { tcpExchange } from './tcp-exchange';

/** Options for {@link startRedis}. */
export interface RedisOptions {
  /** Executable to run. Default `redis-server` from PATH. */
  binary?: string;
  /**
   * Turn the append-only file on so that data survives `restart()`. Default
   * false: no persistence at all (`--save ""`), the fastest setting.
   */
  appendonly?: boolean;
  /**
   * AOF fsync policy when `appendonly`. Default `everysec` (Redis's own); use
   * `always` when a test `kill()`s Redis and needs the last writes back.
   */
  appendfsync?: 'always' | 'everysec';
  /** Extra command-line arguments, appended last. */
  args?: string[];
  /** Environment for the server process. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for readiness. Default 20 000 ms. */
  startTimeoutMs?: number;
}

/** A running `redis-server` of our own. */
export interface RedisServer extends ManagedServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
}

const PING = '*1\r\n$4\r\nPING\r\n';

/**
 * Starts `redis-server` on a free port of 127.0.0.1 in the foreground with its
 * working directory in a fresh temporary directory, and resolves once it
 * answers PING with PONG (not while it still loads its AOF).
 *
 * With `appendonly: true`, `stop({ keepData: true })` or `kill()` followed by
 * `restart()` brings the same data back on the same port.
 *
 * @throws ServerStartError if redis-server is not installed, exits early (the
 *   message carries its last output) or does not become ready in time.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const appendonly = options.appendonly ?? false;
  const server = await launchServer(
    {
      displayName: 'redis-server',
      binary: options.binary ?? 'redis-server',
      installHint: 'apt-get install redis-server',
      readyLine: /Ready to accept connections/,
      buildArgs: (port, dataDir) => [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dataDir,
        '--save',
        '',
        '--appendonly',
        appendonly ? 'yes' : 'no',
        ...(appendonly ? ['--appendfsync', options.appendfsync ?? 'everysec'] : []),
        '--daemonize',
        'no',
        '--logfile',
        '',
        ...(options.args ?? []),
      ],
      probe: async (port) => {
        const reply = await tcpExchange(port, PING, (received) => received.includes('\r\n'));
        return reply === '+PONG\r\n';
      },
      env: options.env,
      startTimeoutMs: options.startTimeoutMs,
    },
    'ticketing-redis',
  );
  return Object.assign(server, { url: `redis://127.0.0.1:${server.port}` });
}
