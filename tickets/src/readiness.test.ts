import {
  createProbeRouter,
  type OutboxRelayStatus,
  outboxServiceReadinessChecks,
} from '@ticketing/common';
import { type MongoHandle, startMongo } from '@ticketing/test-helpers';
import mongoose from 'mongoose';
import request from 'supertest';
import { buildTestApp } from './test/helpers';

jest.mock('./nats-wrapper');

let mongo: MongoHandle;
beforeAll(async () => {
  mongo = await startMongo();
}, 60_000);
afterAll(async () => {
  await mongoose.disconnect();
  await mongo.stop();
}, 60_000);

describe('readiness', () => {
  it('when Mongo is not connected and the listeners are not subscribed, then 503; once both, 200 even while the broker is down, with its state in the body', async () => {
    let subscribed = false;
    let brokerUp = true;
    let relay: OutboxRelayStatus | undefined;
    const probes = createProbeRouter({
      checks: outboxServiceReadinessChecks({
        connection: mongoose.connection,
        listenersSubscribed: () => subscribed,
        messaging: { isConnected: () => brokerUp },
        relayStatus: async () => relay,
      }),
    });
    const app = buildTestApp({ probes });

    const before = await request(app).get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body.checks.mongo).toEqual({
      status: 'down',
      required: true,
      detail: 'disconnected',
    });
    expect(before.body.checks.listeners).toEqual({
      status: 'down',
      required: true,
      detail: 'not subscribed yet',
    });

    await mongoose.connect(mongo.uri, { dbName: 'tickets' });
    expect((await request(app).get('/readyz')).status).toBe(503);

    subscribed = true;
    relay = { running: true, leader: true, pending: 0 };
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.checks.nats).toEqual({ status: 'up', required: false, detail: 'connected' });

    brokerUp = false;
    relay = { running: true, leader: true, pending: 3, lastError: 'broker down' };
    const outage = await request(app).get('/readyz');
    expect(outage.status).toBe(200);
    expect(outage.body.checks.nats).toEqual({
      status: 'down',
      required: false,
      detail: 'disconnected',
    });
    expect(outage.body.checks.outbox).toEqual({
      status: 'down',
      required: false,
      detail: 'publishing fails, 3 pending: broker down',
    });

    probes.markShuttingDown();
    expect((await request(app).get('/readyz')).status).toBe(503);
  });

  it('when asked for /healthz, then 200 regardless of dependencies', async () => {
    const res = await request(buildTestApp()).get('/healthz');
    expect(res.status).toBe(200);
  });
});
