import type { Document } from 'bson';
import { Long } from 'bson';
import { commandError } from '../errors';
import { toNumber } from './bson-values';

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

const DEFAULT_FIRST_BATCH = 101;
/** mongod reaps cursors idle for 10 minutes */
const CURSOR_IDLE_MS = 10 * 60 * 1000;

/** Server-side cursors over fully materialized results (a consistent snapshot per query). */
export class CursorRegistry {
  private readonly cursors = new Map<number, OpenCursor>();
  private nextId = 1000 + Math.floor(Math.random() * 1_000_000);

  /** The `cursor` part of a find/aggregate reply, keeping the rest open when it does not fit one batch. */
  open(
    ns: string,
    docs: Document[],
    batchSize: number | undefined,
    singleBatch: boolean,
  ): Document {
    this.reap();
    const size = batchSize ?? DEFAULT_FIRST_BATCH;
    const firstBatch = docs.slice(0, size);
    if (singleBatch || firstBatch.length >= docs.length) {
      return { id: Long.ZERO, ns, firstBatch };
    }
    const id = this.nextId++;
    this.cursors.set(id, { ns, docs, position: firstBatch.length, lastUsed: Date.now() });
    return { id: Long.fromNumber(id), ns, firstBatch };
  }

  getMore(rawId: unknown, batchSize: number | undefined): Document {
    const id = toNumber(rawId) ?? 0;
    const cursor = this.cursors.get(id);
    if (!cursor) throw commandError('CursorNotFound', `cursor id ${id} not found`);
    const end = batchSize && batchSize > 0 ? cursor.position + batchSize : cursor.docs.length;
    const nextBatch = cursor.docs.slice(cursor.position, end);
    cursor.position += nextBatch.length;
    cursor.lastUsed = Date.now();
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.cursors.delete(id);
    return { id: exhausted ? Long.ZERO : Long.fromNumber(id), ns: cursor.ns, nextBatch };
  }

  kill(rawIds: unknown[]): Document {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of rawIds) {
      const id = toNumber(raw) ?? 0;
      (this.cursors.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return {
      cursorsKilled: killed,
      cursorsNotFound: notFound,
      cursorsAlive: [],
      cursorsUnknown: [],
    };
  }

  nsOf(rawId: unknown): string | undefined {
    return this.cursors.get(toNumber(rawId) ?? 0)?.ns;
  }

  private reap(): void {
    const cutoff = Date.now() - CURSOR_IDLE_MS;
    for (const [id, c] of this.cursors) if (c.lastUsed < cutoff) this.cursors.delete(id);
  }
}
