import {
  type CheckResult,
  listenersReadinessCheck,
  messagingReadinessCheck,
  type ReadinessCheck,
} from '@ticketing/common';

/** What the readiness checks look at; index.ts passes the live objects, tests real or fake ones. */
export interface ReadinessSources {
  /** True while the queue's Redis connection is up. */
  redisConnected: () => boolean;
  messaging: { isConnected(): boolean };
  /** True once every listener's subscription is in place. */
  listenersSubscribed: () => boolean;
}

/**
 * `/readyz` checks, all required: without Redis no job can be scheduled or fire, and
 * without the broker (there is no outbox here) no event comes in or goes out.
 */
export function readinessChecks(sources: ReadinessSources): Record<string, ReadinessCheck> {
  return {
    redis: (): CheckResult =>
      sources.redisConnected()
        ? { status: 'up', required: true, detail: 'connected' }
        : { status: 'down', required: true, detail: 'disconnected' },
    nats: messagingReadinessCheck(sources.messaging, { required: true }),
    listeners: listenersReadinessCheck(sources.listenersSubscribed),
  };
}
