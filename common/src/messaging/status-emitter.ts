import type { ConnectionStatus } from './messaging-client';

/** Fans connection status changes out to subscribers; a throwing subscriber can't break the others. */
export class StatusEmitter {
  private readonly listeners = new Set<(status: ConnectionStatus) => void>();

  on(listener: (status: ConnectionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(status: ConnectionStatus): void {
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch {
        // A status observer is best-effort: its failure must not stop delivery to the rest.
      }
    }
  }
}
