import { type Document, deserialize, serialize } from 'bson';
import { HEADER_SIZE, MsgFlag, OpCode, ReplyFlag } from './op-codes';

/** A frame that parses but is not a valid message; the connection that sent it is closed. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

interface Header {
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** An OP_MSG with its document sequences already merged into the body as arrays. */
export interface MsgRequest extends Header {
  kind: 'msg';
  flags: number;
  command: Document;
}

/** A legacy OP_QUERY: drivers still send their first handshake this way. */
export interface QueryRequest extends Header {
  kind: 'query';
  flags: number;
  fullCollectionName: string;
  query: Document;
}

/** OP_COMPRESSED: never negotiated, so it gets an error reply in the original opcode's shape. */
export interface CompressedRequest extends Header {
  kind: 'compressed';
  originalOpCode: number;
}

/** Anything else (legacy OP_INSERT, OP_GET_MORE, ...), which mongod 6+ no longer serves. */
export interface UnsupportedRequest extends Header {
  kind: 'unsupported';
}

export type WireRequest = MsgRequest | QueryRequest | CompressedRequest | UnsupportedRequest;

// BSON values arrive exactly as the driver typed them: int32, int64 and double stay
// Int32, Long and Double wrappers (bson's default would turn them all into JS
// numbers, so a stored 2.0 would come back as an int and a Long as a number).
function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new MalformedMessageError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new MalformedMessageError('invalid BSON size');
  let doc: Document;
  try {
    doc = deserialize(buf.subarray(offset, offset + size), {
      validation: { utf8: true },
      promoteValues: false,
    });
  } catch (err) {
    throw new MalformedMessageError(`invalid BSON: ${(err as Error).message}`);
  }
  return { doc, next: offset + size };
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new MalformedMessageError('unterminated string');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

function decodeMsg(buf: Buffer, header: Header): MsgRequest {
  if (buf.length < HEADER_SIZE + 5) throw new MalformedMessageError('OP_MSG too short');
  const flags = buf.readUInt32LE(HEADER_SIZE);
  // Bits 0-15 are "required": a receiver must refuse ones it does not know.
  const unknownRequired = flags & 0xffff & ~(MsgFlag.ChecksumPresent | MsgFlag.MoreToCome);
  if (unknownRequired !== 0) throw new MalformedMessageError(`unknown OP_MSG flag bits ${flags}`);
  // The CRC32C is not verified: TCP already guards these bytes on loopback.
  const end = flags & MsgFlag.ChecksumPresent ? buf.length - 4 : buf.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<{ id: string; docs: Document[] }> = [];
  while (offset < end) {
    const kind = buf.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new MalformedMessageError('OP_MSG has more than one body section');
      const read = readDocument(buf, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new MalformedMessageError('truncated document sequence');
      const size = buf.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw new MalformedMessageError('invalid sequence size');
      const id = readCString(buf, offset + 4, sectionEnd);
      const docs: Document[] = [];
      let at = id.next;
      while (at < sectionEnd) {
        const read = readDocument(buf, at, sectionEnd);
        docs.push(read.doc);
        at = read.next;
      }
      sequences.push({ id: id.value, docs });
      offset = sectionEnd;
    } else {
      throw new MalformedMessageError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new MalformedMessageError('OP_MSG has no body section');
  for (const { id, docs } of sequences) {
    if (Object.hasOwn(body, id)) {
      throw new MalformedMessageError(`duplicate field '${id}' in body and document sequence`);
    }
    body[id] = docs;
  }
  return { ...header, kind: 'msg', flags, command: body };
}

function decodeQuery(buf: Buffer, header: Header): QueryRequest {
  let offset = HEADER_SIZE;
  if (buf.length < offset + 4) throw new MalformedMessageError('OP_QUERY too short');
  const flags = buf.readInt32LE(offset);
  const name = readCString(buf, offset + 4, buf.length);
  offset = name.next + 8; // numberToSkip, numberToReturn: meaningless for commands
  const query = readDocument(buf, offset, buf.length).doc;
  return { ...header, kind: 'query', flags, fullCollectionName: name.value, query };
}

/** Decodes one complete frame from MessageFramer. Throws MalformedMessageError. */
export function decodeMessage(buf: Buffer): WireRequest {
  const header: Header = {
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
  switch (header.opCode) {
    case OpCode.Msg:
      return decodeMsg(buf, header);
    case OpCode.Query:
      return decodeQuery(buf, header);
    case OpCode.Compressed:
      if (buf.length < HEADER_SIZE + 9) throw new MalformedMessageError('OP_COMPRESSED too short');
      return { ...header, kind: 'compressed', originalOpCode: buf.readInt32LE(HEADER_SIZE) };
    default:
      return { ...header, kind: 'unsupported' };
  }
}

function frame(requestId: number, responseTo: number, opCode: number, payload: Buffer[]): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  const length = payload.reduce((sum, part) => sum + part.length, HEADER_SIZE);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, ...payload], length);
}

function encodeDocument(doc: Document): Buffer {
  return Buffer.from(serialize(doc, { ignoreUndefined: true }));
}

/** An OP_MSG reply: flags (moreToCome for exhaust streams) and a single body section. */
export function encodeMsg(requestId: number, responseTo: number, doc: Document, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32LE(flags, 0);
  head.writeUInt8(0, 4);
  return frame(requestId, responseTo, OpCode.Msg, [head, encodeDocument(doc)]);
}

/** An OP_REPLY carrying one document, the answer to a legacy OP_QUERY command. */
export function encodeReply(
  requestId: number,
  responseTo: number,
  doc: Document,
  responseFlags: number = ReplyFlag.AwaitCapable,
): Buffer {
  const head = Buffer.alloc(20);
  head.writeInt32LE(responseFlags, 0);
  head.writeBigInt64LE(0n, 4);
  head.writeInt32LE(0, 12);
  head.writeInt32LE(1, 16);
  return frame(requestId, responseTo, OpCode.Reply, [head, encodeDocument(doc)]);
}
