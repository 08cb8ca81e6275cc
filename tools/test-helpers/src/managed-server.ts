import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort } from './free-port';
import { OrphanGuard } from './orphan-guard';

/** Why a server could not be started. */
export type ServerStartFailure = 'not-found' | 'early-exit' | 'timeout' | 'port-in-use';

/** Thrown when a server binary is missing, exits before it is ready, or never gets ready. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';

  constructor(
    readonly reason: ServerStartFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options accepted by {@link ManagedServer.stop}. */
export interface StopOptions {
  /**
   * Keep the data directory so that {@link ManagedServer.restart} can bring the
   * server back with its data on the same port. Default false: the directory is
   * removed and the handle is finished.
   */
  keepData?: boolean;
  /** How long to wait after SIGTERM before sending SIGKILL. Default 10 000 ms. */
  timeoutMs?: number;
}

/** A server process started on a free port with its own temporary data directory. */
export interface ManagedServer {
  /** TCP port on 127.0.0.1; the same across restarts. */
  readonly port: number;
  /** Temporary data directory; the same across restarts, removed by a final stop(). */
  readonly dataDir: string;
  /** Pid of the current process, undefined while stopped. */
  readonly pid: number | undefined;
  /** True while the current process has not exited. */
  readonly running: boolean;
  /**
   * SIGTERM to exactly this server, wait for it to exit (SIGKILL after
   * `timeoutMs`), then remove the data directory unless `keepData`.
   * Safe to call twice.
   */
  stop(options?: StopOptions): Promise<void>;
  /** SIGKILL (a crash: no clean shutdown); keeps the data for a later restart(). */
  kill(): Promise<void>;
  /**
   * Starts the server again on the same port with the same data directory,
   * stopping it first (gracefully, keeping data) if it is running. Resolves when
   * it accepts connections again.
   */
  restart(): Promise<void>;
}

/** What differs between the servers: how to run one and how to know it is ready. */
export interface ServerSpec {
  /** Name used in messages, e.g. `nats-server`. */
  displayName: string;
  /** Executable to spawn (looked up on PATH unless absolute). */
  binary: string;
  /** What to tell a user whose machine lacks the binary. */
  installHint: string;
  /** A log line the server prints once it listens, proving the process on the port is ours. */
  readyLine: RegExp;
  buildArgs(port: number, dataDir: string): string[];
  /** One readiness check over TCP; resolves false (never rejects) when not ready. */
  probe(port: number): Promise<boolean>;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

type Outcome =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'error'; error: NodeJS.ErrnoException };

const OUTPUT_TAIL_LINES = 30;
const POLL_INTERVAL_MS = 50;
const PORT_ATTEMPTS = 5;
const DEFAULT_START_TIMEOUT_MS = 20_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/**
 * Spawns and supervises one server. Starts on a fresh free port, retrying with
 * another port if it loses the race for the first one; later restarts reuse
 * the port they got.
 */
export async function launchServer(spec: ServerSpec, prefix: string): Promise<ServerProcess> {
  const rootDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const dataDir = join(rootDir, 'data');
  mkdirSync(dataDir);
  const guard = new OrphanGuard(rootDir);
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const server = new ServerProcess(spec, await getFreePort(), rootDir, dataDir, guard);
    try {
      await server.start();
      return server;
    } catch (error) {
      lastError = error;
      if (!(error instanceof ServerStartError && error.reason === 'port-in-use')) break;
    }
  }
  rmSync(rootDir, { recursive: true, force: true });
  guard.release();
  throw lastError;
}

export class ServerProcess implements ManagedServer {
  private child: ChildProcess | undefined;
  private outcome: Promise<Outcome> | undefined;
  private closed: Promise<void> | undefined;
  private output: string[] = [];
  private finished = false;

