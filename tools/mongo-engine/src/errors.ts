import type { Document } from 'bson';

/**
 * A failed command, reported to the client as `{ ok: 0, errmsg, code, codeName }`
 * (plus `errorLabels` and any extra fields), the way mongod reports it.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly errorLabels: readonly string[] = [],
    readonly extra: Document = {},
  ) {
    super(message);
  }

  toReply(): Document {
    const reply: Document = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
    };
    if (this.errorLabels.length > 0) reply.errorLabels = [...this.errorLabels];
    return { ...reply, ...this.extra };
  }
}

/** Error codes this engine uses, with mongod's numbers and names. */
export const ErrorCodes = {
  BadValue: { code: 2, codeName: 'BadValue' },
  FailedToParse: { code: 9, codeName: 'FailedToParse' },
  TypeMismatch: { code: 14, codeName: 'TypeMismatch' },
  IllegalOperation: { code: 20, codeName: 'IllegalOperation' },
  NamespaceNotFound: { code: 26, codeName: 'NamespaceNotFound' },
  IndexNotFound: { code: 27, codeName: 'IndexNotFound' },
  CursorNotFound: { code: 43, codeName: 'CursorNotFound' },
  NamespaceExists: { code: 48, codeName: 'NamespaceExists' },
  CommandNotFound: { code: 59, codeName: 'CommandNotFound' },
  InvalidOptions: { code: 72, codeName: 'InvalidOptions' },
  IndexOptionsConflict: { code: 85, codeName: 'IndexOptionsConflict' },
  IndexKeySpecsConflict: { code: 86, codeName: 'IndexKeySpecsConflict' },
  WriteConflict: { code: 112, codeName: 'WriteConflict' },
  NoSuchTransaction: { code: 251, codeName: 'NoSuchTransaction' },
  TransactionCommitted: { code: 256, codeName: 'TransactionCommitted' },
  TransactionTooOld: { code: 225, codeName: 'TransactionTooOld' },
  NotWritablePrimary: { code: 10107, codeName: 'NotWritablePrimary' },
  DuplicateKey: { code: 11000, codeName: 'DuplicateKey' },
  NotYetInitialized: { code: 94, codeName: 'NotYetInitialized' },
  AlreadyInitialized: { code: 23, codeName: 'AlreadyInitialized' },
  CompressionNotSupported: { code: 0, codeName: 'CompressionNotSupported' },
  InternalError: { code: 1, codeName: 'InternalError' },
  Unauthorized: { code: 13, codeName: 'Unauthorized' },
  AuthenticationFailed: { code: 18, codeName: 'AuthenticationFailed' },
  NoReplicationEnabled: { code: 76, codeName: 'NoReplicationEnabled' },
  ShutdownInProgress: { code: 91, codeName: 'ShutdownInProgress' },
  InvalidReplicaSetConfig: { code: 93, codeName: 'InvalidReplicaSetConfig' },
  UnsupportedOpQueryCommand: { code: 352, codeName: 'UnsupportedOpQueryCommand' },
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

/** Builds a CommandError from one of the known codes. */
export function commandError(
  name: ErrorCodeName,
  message: string,
  errorLabels: readonly string[] = [],
  extra: Document = {},
): CommandError {
  const { code, codeName } = ErrorCodes[name];
  return new CommandError(code, codeName, message, errorLabels, extra);
}
