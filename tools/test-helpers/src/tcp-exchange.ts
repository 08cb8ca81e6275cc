import { connect } from 'node:net';

/**
 * Connects to 127.0.0.1:port, optionally sends `request`, and collects what the
 * server sends until `isComplete` says so. Resolves undefined on any failure
 * (refused, reset, timeout): callers use it to poll for readiness.
 */
export function tcpExchange(
  port: number,
  request: string | undefined,
  isComplete: (received: string) => boolean,
  timeoutMs = 1_000,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (value: string | undefined): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(value);
    };
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('connect', () => {
      if (request !== undefined) socket.write(request);
    });
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (isComplete(received)) finish(received);
    });
  });
}
