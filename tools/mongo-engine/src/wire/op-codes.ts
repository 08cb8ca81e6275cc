/** Wire-protocol opcodes this server reads or writes (mongod's numbering). */
export const OpCode = {
  Reply: 1,
  Update: 2001,
  Insert: 2002,
  Query: 2004,
  GetMore: 2005,
  Delete: 2006,
  KillCursors: 2007,
  Compressed: 2012,
  Msg: 2013,
} as const;

/** OP_MSG flag bits. */
export const MsgFlag = {
  ChecksumPresent: 1 << 0,
  MoreToCome: 1 << 1,
  ExhaustAllowed: 1 << 16,
} as const;

/** OP_REPLY responseFlags: mongod always sets AwaitCapable on legacy replies. */
export const ReplyFlag = {
  QueryFailure: 1 << 1,
  AwaitCapable: 1 << 3,
} as const;

export const HEADER_SIZE = 16;
/** mongod's maxMessageSizeBytes; a larger frame can only be garbage or abuse. */
export const MAX_MESSAGE_SIZE = 48_000_000;
/** mongod's maxBsonObjectSize. */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
