import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getFreePort } from '@ticketing/test-helpers';
import { type Gateway, matchRoute, startGateway } from '../src/gateway';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

async function startUpstream(name: string, seen: Seen[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.statusCode = 201;
      res.setHeader('set-cookie', ['session=abc; path=/; httponly', 'other=1; path=/']);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ from: name }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('gateway', () => {
  const seenByAuth: Seen[] = [];
  const seenByTickets: Seen[] = [];
  let servers: Server[];
  let gateway: Gateway;

  beforeAll(async () => {
    const auth = await startUpstream('auth', seenByAuth);
    const tickets = await startUpstream('tickets', seenByTickets);
    servers = [auth.server, tickets.server];
    const closedPort = await getFreePort();
    gateway = await startGateway({
      routes: [
        { prefix: '/api/users', service: 'auth', target: auth.url },
        { prefix: '/api/tickets', service: 'tickets', target: tickets.url },
        { prefix: '/api/orders', service: 'orders', target: `http://127.0.0.1:${closedPort}` },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  });

  beforeEach(() => {
    seenByAuth.length = 0;
    seenByTickets.length = 0;
  });

  test('when a path is under a prefix, then its service gets the method, path, query, body, cookies and forwarded headers', async () => {
    const response = await fetch(`${gateway.url}/api/users/signup?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'session=old' },
      body: JSON.stringify({ email: 'a@b.co' }),
    });

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ from: 'auth' });
    expect(response.headers.getSetCookie()).toEqual([
      'session=abc; path=/; httponly',
      'other=1; path=/',
    ]);
    expect(seenByTickets).toHaveLength(0);
    expect(seenByAuth).toHaveLength(1);
    const [seen] = seenByAuth;
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/api/users/signup?x=1');
    expect(seen?.body).toBe('{"email":"a@b.co"}');
    expect(seen?.headers.cookie).toBe('session=old');
    expect(seen?.headers['x-forwarded-proto']).toBe('http');
    expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen?.headers['x-forwarded-host']).toBe(new URL(gateway.url).host);
  });

  test('when the path is the prefix itself, then it is routed too', async () => {
    const response = await fetch(`${gateway.url}/api/tickets`);

    expect(await response.json()).toEqual({ from: 'tickets' });
    expect(seenByTickets[0]?.url).toBe('/api/tickets');
  });

  test('when a path only starts with the same letters as a prefix, then 404 Not Found in the error format', async () => {
    const response = await fetch(`${gateway.url}/api/usersx`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ message: 'Not Found' }] });
    expect(seenByAuth).toHaveLength(0);
  });

  test('when no route matches, then 404 Not Found in the error format', async () => {
    const response = await fetch(`${gateway.url}/`, { method: 'POST', body: 'ignored' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  test('when the service does not answer, then 502 in the error format naming it', async () => {
    const response = await fetch(`${gateway.url}/api/orders`);

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Service orders is unavailable' }],
    });
  });
});

describe('matchRoute', () => {
  const routes = [{ prefix: '/api/users', service: 'auth', target: 'http://127.0.0.1:1' }];

  test('when a query follows the prefix, then it matches', () => {
    expect(matchRoute(routes, '/api/users?x=1')?.service).toBe('auth');
  });

  test('when the path is another prefix, then nothing matches', () => {
    expect(matchRoute(routes, '/api')).toBeUndefined();
    expect(matchRoute(routes, undefined)).toBeUndefined();
  });
});
