import {
  listenersReadinessCheck,
  messagingReadinessCheck,
  type OutboxRelayStatus,
  outboxRelayReadinessCheck,
  outboxServiceReadinessChecks,
} from '../../src';

describe('readiness checks', () => {
  it('when the listeners are not subscribed yet, then the required check is down; once they are, up', async () => {
    let subscribed = false;
    const check = listenersReadinessCheck(() => subscribed);
    expect(await check()).toEqual({ status: 'down', required: true, detail: 'not subscribed yet' });
    subscribed = true;
    expect(await check()).toEqual({ status: 'up', required: true, detail: 'subscribed' });
  });

  it('when the broker connection drops, then the messaging check says so, required or not as asked', async () => {
    let connected = true;
    const messaging = { isConnected: () => connected };
    expect(await messagingReadinessCheck(messaging, { required: false })()).toEqual({
      status: 'up',
      required: false,
      detail: 'connected',
    });
    connected = false;
    expect(await messagingReadinessCheck(messaging, { required: true })()).toEqual({
      status: 'down',
      required: true,
      detail: 'disconnected',
    });
  });

  it('when the relay is not started, standing by, or failing, then the optional outbox check reports it', async () => {
    let status: OutboxRelayStatus | undefined;
    const check = outboxRelayReadinessCheck(async () => status);
    expect(await check()).toEqual({ status: 'down', required: false, detail: 'relay not started' });
    status = { running: true, leader: false, pending: 2 };
    expect(await check()).toEqual({ status: 'up', required: false, detail: 'standby, 2 pending' });
    status = { running: true, leader: true, lastError: 'broker down' };
    expect(await check()).toEqual({
      status: 'down',
      required: false,
      detail: 'publishing fails: broker down',
    });
  });

  it('when an outbox service asks for its checks, then mongo and listeners are required, nats and outbox optional', async () => {
    const checks = outboxServiceReadinessChecks({
      connection: { readyState: 1 },
      listenersSubscribed: () => true,
      messaging: { isConnected: () => false },
      relayStatus: async () => ({ running: true, leader: true, pending: 0 }),
    });
    const results = Object.fromEntries(
      await Promise.all(Object.entries(checks).map(async ([name, c]) => [name, await c()])),
    );
    expect(results).toEqual({
      mongo: { status: 'up', required: true, detail: 'connected' },
      listeners: { status: 'up', required: true, detail: 'subscribed' },
      nats: { status: 'down', required: false, detail: 'disconnected' },
      outbox: { status: 'up', required: false, detail: 'publishing, 0 pending' },
    });
  });
});
