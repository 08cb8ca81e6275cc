import { type MongoHandle, startMongo } from '@ticketing/test-helpers';
import mongoose from 'mongoose';
import request from 'supertest';
import { buildTestApp } from './test/helpers';

let mongo: MongoHandle;
beforeAll(async () => {
  mongo = await startMongo();
}, 60_000);
afterAll(async () => {
  await mongoose.disconnect();
  await mongo.stop();
}, 60_000);

describe('readiness', () => {
  it('when MongoDB is not connected yet, then /readyz is 503 naming mongo down; once connected, 200; after disconnect, 503 again', async () => {
    const app = buildTestApp();

    const before = await request(app).get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body).toEqual({
      status: 'not ready',
      checks: { mongo: { status: 'down', required: true, detail: 'disconnected' } },
    });

    await mongoose.connect(mongo.uri, { dbName: 'auth' });
    const after = await request(app).get('/readyz');
    expect(after.status).toBe(200);
    expect(after.body).toEqual({
      status: 'ready',
      checks: { mongo: { status: 'up', required: true, detail: 'connected' } },
    });

    await mongoose.disconnect();
    expect((await request(app).get('/readyz')).status).toBe(503);
  });
});
