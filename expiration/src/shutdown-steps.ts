import type { ShutdownStep } from '@ticketing/common';

/** What shutdown stops; index.ts passes the live objects, tests fakes that record the order. */
export interface ShutdownTargets {
  listeners: ReadonlyArray<{ close(): Promise<void> }>;
  queue: { close(): Promise<void> };
  messaging: { close(): Promise<void> };
}

/**
 * The order matters: listeners stop first (no new jobs, the event in hand finishes and
 * is acked); then the queue closes, which waits for the jobs being processed, and those
 * publish through NATS, so NATS is drained only after that.
 */
export function shutdownSteps(targets: ShutdownTargets): ShutdownStep[] {
  return [
    {
      name: 'stop listeners',
      run: async () => {
        await Promise.all(targets.listeners.map((listener) => listener.close()));
      },
    },
    { name: 'close the expiration queue', run: () => targets.queue.close() },
    { name: 'drain NATS', run: () => targets.messaging.close() },
  ];
}
