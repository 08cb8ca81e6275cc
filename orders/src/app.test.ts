import request from 'supertest';
import { buildTestApp, signin } from './test/helpers';

jest.mock('./nats-wrapper');

const app = buildTestApp();

describe('orders app', () => {
  it('when a route is unknown, then 404 "Not Found"', async () => {
    const res = await request(app).get('/api/orders-nope/x').set('Cookie', signin());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  it('when the body is not valid JSON, then 400, never a 500', async () => {
    const res = await request(app)
      .post('/api/orders')
      .set('Cookie', signin())
      .set('Content-Type', 'application/json')
      .send('{"ticketId":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
  });
});
