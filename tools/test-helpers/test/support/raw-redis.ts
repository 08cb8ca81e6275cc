import { connect } from 'node:net';

/** Sends one command as a RESP array and resolves with the raw reply. */
export function redisCommand(port: number, ...args: string[]): Promise<string> {
  const request = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (isCompleteReply(received)) {
        socket.destroy();
        resolve(received);
      }
    });
  });
}

function isCompleteReply(reply: string): boolean {
  const firstLineEnd = reply.indexOf('\r\n');
  if (firstLineEnd < 0) return false;
  if (!reply.startsWith('$')) return true;
  const length = Number(reply.slice(1, firstLineEnd));
  return length < 0 || reply.length >= firstLineEnd + 2 + length + 2;
}
