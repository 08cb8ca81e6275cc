import { commandError } from '../../errors';
import type { CommandHandler } from './context';

const TRANSIENT = ['TransientTransactionError'];

const commitTransaction: CommandHandler = (ctx) => {
  const { txn } = ctx;
  if (!txn) throw commandError('NoSuchTransaction', 'Transaction is not in progress', TRANSIENT);
  if (txn.state === 'aborted') {
    throw commandError(
      'NoSuchTransaction',
      `Transaction with { txnNumber: ${txn.txnNumber} } has been aborted.`,
      TRANSIENT,
    );
  }
  if (txn.state === 'active') ctx.store.commit(txn);
  return { ok: 1 };
};

const abortTransaction: CommandHandler = (ctx) => {
  const { txn } = ctx;
  if (!txn) throw commandError('NoSuchTransaction', 'Transaction is not in progress', TRANSIENT);
  if (txn.state === 'committed') {
    throw commandError(
      'TransactionCommitted',
      `Transaction with { txnNumber: ${txn.txnNumber} } has been committed.`,
    );
  }
  if (txn.state === 'aborted') {
    throw commandError(
      'NoSuchTransaction',
      `Transaction with { txnNumber: ${txn.txnNumber} } has been aborted.`,
      TRANSIENT,
    );
  }
  ctx.store.abort(txn, 'aborted by the client');
  return { ok: 1 };
};

const endSessions: CommandHandler = (ctx) => {
  const ids = Array.isArray(ctx.cmd.endSessions) ? (ctx.cmd.endSessions as unknown[]) : [];
  for (const lsid of ids) {
    const key = sessionKeyOf(lsid);
    if (key) ctx.endSession(key);
  }
  return { ok: 1 };
};

/** `lsid.id` (a UUID) as a map key. */
export function sessionKeyOf(lsid: unknown): string | undefined {
  if (typeof lsid !== 'object' || lsid === null || !('id' in lsid)) return undefined;
  const id: unknown = lsid.id;
  if (id instanceof Uint8Array) return Buffer.from(id).toString('hex');
  if (
    typeof id === 'object' &&
    id !== null &&
    'toString' in id &&
    typeof id.toString === 'function'
  ) {
    if ('buffer' in id && id.buffer instanceof Uint8Array)
      return Buffer.from(id.buffer).toString('hex');
    return String(id.toString());
  }
  return typeof id === 'string' ? id : undefined;
}

export const sessionCommands: Record<string, CommandHandler> = {
  commitTransaction,
  abortTransaction,
  endSessions,
};
