import request from 'supertest';
import { buildTestApp, signin } from './test/helpers';

jest.mock('./nats-wrapper');

const app = buildTestApp();

describe('tickets app', () => {
  it('when a route is unknown, then 404 "Not Found"', async () => {
    const res = await request(app).get('/api/tickets-nope/1');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'Not Found' }] });
  });

  it('when the body is not valid JSON, then 400 with the common message (no database needed)', async () => {
    const res = await request(app)
      .post('/api/tickets')
      .set('Cookie', signin())
      .set('Content-Type', 'application/json')
      .send('{"title":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
  });
});
