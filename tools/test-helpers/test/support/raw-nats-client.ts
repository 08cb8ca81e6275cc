import { connect, type Socket } from 'node:net';

/**
 * Just enough of the NATS client protocol to talk to JetStream's API without a
 * client library: the helpers under test must not depend on one.
 */
export class RawNatsClient {
  private buffer = '';
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private nextSid = 1;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
    });
    socket.on('close', () => {
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('connection closed'));
    });
  }

  /** Connects and completes the handshake; resolves with the server's INFO. */
  static async connect(port: number): Promise<{ client: RawNatsClient; info: NatsInfo }> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawNatsClient(socket);
    const infoLine = await client.readLine();
    if (!infoLine.startsWith('INFO ')) throw new Error(`expected INFO, got ${infoLine}`);
    socket.write('CONNECT {"verbose":false,"pedantic":false,"headers":false}\r\nPING\r\n');
    const pong = await client.readLine();
    if (pong !== 'PONG') throw new Error(`expected PONG, got ${pong}`);
    return { client, info: JSON.parse(infoLine.slice(5)) as NatsInfo };
  }

  /** Publishes `payload` to `subject` and resolves with the one reply, parsed as JSON. */
  async request(subject: string, payload: unknown): Promise<Record<string, unknown>> {
    const sid = this.nextSid++;
    const inbox = `_INBOX.test.${sid}`;
    const body = payload === undefined ? '' : JSON.stringify(payload);
    this.socket.write(
      `SUB ${inbox} ${sid}\r\nPUB ${subject} ${inbox} ${Buffer.byteLength(body)}\r\n${body}\r\n`,
    );
    for (;;) {
      const line = await this.readLine();
      if (line === 'PING') {
        this.socket.write('PONG\r\n');
        continue;
      }
      if (line.startsWith('-ERR')) throw new Error(line);
      // MSG <subject> <sid> [reply-to] <#bytes>; the server may pad with spaces.
      const fields = line.split(/ +/);
      if (fields[0] !== 'MSG') continue;
      const data = await this.readBytes(Number(fields[fields.length - 1]));
      await this.readLine();
      if (fields[2] === String(sid)) return JSON.parse(data) as Record<string, unknown>;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private async readLine(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return line;
      }
      await this.moreData();
    }
  }

  private async readBytes(count: number): Promise<string> {
    // Payloads in these tests are ASCII JSON, so characters equal bytes.
    while (this.buffer.length < count) await this.moreData();
    const data = this.buffer.slice(0, count);
    this.buffer = this.buffer.slice(count);
    return data;
  }

  private moreData(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) reject(new Error('connection closed'));
      else this.waiters.push({ resolve, reject });
    });
  }
}

export interface NatsInfo {
  server_id: string;
  port: number;
  jetstream?: boolean;
}
