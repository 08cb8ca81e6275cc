import { createLogger, createProbeRouter, sessionCookieOptions } from '@ticketing/common';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { buildApp } from './app';
import { User } from './models/user';
import { buildTestApp, setCookies, testConfig, useTestDatabase } from './test/helpers';

useTestDatabase();
const app = buildTestApp();

describe('auth app', () => {
  it('when a session cookie is set in tests, then it is HttpOnly and SameSite=Lax and not Secure', async () => {
    const res = await request(app)
      .post('/api/users/signup')
      .send({ email: 'test@test.com', password: 'password' })
      .expect(201);
    const cookie = setCookies(res).find((c) => c.startsWith('session=')) ?? '';
    const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).not.toContain('secure');
  });

  it('when building the options outside tests, then the cookie is secure, httpOnly, lax, unsigned and named session', () => {
    expect(sessionCookieOptions(true)).toEqual({
      name: 'session',
      signed: false,
      secure: true,
      httpOnly: true,
      sameSite: 'lax',
    });
  });

  it('when the cookie is secure and the ingress forwarded https, then the cookie is sent with Secure', async () => {
    const secureApp = buildTestAppWithSecureCookies();
    const res = await request(secureApp)
      .post('/api/users/signup')
      .set('X-Forwarded-Proto', 'https')
      .send({ email: 'secure@test.com', password: 'password' })
      .expect(201);
    const cookie = setCookies(res).find((c) => c.startsWith('session=')) ?? '';
    expect(cookie.split(';').map((a) => a.trim().toLowerCase())).toContain('secure');
  });

  it('when the route is unknown, then 404 Not Found', async () => {
    for (const [method, path] of [
      ['get', '/api/users/nope'],
      ['post', '/anything'],
      ['delete', '/api/users/signup'],
    ] as const) {
      const res = await request(app)[method](path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
    }
  });

  it('when the body is not valid JSON, then 400 and nothing is stored', async () => {
    const res = await request(app)
      .post('/api/users/signup')
      .set('Content-Type', 'application/json')
      .send('{"email": "test@test.com", "password": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
    expect(await User.countDocuments()).toBe(0);
  });

  it('when the body is over the limit, then 413', async () => {
    const res = await request(app)
      .post('/api/users/signup')
      .send({ email: 'test@test.com', password: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
  });

  it('when users sign up and in, then neither the password nor its hash reaches the log', async () => {
    const lines: string[] = [];
    const destination: DestinationStream = { write: (line: string) => lines.push(line) };
    const loggedApp = buildTestApp({
      logger: createLogger({ service: 'auth', level: 'trace', destination }),
    });
    await request(loggedApp)
      .post('/api/users/signup')
      .send({ email: 'logged@test.com', password: 'hunter2-secret' })
      .expect(201);
    await request(loggedApp)
      .post('/api/users/signin')
      .send({ email: 'logged@test.com', password: 'wrong-secret' })
      .expect(400);
    const stored = await User.findOne({ email: 'logged@test.com' });
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(log).not.toContain('hunter2-secret');
    expect(log).not.toContain('wrong-secret');
    expect(log).not.toContain(stored?.password.split('.')[0] ?? 'no hash stored');
  });

  it('when probed for liveness, then /healthz answers 200', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

function buildTestAppWithSecureCookies() {
  return buildApp({
    config: { ...testConfig, cookieSecure: true },
    logger: createLogger({ service: 'auth', level: 'silent' }),
    probes: createProbeRouter({ checks: {} }),
  });
}
