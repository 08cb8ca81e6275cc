import type { Socket } from 'node:net';
import type { Document } from 'bson';
import { CommandError, commandError } from '../errors';
import { FramingError, MessageFramer } from '../wire/message-framer';
import { MsgFlag, OpCode, ReplyFlag } from '../wire/op-codes';
import {
  decodeMessage,
  encodeMsg,
  encodeReply,
  MalformedMessageError,
  type MsgRequest,
  type QueryRequest,
} from '../wire/wire-messages';
import type { CommandDispatcher } from './command-dispatcher';
import type { CommandContext, ServerContext } from './server-context';

const HELLO_NAMES = new Set(['hello', 'isMaster', 'ismaster']);

/**
 * One client socket. Messages are handled strictly in arrival order (drivers do not
 * pipeline, but a fire-and-forget write followed by a read must stay ordered).
 * Bytes that cannot be framed or decoded close this socket and nothing else.
 */
export class ClientConnection {
  private readonly framer = new MessageFramer();
  private readonly closed = new AbortController();
  private queue: Promise<void> = Promise.resolve();
  private exhaust: AbortController | undefined;
  readonly remoteAddress: string;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly dispatcher: CommandDispatcher,
    private readonly server: ServerContext,
    private readonly nextRequestId: () => number,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.socket.destroy());
    socket.on('close', () => this.closed.abort());
  }

  get signal(): AbortSignal {
    return this.closed.signal;
  }

  /** Ends the connection after pending replies are flushed; forces it shut if the peer lingers. */
  end(): void {
    this.closed.abort();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 200).unref();
  }

  private onData(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (err) {
      this.drop(err);
      return;
    }
    for (const message of messages) {
      // A client only speaks on an exhaust connection to move on from the stream.
      this.exhaust?.abort();
      this.queue = this.queue.then(() => this.handle(message)).catch((err) => this.drop(err));
    }
  }

  private drop(err: unknown): void {
    if (this.socket.destroyed) return;
    const known = err instanceof FramingError || err instanceof MalformedMessageError;
    this.server.log.write(
      known ? 'W' : 'E',
      'NETWORK',
      22988,
      `conn${this.id}`,
      'Error receiving request from client. Ending connection from remote',
      {
        error: err instanceof Error ? err.message : String(err),
        remote: this.remoteAddress,
        connectionId: this.id,
      },
    );
    this.socket.destroy();
  }

  private send(buf: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(buf);
  }

  private context(signal: AbortSignal = this.closed.signal): CommandContext {
    return { connectionId: this.id, remoteAddress: this.remoteAddress, signal };
  }

  private async handle(buf: Buffer): Promise<void> {
    if (this.socket.destroyed) return;
    const request = decodeMessage(buf);
    switch (request.kind) {
      case 'msg':
        return this.handleMsg(request);
      case 'query':
        return this.handleQuery(request);
      case 'compressed': {
        const error = commandError(
          'CompressionNotSupported',
          'compression is not supported by this server',
        );
        const id = this.nextRequestId();
        if (request.originalOpCode === OpCode.Msg) {
          this.send(encodeMsg(id, request.requestId, error.toReply()));
        } else if (request.originalOpCode === OpCode.Query) {
          this.send(encodeReply(id, request.requestId, error.toReply()));
        } else {
          throw new MalformedMessageError(`compressed opcode ${request.originalOpCode}`);
        }
        return;
      }
      case 'unsupported':
        throw new MalformedMessageError(
          `unsupported opcode ${request.opCode} (removed in MongoDB 6.0)`,
        );
    }
  }

  private async handleMsg(request: MsgRequest): Promise<void> {
    const cmd = request.command;
    const db: unknown = cmd.$db;
    let reply: Document;
    if (typeof db !== 'string' || db === '') {
      reply = new CommandError(
        40571,
        'Location40571',
        'OP_MSG requests require a $db argument',
      ).toReply();
    } else {
      reply = await this.dispatcher.run(db, cmd, this.context());
    }
    if (request.flags & MsgFlag.MoreToCome) return;
    const replyId = this.nextRequestId();
    const streams =
      (request.flags & MsgFlag.ExhaustAllowed) !== 0 &&
      typeof db === 'string' &&
      reply.ok === 1 &&
      HELLO_NAMES.has(Object.keys(cmd)[0] ?? '') &&
      cmd.maxAwaitTimeMS !== undefined &&
      cmd.topologyVersion !== undefined;
    this.send(encodeMsg(replyId, request.requestId, reply, streams ? MsgFlag.MoreToCome : 0));
    if (streams && typeof db === 'string') void this.streamHello(db, cmd, replyId);
  }

  /**
   * The driver's monitor asks for an exhaust hello stream: after the first reply
   * the server keeps answering on its own, each reply waiting for a topology change
   * or maxAwaitTimeMS, until the client closes the connection or speaks again.
   */
  private async streamHello(db: string, cmd: Document, firstReplyId: number): Promise<void> {
    const stop = new AbortController();
    this.exhaust = stop;
    const signal = AbortSignal.any([stop.signal, this.closed.signal]);
    let responseTo = firstReplyId;
    while (!signal.aborted) {
      const next = { ...cmd, topologyVersion: this.server.replSet.topologyVersion() };
      const reply = await this.dispatcher.run(db, next, this.context(signal));
      if (signal.aborted) break;
      const replyId = this.nextRequestId();
      this.send(encodeMsg(replyId, responseTo, reply, MsgFlag.MoreToCome));
      responseTo = replyId;
    }
    if (this.exhaust === stop) this.exhaust = undefined;
  }

  private async handleQuery(request: QueryRequest): Promise<void> {
    const { fullCollectionName } = request;
    const replyId = this.nextRequestId();
    if (!fullCollectionName.endsWith('.$cmd')) {
      const error = commandError(
        'UnsupportedOpQueryCommand',
        `OP_QUERY is no longer supported for '${fullCollectionName}'`,
      );
      this.send(
        encodeReply(
          replyId,
          request.requestId,
          { $err: error.message, ...error.toReply() },
          ReplyFlag.QueryFailure | ReplyFlag.AwaitCapable,
        ),
      );
      return;
    }
    const db = fullCollectionName.slice(0, -'.$cmd'.length);
    const wrapped: unknown = request.query.$query;
    const cmd =
      typeof wrapped === 'object' && wrapped !== null ? (wrapped as Document) : request.query;
    const name = Object.keys(cmd)[0] ?? '';
    // mongod 6+ serves only the handshake over OP_QUERY.
    const reply = HELLO_NAMES.has(name)
      ? await this.dispatcher.run(db, cmd, this.context())
      : commandError(
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
        ).toReply();
    this.send(encodeReply(replyId, request.requestId, reply));
  }
}
