import request from 'supertest';
import { Password } from '../../services/password';
import { buildTestApp, setCookies, signin, useTestDatabase } from '../../test/helpers';

useTestDatabase();
const app = buildTestApp();

const signinWith = (body: object) => request(app).post('/api/users/signin').send(body);

describe('POST /api/users/signin', () => {
  it('when the credentials are right, then 200 with id and email and a session cookie', async () => {
    const signupRes = await request(app)
      .post('/api/users/signup')
      .send({ email: 'test@test.com', password: 'password' })
      .expect(201);
    const res = await signinWith({ email: 'test@test.com', password: 'password' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: signupRes.body.id, email: 'test@test.com' });
    expect(setCookies(res).some((c) => c.startsWith('session='))).toBe(true);
  });

  it('when the email differs in case and spaces, then the user still signs in', async () => {
    await signin(app, 'a@test.com');
    const res = await signinWith({ email: '  A@TEST.com', password: 'password' });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('a@test.com');
  });

  it('when the email is invalid, then 400 "Email must be valid" on field email', async () => {
    const res = await signinWith({ email: 'nope', password: 'password' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Email must be valid', field: 'email' }] });
  });

  it('when the password is missing or blank, then 400 "You must supply a password" on field password', async () => {
    for (const password of [undefined, '', '   ', 7]) {
      const res = await signinWith({ email: 'test@test.com', password });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'You must supply a password', field: 'password' }],
      });
    }
  });

  it('when the email is unknown or the password wrong, then both get the same 400 "Invalid credentials" and no cookie', async () => {
    await signin(app, 'known@test.com');
    const unknown = await signinWith({ email: 'unknown@test.com', password: 'password' });
    const wrong = await signinWith({ email: 'known@test.com', password: 'wrong-password' });
    for (const res of [unknown, wrong]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Invalid credentials' }] });
      expect(res.get('Set-Cookie')).toBeUndefined();
    }
    expect(unknown.text).toBe(wrong.text);
  });

  it('when the email is unknown, then a password hash is still compared (the answer costs the same scrypt)', async () => {
    const compare = jest.spyOn(Password, 'compare');
    try {
      await signinWith({ email: 'unknown@test.com', password: 'password' }).expect(400);
      expect(compare).toHaveBeenCalledTimes(1);
      expect(await compare.mock.results[0]?.value).toBe(false);
    } finally {
      compare.mockRestore();
    }
  });
});
