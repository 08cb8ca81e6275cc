import type { ShutdownStep } from '../service/install-shutdown';

/** What {@link outboxServiceShutdownSteps} stops; index.ts passes the live objects. */
export interface OutboxServiceShutdownTargets {
  listeners: ReadonlyArray<{ close(): Promise<void> }>;
  relay: { stop(): Promise<void> };
  messaging: { close(): Promise<void> };
  connection: { close(): Promise<void> };
}

/**
 * The shutdown steps of a MongoDB service that publishes through the outbox, in
 * their order: listeners stop first (the message in hand finishes and is acked),
 * then the relay (its batch in flight finishes), then NATS is drained, and MongoDB
 * is closed last because all of them write to it.
 *
 * @example installShutdown({ logger, server, probes, timeoutMs, steps: outboxServiceShutdownSteps({ ... }) })
 */
export function outboxServiceShutdownSteps(targets: OutboxServiceShutdownTargets): ShutdownStep[] {
  return [
    {
      name: 'stop listeners',
      run: async () => {
        await Promise.all(targets.listeners.map((listener) => listener.close()));
      },
    },
    { name: 'stop outbox relay', run: () => targets.relay.stop() },
    { name: 'drain NATS', run: () => targets.messaging.close() },
    { name: 'close MongoDB', run: () => targets.connection.close() },
  ];
}
