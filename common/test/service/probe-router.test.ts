import express from 'express';
import request from 'supertest';
import { type CheckResult, createProbeRouter, type ReadinessCheck } from '../../src';

function appWith(checks: Record<string, ReadinessCheck>, checkTimeoutMs?: number) {
  const probes = createProbeRouter({ checks, checkTimeoutMs });
  const app = express();
  app.use(probes);
  return { app, probes };
}

const up = (required = true): CheckResult => ({ status: 'up', required });
const down = (required = true, detail?: string): CheckResult => ({
  status: 'down',
  required,
  ...(detail === undefined ? {} : { detail }),
});

describe('createProbeRouter', () => {
  it('when the process runs, then /healthz answers 200 ok whatever the dependencies say', async () => {
    const { app } = appWith({ mongo: () => down() });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('when every required check is up, then /readyz is 200 ready and reports each one', async () => {
    const { app } = appWith({
      mongo: () => ({ status: 'up', required: true, detail: 'connected' }),
      nats: async () => up(false),
    });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: {
        mongo: { status: 'up', required: true, detail: 'connected' },
        nats: { status: 'up', required: false },
      },
    });
  });

  it('when a required check is down, then /readyz is 503 not ready', async () => {
    const { app } = appWith({ mongo: () => down(true, 'connecting'), nats: () => up(false) });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not ready');
    expect(res.body.checks.mongo).toEqual({ status: 'down', required: true, detail: 'connecting' });
  });

  it('when only an optional check is down, then /readyz stays 200 and shows it down', async () => {
    const { app } = appWith({ mongo: () => up(), nats: () => down(false, 'reconnecting') });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks.nats).toEqual({
      status: 'down',
      required: false,
      detail: 'reconnecting',
    });
  });

  it('when a check throws, then it counts as a required dependency that is down', async () => {
    const { app } = appWith({
      mongo: () => {
        throw new Error('ping failed');
      },
    });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.mongo).toEqual({
      status: 'down',
      required: true,
      detail: 'ping failed',
    });
  });

  it('when a check never answers, then /readyz still answers 503 after the check timeout', async () => {
    const { app } = appWith({ mongo: () => new Promise<CheckResult>(() => {}) }, 50);
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.mongo).toMatchObject({ status: 'down', required: true });
  });

  it('when the service is marked shutting down, then /readyz is 503 though every check is up, and /healthz stays 200', async () => {
    const { app, probes } = appWith({ mongo: () => up() });
    expect((await request(app).get('/readyz')).status).toBe(200);
    expect(probes.isShuttingDown()).toBe(false);
    probes.markShuttingDown();
    expect(probes.isShuttingDown()).toBe(true);
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not ready',
      shuttingDown: true,
      checks: { mongo: { status: 'up', required: true } },
    });
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});
