import request from 'supertest';
import { buildTestApp, setCookies, signin, useTestDatabase } from '../../test/helpers';

useTestDatabase();
const app = buildTestApp();

describe('POST /api/users/signout', () => {
  it('when a signed-in user signs out, then 200 {} and the session cookie is cleared', async () => {
    const cookie = await signin(app);
    const res = await request(app).post('/api/users/signout').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const cleared = setCookies(res).find((c) => c.startsWith('session='));
    expect(cleared).toMatch(/^session=;/);
    expect(cleared).toMatch(/expires=Thu, 01 Jan 1970 00:00:00 GMT/i);
  });

  it('when the cleared cookie is sent back, then there is no current user', async () => {
    const cookie = await signin(app);
    const res = await request(app).post('/api/users/signout').set('Cookie', cookie);
    const cleared = setCookies(res)
      .map((c) => c.split(';', 1)[0] ?? '')
      .filter((c) => c.startsWith('session='));
    const me = await request(app).get('/api/users/currentuser').set('Cookie', cleared);
    expect(me.body).toEqual({ currentUser: null });
  });
});
