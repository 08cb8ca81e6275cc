import { HEADER_SIZE, MAX_MESSAGE_SIZE } from './op-codes';

/** The byte stream cannot be a sequence of wire messages; the connection must close. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
}

/**
 * Cuts a TCP byte stream into whole wire messages: a chunk may hold part of a
 * message or several. Chunks are kept in a list and joined once per message so
 * a large message arriving in many small reads is not re-copied on every read.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds bytes read from the socket and returns every message now complete. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const length = this.peekLength();
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new FramingError(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      messages.push(this.take(length));
    }
    return messages;
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first && first.length >= 4) return first.readInt32LE(0);
    return this.join().readInt32LE(0);
  }

  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private take(length: number): Buffer {
    const all = this.join();
    const message = all.subarray(0, length);
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return message;
  }
}
