import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** How a child process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What {@link ServiceProcess} needs to run one built service. */
export interface ServiceSpec {
  name: string;
  /** Absolute path of the service's `build/index.js`. */
  script: string;
  port: number;
  /** The service's whole environment. */
  env: NodeJS.ProcessEnv;
  /** Receives every output line of the service, already prefixed with its name. */
  log: (line: string) => void;
  /** Called when the process exits without {@link ServiceProcess.stop} having been asked. */
  onUnexpectedExit: (name: string, status: ExitStatus) => void;
  /** How long to wait for `/readyz` = 200. */
  readyTimeoutMs: number;
  /** After SIGTERM, how long to wait before SIGKILL. */
  stopTimeoutMs: number;
}

const READY_POLL_MS = 200;
const PROBE_TIMEOUT_MS = 2_000;
const OUTPUT_TAIL_LINES = 40;
const NAME_WIDTH = 'expiration'.length;

// Preloaded into every service: it exits with the stack even if the stack is SIGKILLed.
// Resolved to the build output so that it also works when this file runs from src (tests).
const PARENT_WATCH = join(__dirname, '..', 'build', 'parent-watch.js');

/**
 * One service as a child process (`node <svc>/build/index.js`) on a fixed port,
 * so the gateway's route stays valid across {@link stop} and {@link start}.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<ExitStatus> | undefined;
  private stopping = false;
  private readonly tail: string[] = [];

  constructor(private readonly spec: ServiceSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get port(): number {
    return this.spec.port;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Spawns the service and resolves once its `/readyz` answers 200. */
  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    this.tail.length = 0;
    const child = spawn(process.execPath, ['--require', PARENT_WATCH, this.spec.script], {
      env: this.spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => this.record(line));
    }
    void this.exited.then((status) => {
      if (!this.stopping && this.child === child) this.spec.onUnexpectedExit(this.name, status);
    });
    await this.waitUntilReady(this.exited);
  }

  /**
   * SIGTERM (the service's own graceful shutdown), SIGKILL after the timeout;
   * resolves with how it exited (code 0 is a clean shutdown).
   */
  async stop(): Promise<ExitStatus> {
    const child = this.child;
    const exited = this.exited;
    if (child === undefined || exited === undefined) return { code: 0, signal: null };
    this.stopping = true;
    if (this.running) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) {
        this.spec.log(`${this.prefix()}did not stop within ${this.spec.stopTimeoutMs} ms: SIGKILL`);
        child.kill('SIGKILL');
      }
    }, this.spec.stopTimeoutMs);
    const status = await exited;
    clearTimeout(timer);
    return status;
  }

  /** The last lines the service printed, for error messages. */
  outputTail(): string {
    return this.tail.join('\n');
  }

  private prefix(): string {
    return `${this.name.padEnd(NAME_WIDTH)} | `;
  }

  private record(line: string): void {
    this.tail.push(line);
    if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift();
    this.spec.log(`${this.prefix()}${line}`);
  }

  private async waitUntilReady(exited: Promise<ExitStatus>): Promise<void> {
    const deadline = Date.now() + this.spec.readyTimeoutMs;
    let exitStatus: ExitStatus | undefined;
    void exited.then((status) => {
      exitStatus = status;
    });
    while (Date.now() < deadline) {
      if (exitStatus !== undefined) {
        throw new Error(
          `${this.name} exited during start-up (code ${exitStatus.code}, signal ${exitStatus.signal}); its last output:\n${this.outputTail()}`,
        );
      }
      if (await this.isReady()) return;
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
    throw new Error(
      `${this.name} was not ready (${this.url}/readyz) within ${this.spec.readyTimeoutMs} ms; its last output:\n${this.outputTail()}`,
    );
  }

  private async isReady(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/readyz`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  }
}
