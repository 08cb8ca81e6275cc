import { signSessionJwt } from '@ticketing/common';
import { sessionCookie } from '@ticketing/test-helpers';
import request from 'supertest';
import { buildTestApp, signin, TEST_JWT_KEY, useTestDatabase } from '../../test/helpers';

useTestDatabase();
const app = buildTestApp();

const me = (cookie?: string[]) => {
  const req = request(app).get('/api/users/currentuser');
  return cookie === undefined ? req : req.set('Cookie', cookie);
};

describe('GET /api/users/currentuser', () => {
  it('when signed in, then it returns id, email, iat and exp', async () => {
    const cookie = await signin(app, 'test@test.com');
    const res = await me(cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      currentUser: {
        id: expect.any(String),
        email: 'test@test.com',
        iat: expect.any(Number),
        exp: expect.any(Number),
      },
    });
    expect(res.body.currentUser.exp - res.body.currentUser.iat).toBe(900);
  });

  it('when not signed in, then currentUser is null', async () => {
    const res = await me();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the JWT has expired, then currentUser is null', async () => {
    // Issue the token two hours ago with a one-minute life.
    jest.useFakeTimers({ now: Date.now() - 2 * 60 * 60 * 1000 });
    let token: string;
    try {
      token = signSessionJwt(
        { id: '64b7f0c2a1b2c3d4e5f60718', email: 'a@test.com' },
        TEST_JWT_KEY,
        60,
      );
    } finally {
      jest.useRealTimers();
    }
    const res = await me([sessionCookie(token)]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the JWT is signed with another key, then currentUser is null', async () => {
    const forged = signSessionJwt(
      { id: '64b7f0c2a1b2c3d4e5f60718', email: 'a@test.com' },
      'not-the-key',
      900,
    );
    const res = await me([sessionCookie(forged)]);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the session cookie is garbage, then currentUser is null and nothing fails', async () => {
    const res = await me(['session=%%%not-base64-json']);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });
});
