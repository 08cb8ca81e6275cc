import type { Connection } from 'mongoose';
import { mongoReadinessCheck } from '../service/connect-mongo';
import type { CheckResult, ReadinessCheck } from '../service/probe-router';
import { listenersReadinessCheck, messagingReadinessCheck } from '../service/readiness-checks';
import type { OutboxRelayStatus } from './outbox-relay';

/**
 * An optional check reporting the outbox relay: up while it runs and publishes
 * (`publishing` on the leader, `standby` on the others, with the pending count), down
 * before it starts or while publishing fails.
 *
 * @param relayStatus `async () => relay?.status()`: undefined until the relay has started.
 */
export function outboxRelayReadinessCheck(
  relayStatus: () => Promise<OutboxRelayStatus | undefined>,
): ReadinessCheck {
  return async (): Promise<CheckResult> => {
    const status = await relayStatus();
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
  };
}

/** What {@link outboxServiceReadinessChecks} looks at; index.ts passes the live objects, tests fakes. */
export interface OutboxServiceReadinessSources {
  connection: Pick<Connection, 'readyState'>;
  /** True once every listener's subscription is in place. */
  listenersSubscribed: () => boolean;
  messaging: { isConnected(): boolean };
  /** Undefined until the relay has started. */
  relayStatus: () => Promise<OutboxRelayStatus | undefined>;
}

/**
 * The `/readyz` checks of a MongoDB service that publishes through the outbox:
 * `mongo` and `listeners` are required; `nats` and `outbox` are reported but
 * optional, because requests keep working through the outbox while the broker is
 * away (events wait and go out later).
 *
 * @example createProbeRouter({ checks: outboxServiceReadinessChecks({ connection, ... }) })
 */
export function outboxServiceReadinessChecks(
  sources: OutboxServiceReadinessSources,
): Record<string, ReadinessCheck> {
  return {
    mongo: mongoReadinessCheck(sources.connection),
    listeners: listenersReadinessCheck(sources.listenersSubscribed),
    nats: messagingReadinessCheck(sources.messaging, { required: false }),
    outbox: outboxRelayReadinessCheck(sources.relayStatus),
  };
}
