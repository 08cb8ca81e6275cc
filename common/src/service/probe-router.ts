import { type Request, type Response, Router } from 'express';

/** What one readiness check found. */
export interface CheckResult {
  status: 'up' | 'down';
  /** A required dependency that is down makes the service not ready; an optional one only shows. */
  required: boolean;
  /** A short human-readable note (e.g. the connection state); never a secret. */
  detail?: string;
}

/** Asks one dependency whether it is usable now. A throw or a hang counts as required and down. */
export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

/** Options of {@link createProbeRouter}. */
export interface ProbeRouterOptions {
  /** Named checks, reported under their names in the `/readyz` body (e.g. `mongo`, `nats`). */
  checks: Record<string, ReadinessCheck>;
  /** How long one check may take before it counts as down. Default 2 000 ms. */
  checkTimeoutMs?: number;
}

/** The body of `GET /readyz`. */
export interface ReadinessBody {
  status: 'ready' | 'not ready';
  /** Present (true) once {@link ProbeRouter.markShuttingDown} was called. */
  shuttingDown?: true;
  checks: Record<string, CheckResult>;
}

/** An Express router serving `/healthz` and `/readyz`, plus the shutdown switch. */
export type ProbeRouter = Router & {
  /** From now on `/readyz` answers 503, so the load balancer stops sending traffic. */
  markShuttingDown(): void;
  /** True once {@link ProbeRouter.markShuttingDown} was called. */
  isShuttingDown(): boolean;
};

const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

/**
 * Liveness and readiness probes; mount with `app.use(probes)`.
 * - `GET /healthz`: 200 `{ status: 'ok' }` while the process can answer at all.
 * - `GET /readyz`: runs every check; 200 `{ status: 'ready', checks }` when every
 *   required check is up, otherwise 503 `{ status: 'not ready', checks }`. An optional
 *   check that is down (a broker behind an outbox) is reported but does not fail it.
 *   After `markShuttingDown()` it is always 503.
 *
 * @example
 * const probes = createProbeRouter({ checks: { mongo: mongoReadinessCheck(mongoose.connection) } });
 * app.use(probes);
 * installShutdown({ logger, server, probes, steps, timeoutMs });
 */
export function createProbeRouter(options: ProbeRouterOptions): ProbeRouter {
  const timeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const entries = Object.entries(options.checks);
  let shuttingDown = false;

  const router = Router();
  router.get('/healthz', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req: Request, res: Response) => {
    const results = await Promise.all(
      entries.map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(results);
    const ready = !shuttingDown && results.every(([, r]) => r.status === 'up' || !r.required);
    const body: ReadinessBody = {
      status: ready ? 'ready' : 'not ready',
      ...(shuttingDown ? { shuttingDown: true as const } : {}),
      checks,
    };
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(body);
  });

  return Object.assign(router, {
    markShuttingDown(): void {
      shuttingDown = true;
    },
    isShuttingDown(): boolean {
      return shuttingDown;
    },
  });
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'down', required: true, detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    // A check that throws cannot say whether it was required; assume it was.
    return await Promise.race([Promise.resolve().then(check), timedOut]);
  } catch (error) {
    return {
      status: 'down',
      required: true,
      detail: error instanceof Error ? error.message : 'check failed',
    };
  } finally {
    clearTimeout(timer);
  }
}
