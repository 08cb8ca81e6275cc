import type { Document } from 'bson';
import { CommandError } from '../../errors';
import type { Collection } from '../collection';
import type { CursorRegistry } from '../cursors';
import type { Store } from '../store';
import type { Session, Transaction } from '../transactions';

/** Everything a command handler may use. */
export interface CommandContext {
  readonly db: string;
  readonly cmd: Document;
  readonly store: Store;
  readonly cursors: CursorRegistry;
  /** the transaction this command runs in, if any */
  readonly txn: Transaction | undefined;
  readonly session: Session | undefined;
  /** aborts transactions idle past their lifetime */
  readonly expireIdle: () => void;
  /** ends a session's open transaction and forgets the session */
  readonly endSession: (key: string) => void;
}

export type CommandHandler = (ctx: CommandContext) => Promise<Document> | Document;

/** The collection name a command targets (its first field's value). */
export function collectionName(ctx: CommandContext): string {
  const name: unknown = Object.values(ctx.cmd)[0];
  if (typeof name !== 'string' || name.length === 0) {
    throw engineError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function existingCollection(ctx: CommandContext): Collection | undefined {
  return ctx.store.getCollection(ctx.db, collectionName(ctx));
}

/** Optional positive integer option (driver may send Int32, Long or number). */
export function optionalInt(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (
    typeof value === 'object' &&
    value !== null &&
    'toNumber' in value &&
    typeof value.toNumber === 'function'
  ) {
    const n: unknown = value.toNumber();
    return typeof n === 'number' ? n : undefined;
  }
  if (typeof value === 'object' && value !== null && 'valueOf' in value) {
    const n: unknown = value.valueOf();
    return typeof n === 'number' ? n : undefined;
  }
  return undefined;
}

/** Codes only this engine raises, kept here so the shared error table stays the wire server's. */
const ENGINE_CODES = {
  ImmutableField: 66,
  InvalidNamespace: 73,
  ConflictingOperationInProgress: 117,
} as const;

export function engineError(name: keyof typeof ENGINE_CODES, message: string): CommandError {
  return new CommandError(ENGINE_CODES[name], name, message);
}
