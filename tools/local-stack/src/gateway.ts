import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One ingress rule: requests whose path starts with `prefix` go to `target`. */
export interface GatewayRoute {
  /** A path prefix matched on whole segments, as ingress-nginx's `Prefix` type: `/api/users`. */
  prefix: string;
  /** Name used in the 502 message when the service does not answer. */
  service: string;
  /** `http://127.0.0.1:<port>` of the service. */
  target: string;
}

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  routes: readonly GatewayRoute[];
  /** Default 0: a free port. */
  port?: number;
  /** Default `127.0.0.1`: the stack is for this machine only. */
  host?: string;
}

/** A listening gateway. */
export interface Gateway {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes every connection. Safe to call twice. */
  close(): Promise<void>;
}

// Per RFC 9110 §7.6.1 these describe one connection and are never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Finds the route for a request path; prefixes match whole path segments only. */
export function matchRoute(
  routes: readonly GatewayRoute[],
  url: string | undefined,
): GatewayRoute | undefined {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return routes.find((route) => path === route.prefix || path.startsWith(`${route.prefix}/`));
}

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    // The upstream failed mid-body: the client must see a broken response, not a truncated one.
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function forwardedHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  }
  const clientIp = req.socket.remoteAddress ?? '';
  const previous = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = previous ? `${String(previous)}, ${clientIp}` : clientIp;
  headers['x-forwarded-proto'] = 'http';
  if (req.headers.host !== undefined) headers['x-forwarded-host'] = req.headers.host;
  return headers;
}

function proxy(req: IncomingMessage, res: ServerResponse, route: GatewayRoute, agent: Agent): void {
  const target = new URL(route.target);
  const upstream = request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req),
    },
    (upstreamRes) => {
      const headers: IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(upstreamRes.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
      }
      res.writeHead(upstreamRes.statusCode ?? 502, headers);
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    },
  );
  upstream.on('error', () => sendError(res, 502, `Service ${route.service} is unavailable`));
  // A client that goes away takes its upstream request with it.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/**
 * Starts the local stand-in for ingress-nginx: a streaming reverse proxy that
 * routes by path prefix, forwards every end-to-end header (cookies included) and
 * sets `x-forwarded-for/proto/host`. Unknown paths get the contract's 404; a
 * service that does not answer gets a 502 in the contract's error format.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const agent = new Agent({ keepAlive: true });
  const server: Server = createServer((req, res) => {
    const route = matchRoute(options.routes, req.url);
    if (route === undefined) {
      req.resume();
      sendError(res, 404, 'Not Found');
      return;
    }
    proxy(req, res, route, agent);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closed;
    },
  };
}
