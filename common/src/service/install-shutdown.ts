import type { Logger } from 'pino';

/** One thing to stop or close during shutdown, e.g. "drain NATS" or "close MongoDB". */
export interface ShutdownStep {
  /** Logged with the step's outcome. */
  name: string;
  run: () => Promise<void>;
}

/** The part of an `http.Server` that shutdown needs. */
export interface ClosableServer {
  readonly listening: boolean;
  close(callback: (err?: Error) => void): unknown;
  closeIdleConnections(): void;
}

/** Where signals and fatal errors come from; `process` unless a test injects an emitter. */
export interface ProcessEventSource {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Options of {@link installShutdown}. */
export interface ShutdownOptions {
  logger: Logger;
  /** Stops accepting connections first, then waits for the requests in flight. */
  server?: ClosableServer;
  /** Told first, so `/readyz` answers 503 while the service drains. */
  probes?: { markShuttingDown(): void };
  /** Run in order after the server has closed; a failing step is logged and the next one still runs. */
  steps: ShutdownStep[];
  /** Backstop: when shutdown has not finished after this long, exit 1 anyway. */
  timeoutMs: number;
  /** Default `process.exit`; tests inject a spy. */
  exit?: (code: number) => void;
  /** Default `process`. */
  events?: ProcessEventSource;
  /** Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
}

/** What {@link installShutdown} returns. */
export interface ShutdownHandle {
  /**
   * Starts the shutdown (as a signal would) unless one is already running; resolves
   * with the exit code once the steps have run and `exit` was called.
   */
  shutdown(reason: string, exitCode?: number): Promise<number>;
  /** True once a shutdown started. */
  isShuttingDown(): boolean;
  /** Removes the signal and fatal-error listeners (tests). */
  uninstall(): void;
}

// Requests finishing after close() leave keep-alive sockets idle; close those as they appear.
const IDLE_SWEEP_MS = 100;

/**
 * Installs the process's shutdown: on SIGTERM/SIGINT it marks the probes not ready,
 * stops accepting connections (closing idle keep-alive ones), waits for requests in
 * flight, runs `steps` in order (each logged), and exits 0 (1 if a step failed). An
 * `uncaughtException` or `unhandledRejection` is logged as fatal and runs the same
 * shutdown, exiting 1. A second signal does not start a second shutdown; an unref'd
 * backstop timer exits 1 if it hangs for `timeoutMs`.
 *
 * @example
 * installShutdown({
 *   logger, server, probes, timeoutMs: 10_000,
 *   steps: [
 *     { name: 'drain NATS', run: () => natsWrapper.close() },
 *     { name: 'close MongoDB', run: () => mongoose.connection.close() },
 *   ],
 * });
 */
export function installShutdown(options: ShutdownOptions): ShutdownHandle {
  const { logger, server, probes, steps, timeoutMs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const events: ProcessEventSource = options.events ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let running: Promise<number> | undefined;

  const run = async (reason: string, requestedCode: number): Promise<number> => {
    logger.info({ reason }, 'shutdown started');
    let current = 'closing the HTTP server';
    const backstop = setTimeout(() => {
      logger.fatal({ reason, timeoutMs, step: current }, 'shutdown timed out; exiting');
      exit(1);
    }, timeoutMs);
    backstop.unref();

    let exitCode = requestedCode;
    probes?.markShuttingDown();
    if (server !== undefined) {
      try {
        await closeServer(server);
        logger.info('HTTP server closed');
      } catch (error) {
        exitCode = 1;
        logger.error({ err: error }, 'HTTP server did not close cleanly');
      }
    }
    for (const step of steps) {
      current = step.name;
      const startedAt = Date.now();
      try {
        await step.run();
        logger.info({ step: step.name, durationMs: Date.now() - startedAt }, 'shutdown step done');
      } catch (error) {
        exitCode = 1;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    clearTimeout(backstop);
    logger.info({ exitCode }, 'shutdown complete');
    exit(exitCode);
    return exitCode;
  };

  const shutdown = (reason: string, exitCode = 0): Promise<number> => {
    if (running !== undefined) {
      logger.warn({ reason }, 'shutdown already in progress');
      return running;
    }
    running = run(reason, exitCode);
    return running;
  };

  const onSignal = (signal: unknown): void => {
    void shutdown(String(signal));
  };
  const onUncaught = (error: unknown): void => {
    logger.fatal({ err: error }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  };
  const onUnhandled = (reason: unknown): void => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    void shutdown('unhandledRejection', 1);
  };

  for (const signal of signals) events.on(signal, onSignal);
  events.on('uncaughtException', onUncaught);
  events.on('unhandledRejection', onUnhandled);

  return {
    shutdown,
    isShuttingDown: () => running !== undefined,
    uninstall() {
      for (const signal of signals) events.off(signal, onSignal);
      events.off('uncaughtException', onUncaught);
      events.off('unhandledRejection', onUnhandled);
    },
  };
}

function closeServer(server: ClosableServer): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    sweep.unref();
    server.close((err) => {
      clearInterval(sweep);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
