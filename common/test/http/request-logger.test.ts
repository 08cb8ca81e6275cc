import express, { type Express } from 'express';
import request from 'supertest';
import { createLogger, errorHandler, NotFoundError, requestLogger } from '../../src';
import { createLogSink, LEVEL, type LogSink } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function buildApp(sink: LogSink): Express {
  const app = express();
  app.use(requestLogger(createLogger({ service: 'tickets', destination: sink })));
  app.get('/api/tickets/:id', (req, res) => {
    req.log?.info({ ticketId: req.params.id }, 'looking up');
    res.json({ id: req.params.id, requestId: req.id });
  });
  app.get('/missing', () => {
    throw new NotFoundError();
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.use(errorHandler);
  return app;
}

const completed = (line: { msg: string }) => line.msg === 'request completed';

describe('requestLogger', () => {
  let sink: LogSink;
  let app: Express;
  beforeEach(() => {
    sink = createLogSink();
    app = buildApp(sink);
  });

  it('when no x-request-id comes in, then a UUID is generated, echoed and set on req.id', async () => {
    const res = await request(app).get('/api/tickets/42');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(res.body.requestId).toBe(id);
  });

  it('when a sane x-request-id comes in, then it is honoured and echoed', async () => {
    const res = await request(app).get('/api/tickets/42').set('x-request-id', 'ingress-abc.123:7');
    expect(res.headers['x-request-id']).toBe('ingress-abc.123:7');
    expect(res.body.requestId).toBe('ingress-abc.123:7');
  });

  it.each([
    ['spaces and quotes', 'a" "msg":"forged'],
    ['too long', 'x'.repeat(129)],
    ['empty', ''],
  ])('when the incoming x-request-id is %s, then a fresh UUID replaces it', async (_why, value) => {
    const res = await request(app).get('/api/tickets/42').set('x-request-id', value);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('when two requests come in, then they get different ids', async () => {
    const a = await request(app).get('/api/tickets/1');
    const b = await request(app).get('/api/tickets/2');
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('when a request completes, then one line has service, reqId, method, path, status, duration', async () => {
    const res = await request(app).get('/api/tickets/42?secret=token');
    const line = await sink.waitFor(completed);
    expect(line).toMatchObject({
      level: LEVEL.info,
      service: 'tickets',
      reqId: res.headers['x-request-id'],
      method: 'GET',
      path: '/api/tickets/42',
      status: 200,
    });
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(sink.lines)).not.toContain('secret=token');
    expect(typeof line.time).toBe('string');
  });

  it('when a route logs through req.log, then its line carries the request id', async () => {
    const res = await request(app).get('/api/tickets/42');
    const line = await sink.waitFor((l) => l.msg === 'looking up');
    expect(line).toMatchObject({
      service: 'tickets',
      reqId: res.headers['x-request-id'],
      ticketId: '42',
    });
  });

  it('when the answer is 4xx or 5xx, then the line is warn or error', async () => {
    await request(app).get('/missing');
    const missing = await sink.waitFor((l) => completed(l) && l.status === 404);
    expect(missing.level).toBe(LEVEL.warn);
    await request(app).get('/boom');
    const boom = await sink.waitFor((l) => completed(l) && l.status === 500);
    expect(boom.level).toBe(LEVEL.error);
  });
});

describe('createLogger', () => {
  it('when logging, then each line is JSON with the service and the level honoured', () => {
    const sink = createLogSink();
    const log = createLogger({ service: 'orders', level: 'warn', destination: sink });
    log.info('dropped');
    log.warn({ orderId: 'o1' }, 'kept');
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).toMatchObject({ service: 'orders', msg: 'kept', orderId: 'o1' });
    expect(sink.lines[0]).not.toHaveProperty('hostname');
  });
});
