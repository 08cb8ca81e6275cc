import {
  type CheckResult,
  mongoReadinessCheck,
  type OutboxRelayStatus,
  type ReadinessCheck,
} from '@ticketing/common';
import type { Connection } from 'mongoose';

/** What the readiness checks look at; index.ts passes the live objects, tests fakes. */
export interface ReadinessSources {
  connection: Pick<Connection, 'readyState'>;
  /** True once every listener's subscription is in place. */
  listenersSubscribed: () => boolean;
  messaging: { isConnected(): boolean };
  /** Undefined until the relay has started. */
  relayStatus: () => Promise<OutboxRelayStatus | undefined>;
}

/**
 * `/readyz` checks. MongoDB and the listeners' subscriptions are required; the broker
 * and the outbox relay are reported but optional: orders keep being taken while the
 * broker is away, their events wait in the outbox.
 */
export function readinessChecks(sources: ReadinessSources): Record<string, ReadinessCheck> {
  return {
    mongo: mongoReadinessCheck(sources.connection),
    listeners: (): CheckResult =>
      sources.listenersSubscribed()
        ? { status: 'up', required: true, detail: 'subscribed' }
        : { status: 'down', required: true, detail: 'not subscribed yet' },
    nats: (): CheckResult =>
      sources.messaging.isConnected()
        ? { status: 'up', required: false, detail: 'connected' }
        : { status: 'down', required: false, detail: 'disconnected' },
    outbox: async (): Promise<CheckResult> => {
      const status = await sources.relayStatus();
      if (status === undefined) {
        return { status: 'down', required: false, detail: 'relay not started' };
      }
      const pending = status.pending === undefined ? '' : `, ${status.pending} pending`;
      if (status.lastError !== undefined) {
        return {
          status: 'down',
          required: false,
          detail: `publishing fails${pending}: ${status.lastError}`,
        };
      }
      return {
        status: status.running ? 'up' : 'down',
        required: false,
        detail: `${status.leader ? 'publishing' : 'standby'}${pending}`,
      };
    },
  };
}