  constructor(
    private readonly spec: ServerSpec,
    readonly port: number,
    private readonly rootDir: string,
    readonly dataDir: string,
    private readonly guard: OrphanGuard,
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** The last lines the server printed (stdout and stderr interleaved). */
  outputTail(): string {
    return this.output.join('\n');
  }

  async start(): Promise<void> {
    if (this.finished) {
      throw new Error(`${this.spec.displayName}: stopped without keepData; start a new one`);
    }
    const { spec } = this;
    this.output = [];
    let readyLineSeen = false;
    const child = spawn(spec.binary, spec.buildArgs(this.port, this.dataDir), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: spec.env ?? process.env,
    });
    this.child = child;
    // A server someone forgot to stop must not keep jest (or a script) alive;
    // while we wait on one, our own timers keep the event loop running.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) {
      if (stream instanceof Socket) stream.unref();
    }
    this.outcome = new Promise<Outcome>((resolve) => {
      child.once('error', (error) => resolve({ kind: 'error', error }));
      child.once('exit', (code, signal) => resolve({ kind: 'exit', code, signal }));
    });
    this.closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    void this.outcome.then(() => {
      if (this.child === child) this.guard.track(undefined);
    });
    if (child.pid !== undefined) this.guard.track(child);
    const collect = (stream: NodeJS.ReadableStream | null): void => {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (spec.readyLine.test(line)) readyLineSeen = true;
          this.output.push(line);
        }
        if (this.output.length > OUTPUT_TAIL_LINES)
          this.output.splice(0, this.output.length - OUTPUT_TAIL_LINES);
      });
    };
    collect(child.stdout);
    collect(child.stderr);

    let ended: Outcome | undefined;
    void this.outcome.then((outcome) => {
      ended = outcome;
    });
    const deadline = Date.now() + (spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    for (;;) {
      if (ended) throw await this.startFailure(ended);
      if (readyLineSeen && (await spec.probe(this.port))) return;
      if (Date.now() > deadline) {
        await this.terminate('SIGKILL', DEFAULT_STOP_TIMEOUT_MS);
        throw new ServerStartError(
          'timeout',
          `${spec.displayName} did not accept connections on 127.0.0.1:${this.port} within ${spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS} ms. Last output:\n${this.outputTail()}`,
        );
      }
      await Promise.race([delay(POLL_INTERVAL_MS), this.outcome]);
    }
  }

  async stop(options: StopOptions = {}): Promise<void> {
    await this.terminate('SIGTERM', options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    if (options.keepData || this.finished) return;
    this.finished = true;
    rmSync(this.rootDir, { recursive: true, force: true });
    this.guard.release();
  }

  async kill(): Promise<void> {
    await this.terminate('SIGKILL', DEFAULT_STOP_TIMEOUT_MS);
  }

  async restart(): Promise<void> {
    await this.terminate('SIGTERM', DEFAULT_STOP_TIMEOUT_MS);
    await this.start();
  }

  private async terminate(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const { child, outcome } = this;
    if (!child || !outcome || !this.running) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      outcome.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGKILL');
      await outcome;
    }
  }

  private async startFailure(outcome: Outcome): Promise<ServerStartError> {
    const { spec } = this;
    if (outcome.kind === 'error') {
      if (outcome.error.code === 'ENOENT') {
        const tried = spec.binary === spec.displayName ? '' : ` (tried "${spec.binary}")`;
        return new ServerStartError(
          'not-found',
          `${spec.displayName} not found on PATH${tried}; ${spec.installHint}`,
          { cause: outcome.error },
        );
      }
      return new ServerStartError(
        'early-exit',
        `${spec.displayName} could not be started: ${outcome.error.message}`,
        { cause: outcome.error },
      );
    }
    // 'exit' can precede the last chunks of output; let the pipes drain, but
    // do not wait on a descendant that might still hold them open.
    await Promise.race([this.closed, delay(1_000)]);
    const tail = this.outputTail();
    const how = outcome.signal ? `signal ${outcome.signal}` : `code ${outcome.code}`;
    const reason = /address already in use/i.test(tail) ? 'port-in-use' : 'early-exit';
    return new ServerStartError(
      reason,
      `${spec.displayName} exited (${how}) before accepting connections on 127.0.0.1:${this.port}. Last output:\n${tail}`,
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
