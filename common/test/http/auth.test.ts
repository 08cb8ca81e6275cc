import cookieSession from 'cookie-session';
import express, { type Express } from 'express';
import { body } from 'express-validator';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { currentUser, errorHandler, requireAuth, signSessionJwt, validateRequest } from '../../src';

const KEY = 'test-jwt-key';
const USER = { id: '64b7f0c2a1b2c3d4e5f60718', email: 'ada@example.com' };

// What cookie-session reads: base64 JSON of the session object, unsigned here.
function sessionCookie(session: object): string {
  return `session=${Buffer.from(JSON.stringify(session)).toString('base64')}`;
}

function buildApp(): Express {
  const app = express();
  app.use(express.json());
  app.use(cookieSession({ signed: false, secure: false }));
  app.use(currentUser(KEY));
  app.get('/whoami', (req, res) => {
    res.json({ currentUser: req.currentUser ?? null });
  });
  app.post(
    '/tickets',
    requireAuth,
    body('title').trim().notEmpty().withMessage('Title is required'),
    body('price').isFloat({ gt: 0 }).withMessage('Price must be greater than 0'),
    validateRequest,
    (req, res) => {
      res.status(201).json({ title: req.body.title, userId: req.currentUser?.id });
    },
  );
  app.use(errorHandler);
  return app;
}

describe('currentUser', () => {
  const app = buildApp();

  it('when the session holds a valid JWT, then req.currentUser is its user', async () => {
    const token = signSessionJwt(USER, KEY, 900);
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ jwt: token }));
    expect(res.status).toBe(200);
    const { currentUser: user } = res.body;
    expect(user).toEqual({
      id: USER.id,
      email: USER.email,
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(user.exp - user.iat).toBe(900);
  });

  it('when there is no session cookie, then there is no user', async () => {
    const res = await request(app).get('/whoami');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the session has no jwt, then there is no user', async () => {
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ other: 1 }));
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the JWT has expired, then there is no user and no error', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ ...USER, iat: now - 3600, exp: now - 60 }, KEY);
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ jwt: token }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the JWT is signed with another key, then there is no user', async () => {
    const token = signSessionJwt(USER, 'someone-elses-key', 900);
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ jwt: token }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the JWT is unsigned (alg none), then there is no user', async () => {
    const token = jwt.sign({ ...USER }, '', { algorithm: 'none', expiresIn: 900 });
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ jwt: token }));
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the JWT has no expiry, then there is no user', async () => {
    const token = jwt.sign({ ...USER }, KEY);
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ jwt: token }));
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the JWT lacks the email claim, then there is no user', async () => {
    const token = jwt.sign({ id: USER.id }, KEY, { expiresIn: 900 });
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ jwt: token }));
    expect(res.body).toEqual({ currentUser: null });
  });

  it('when the session cookie or the JWT is garbage, then there is no user', async () => {
    for (const cookie of ['session=%%%not-base64', sessionCookie({ jwt: 'a.b.c' })]) {
      const res = await request(app).get('/whoami').set('Cookie', cookie);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ currentUser: null });
    }
  });

  it('when the JWT carries extra claims, then req.currentUser keeps only id, email, iat, exp', async () => {
    const token = jwt.sign({ ...USER, admin: true }, KEY, { expiresIn: 60 });
    const res = await request(app)
      .get('/whoami')
      .set('Cookie', sessionCookie({ jwt: token }));
    expect(Object.keys(res.body.currentUser).sort()).toEqual(['email', 'exp', 'iat', 'id']);
  });
});

describe('requireAuth and validateRequest', () => {
  const app = buildApp();
  const signedIn = () => sessionCookie({ jwt: signSessionJwt(USER, KEY, 900) });

  it('when anonymous with an invalid body, then 401 wins over validation', async () => {
    const res = await request(app).post('/tickets').send({ title: '', price: -1 });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not authorized' }] });
  });

  it('when the JWT is forged, then the request is refused with 401', async () => {
    const forged = sessionCookie({ jwt: signSessionJwt(USER, 'wrong-key', 900) });
    const res = await request(app)
      .post('/tickets')
      .set('Cookie', forged)
      .send({ title: 'concert', price: 10 });
    expect(res.status).toBe(401);
  });

  it('when signed in with an invalid body, then 400 lists each rule with its field', async () => {
    const res = await request(app)
      .post('/tickets')
      .set('Cookie', signedIn())
      .send({ title: '   ', price: 0 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        { message: 'Title is required', field: 'title' },
        { message: 'Price must be greater than 0', field: 'price' },
      ],
    });
  });

  it('when signed in with a valid body, then the handler runs with the user', async () => {
    const res = await request(app)
      .post('/tickets')
      .set('Cookie', signedIn())
      .send({ title: 'concert', price: 20 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ title: 'concert', userId: USER.id });
  });
});

describe('signSessionJwt', () => {
  it('when the lifetime is not a positive whole number of seconds, then it throws', () => {
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => signSessionJwt(USER, KEY, bad)).toThrow(RangeError);
    }
  });

  it('when signing, then the token holds only id and email besides iat/exp, with HS256', () => {
    const decoded = jwt.decode(signSessionJwt({ ...USER }, KEY, 60), { complete: true });
    expect(decoded?.header.alg).toBe('HS256');
    expect(decoded?.payload).toEqual({ ...USER, iat: expect.any(Number), exp: expect.any(Number) });
  });
});
