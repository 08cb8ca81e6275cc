import { getFreePort } from './free-port';
import { launchServer, type ManagedServer } from './managed-server';
import { tcpExchange } from './tcp-exchange';

/** Options for {@link startNats}. */
export interface NatsOptions {
  /** Executable to run. Default `nats-server` from PATH. */
  binary?: string;
  /** Also start the HTTP monitoring endpoint (`-m`) on its own free port. */
  monitor?: boolean;
  /** Extra command-line arguments, appended last. */
  args?: string[];
  /** Environment for the server process. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for readiness. Default 20 000 ms. */
  startTimeoutMs?: number;
}

/** A running `nats-server -js` of our own. */
export interface NatsServer extends ManagedServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>` of the monitoring endpoint, when `monitor` was set. */
  readonly monitorUrl: string | undefined;
}

/**
 * Starts `nats-server -js` on a free port of 127.0.0.1 with JetStream storing
 * into a fresh temporary directory, and resolves once it answers a client
 * connection with its INFO banner.
 *
 * `stop({ keepData: true })` or `kill()` followed by `restart()` brings the same
 * server back on the same port with its streams and consumers, which is how
 * tests simulate a broker outage.
 *
 * @throws ServerStartError if nats-server is not installed, exits early (the
 *   message carries its last output) or does not become ready in time.
 */
export async function startNats(options: NatsOptions = {}): Promise<NatsServer> {
  const monitorPort = options.monitor ? await getFreePort() : undefined;
  const server = await launchServer(
    {
      displayName: 'nats-server',
      binary: options.binary ?? 'nats-server',
      installHint: 'apt-get install nats-server',
      readyLine: /Server is ready/,
      buildArgs: (port, dataDir) => [
        '-js',
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '-sd',
        dataDir,
        ...(monitorPort === undefined ? [] : ['-m', String(monitorPort)]),
        ...(options.args ?? []),
      ],
      probe: async (port) => {
        const banner = await tcpExchange(port, undefined, (received) => received.includes('\r\n'));
        return banner?.startsWith('INFO ') ?? false;
      },
      env: options.env,
      startTimeoutMs: options.startTimeoutMs,
    },
    'ticketing-nats',
  );
  return Object.assign(server, {
    url: `nats://127.0.0.1:${server.port}`,
    monitorUrl: monitorPort === undefined ? undefined : `http://127.0.0.1:${monitorPort}`,
  });
}
