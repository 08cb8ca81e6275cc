import request from 'supertest';
import { User } from '../../models/user';
import { buildTestApp, setCookies, useTestDatabase } from '../../test/helpers';

useTestDatabase();
const app = buildTestApp();

const signup = (body: object) => request(app).post('/api/users/signup').send(body);

describe('POST /api/users/signup', () => {
  it('when the email and password are valid, then it answers 201 with id and email and sets a session cookie', async () => {
    const res = await signup({ email: 'test@test.com', password: 'password' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), email: 'test@test.com' });
    expect(setCookies(res).some((c) => c.startsWith('session='))).toBe(true);
    const stored = await User.findById(res.body.id);
    expect(stored?.email).toBe('test@test.com');
  });

  it('when the email is invalid, then 400 "Email must be valid" on field email', async () => {
    const res = await signup({ email: 'not-an-email', password: 'password' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Email must be valid', field: 'email' }] });
    expect(await User.countDocuments()).toBe(0);
  });

  it('when the email is missing or not a string, then 400 "Email must be valid"', async () => {
    for (const email of [undefined, 42, ['a@test.com'], { $gt: '' }]) {
      const res = await signup({ email, password: 'password' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Email must be valid', field: 'email' }] });
    }
  });

  it('when the password is too short, too long or only spaces around 3 chars, then 400 with the password message', async () => {
    for (const password of ['abc', 'a'.repeat(21), '   abc   ', undefined, 12345]) {
      const res = await signup({ email: 'test@test.com', password });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'Password must be between 4 and 20 characters', field: 'password' }],
      });
    }
    expect(await User.countDocuments()).toBe(0);
  });

  it('when both fields are missing, then one error per field', async () => {
    const res = await signup({});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'Email must be valid', field: 'email' },
      { message: 'Password must be between 4 and 20 characters', field: 'password' },
    ]);
  });

  it('when the email is already used, then 400 "Email in use" on field email', async () => {
    await signup({ email: 'test@test.com', password: 'password' }).expect(201);
    const res = await signup({ email: 'test@test.com', password: 'other-password' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Email in use', field: 'email' }] });
  });

  it('when the same email differs only in case and spaces, then it is the same user', async () => {
    const first = await signup({ email: ' A@Test.com ', password: 'password' });
    expect(first.status).toBe(201);
    expect(first.body.email).toBe('a@test.com');
    const second = await signup({ email: 'a@test.com', password: 'password' });
    expect(second.status).toBe(400);
    expect(second.body.errors).toEqual([{ message: 'Email in use', field: 'email' }]);
    expect(await User.countDocuments()).toBe(1);
  });

  it('when 10 signups with one email race, then exactly one is 201, the rest 400 "Email in use", and one user is stored', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => signup({ email: 'race@test.com', password: 'password' })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    for (const res of responses.filter((r) => r.status === 400)) {
      expect(res.body).toEqual({ errors: [{ message: 'Email in use', field: 'email' }] });
    }
    expect(await User.countDocuments({ email: 'race@test.com' })).toBe(1);
  });

  it('when another signup inserts the email between the check and the save, then the duplicate-key error becomes 400 "Email in use", never 500', async () => {
    await signup({ email: 'test@test.com', password: 'password' }).expect(201);
    // Reproduces the race window deterministically: the check sees no user.
    const exists = jest.spyOn(User, 'exists').mockResolvedValueOnce(null);
    try {
      const res = await signup({ email: 'test@test.com', password: 'password' });
      expect(exists).toHaveBeenCalled();
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Email in use', field: 'email' }] });
    } finally {
      exists.mockRestore();
    }
    expect(await User.countDocuments()).toBe(1);
  });

  it('when a user signs up, then the stored password is a salted scrypt hash that never appears in the response', async () => {
    const res = await signup({ email: 'test@test.com', password: 'password' });
    const stored = await User.findOne({ email: 'test@test.com' });
    const hash = stored?.password ?? '';
    expect(hash).toMatch(/^[0-9a-f]{128}\.[0-9a-f]{32}$/);
    expect(res.text).not.toContain(hash.split('.')[0]);
    expect(res.text).not.toContain('password');
    expect(Object.keys(res.body).sort()).toEqual(['email', 'id']);
  });

  it('when the password has spaces around it, then it is stored trimmed', async () => {
    await signup({ email: 'test@test.com', password: '  secret  ' }).expect(201);
    const res = await request(app)
      .post('/api/users/signin')
      .send({ email: 'test@test.com', password: 'secret' });
    expect(res.status).toBe(200);
  });
});
