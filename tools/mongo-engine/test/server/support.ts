import net from 'node:net';
import { type Document, deserialize, Long, serialize } from 'bson';
import type { EngineApi } from '../../src/engine';
import { commandError } from '../../src/errors';
import { MessageFramer } from '../../src/wire/message-framer';

/** A stand-in storage engine that records what reaches it. */
export class RecordingEngine implements EngineApi {
  readonly commandNames: ReadonlySet<string> = new Set(['insert', 'find', 'explode']);
  readonly calls: Array<{ db: string; cmd: Document }> = [];
  readonly docs = new Map<string, Document[]>();

  async runCommand(db: string, cmd: Document): Promise<Document> {
    this.calls.push({ db, cmd });
    const name = Object.keys(cmd)[0];
    const ns = `${db}.${String(cmd[name ?? ''])}`;
    if (name === 'explode') throw new Error('engine blew up');
    if (name === 'insert') {
      const documents = cmd.documents as Document[];
      this.docs.set(ns, [...(this.docs.get(ns) ?? []), ...documents]);
      return { n: documents.length, ok: 1 };
    }
    if (name === 'find') {
      return { cursor: { firstBatch: this.docs.get(ns) ?? [], id: Long.fromNumber(0), ns }, ok: 1 };
    }
    throw commandError('CommandNotFound', `no such command: '${name}'`);
  }

  listDatabases() {
    return [...new Set([...this.docs.keys()].map((ns) => ns.split('.')[0] ?? ''))].map((name) => ({
      name,
      sizeOnDisk: 100,
      empty: false,
    }));
  }
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(0, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

/** An OP_MSG as a client would write it, optionally with kind-1 document sequences. */
export function opMsg(
  requestId: number,
  body: Document,
  options: { flags?: number; sequences?: Record<string, Document[]>; checksum?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of Object.entries(options.sequences ?? {})) {
    const payload = Buffer.concat([
      Buffer.from(`${id}\0`),
      ...docs.map((d) => Buffer.from(serialize(d))),
    ]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4, 0);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((options.flags ?? 0) | (options.checksum ? 1 : 0), 0);
  if (options.checksum) parts.push(Buffer.alloc(4));
  const rest = Buffer.concat([flags, ...parts]);
  return Buffer.concat([header(16 + rest.length, requestId, 2013), rest]);
}

/** A legacy OP_QUERY command, the way old drivers (and the first handshake) send it. */
export function opQuery(requestId: number, ns: string, query: Document): Buffer {
  const rest = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(`${ns}\0`),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from(serialize(query)),
  ]);
  return Buffer.concat([header(16 + rest.length, requestId, 2004), rest]);
}

/** An OP_COMPRESSED wrapping an OP_MSG (the payload is never looked at). */
export function opCompressed(requestId: number): Buffer {
  const rest = Buffer.alloc(9 + 8);
  rest.writeInt32LE(2013, 0);
  rest.writeInt32LE(8, 4);
  rest.writeUInt8(2, 8);
  return Buffer.concat([header(16 + rest.length, requestId, 2012), rest]);
}

export interface RawReply {
  responseTo: number;
  opCode: number;
  flags: number;
  doc: Document;
}

function parseReply(buf: Buffer): RawReply {
  const responseTo = buf.readInt32LE(8);
  const opCode = buf.readInt32LE(12);
  if (opCode === 1) {
    return { responseTo, opCode, flags: buf.readInt32LE(16), doc: deserialize(buf.subarray(36)) };
  }
  return { responseTo, opCode, flags: buf.readUInt32LE(16), doc: deserialize(buf.subarray(21)) };
}

/** A raw TCP client: writes exactly the bytes given and reads whole replies. */
export class RawClient {
  private readonly framer = new MessageFramer();
  private readonly replies: RawReply[] = [];
  private waiter: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const msg of this.framer.push(chunk)) this.replies.push(parseReply(msg));
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(buf: Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(buf, () => resolve()));
  }

  /** Resolves with `count` replies, or rejects if the server closes the socket first. */
  async read(count: number): Promise<RawReply[]> {
    while (this.replies.length < count) {
      if (this.closed) throw new Error(`socket closed after ${this.replies.length} replies`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    return this.replies.splice(0, count);
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(): Promise<void> {
    while (!this.closed) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
