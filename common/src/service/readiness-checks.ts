import type { CheckResult, ReadinessCheck } from './probe-router';

/**
 * A required check that is up once every listener's subscription is in place.
 *
 * @param isSubscribed Read at each probe, e.g. `() => subscribed` set after the last `listen()`.
 */
export function listenersReadinessCheck(isSubscribed: () => boolean): ReadinessCheck {
  return (): CheckResult =>
    isSubscribed()
      ? { status: 'up', required: true, detail: 'subscribed' }
      : { status: 'down', required: true, detail: 'not subscribed yet' };
}

/**
 * A check that is up while the broker connection is.
 *
 * @param messaging The service's `natsWrapper` (or anything that says whether it is connected).
 * @param options.required False where an outbox keeps requests working through a broker outage.
 */
export function messagingReadinessCheck(
  messaging: { isConnected(): boolean },
  options: { required: boolean },
): ReadinessCheck {
  const { required } = options;
  return (): CheckResult =>
    messaging.isConnected()
      ? { status: 'up', required, detail: 'connected' }
      : { status: 'down', required, detail: 'disconnected' };
}
