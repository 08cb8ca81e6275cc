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

function appWith(state: { subscribed: boolean; natsUp: boolean; relay?: OutboxRelayStatus }) {
  return buildTestApp({
    probes: createProbeRouter({
      checks: outboxServiceReadinessChecks({
        connection: mongoose.connection,
        listenersSubscribed: () => state.subscribed,
        messaging: { isConnected: () => state.natsUp },
        relayStatus: async () => state.relay,
      }),
    }),
  });
}

describe('readiness', () => {
  it('when MongoDB is not connected and the listeners are not subscribed, then /readyz is 503; once both are, 200; /healthz is 200 throughout', async () => {
    const state = { subscribed: false, natsUp: false };
    const app = appWith(state);

    const before = await request(app).get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body.status).toBe('not ready');
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
    expect((await request(app).get('/healthz')).status).toBe(200);

    await mongoose.connect(mongo.uri, { dbName: 'orders' });
    expect((await request(app).get('/readyz')).status).toBe(503);

    state.subscribed = true;
    state.natsUp = true;
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.mongo).toEqual({ status: 'up', required: true, detail: 'connected' });
    expect(ready.body.checks.nats).toEqual({ status: 'up', required: false, detail: 'connected' });
  });

  it('when the broker goes away after start-up, then /readyz stays 200 and reports nats and the outbox down', async () => {
    if (mongoose.connection.readyState !== 1)
      await mongoose.connect(mongo.uri, { dbName: 'orders' });
    const app = appWith({
      subscribed: true,
      natsUp: false,
      relay: {
        running: true,
        leader: true,
        pending: 3,
        lastError: 'Failed to publish order.created',
        failingSince: new Date(),
      },
    });

    const res = await request(app).get('/readyz');

    expect(res.status).toBe(200);
    expect(res.body.checks.nats).toEqual({
      status: 'down',
      required: false,
      detail: 'disconnected',
    });
    expect(res.body.checks.outbox).toEqual({
      status: 'down',
      required: false,
      detail: 'publishing fails, 3 pending: Failed to publish order.created',
    });
  });
});
