import { dummyPasswordHash, Password } from './password';

describe('Password', () => {
  it('when hashing, then the result is hex(key).hex(16-byte salt) and differs every time', async () => {
    const a = await Password.toHash('password');
    const b = await Password.toHash('password');
    expect(a).toMatch(/^[0-9a-f]{128}\.[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('when comparing, then only the same password matches', async () => {
    const hash = await Password.toHash('password');
    expect(await Password.compare(hash, 'password')).toBe(true);
    expect(await Password.compare(hash, 'Password')).toBe(false);
    expect(await Password.compare(hash, '')).toBe(false);
  });

  it('when the stored hash is malformed, then nothing matches and nothing throws', async () => {
    for (const stored of ['', 'abc', 'zz.zz', `${'a'.repeat(128)}.${'b'.repeat(30)}`]) {
      expect(await Password.compare(stored, 'password')).toBe(false);
    }
  });

  it('when asked for the dummy hash, then it is a well-formed hash that matches no usual password', async () => {
    const hash = await dummyPasswordHash();
    expect(hash).toMatch(/^[0-9a-f]{128}\.[0-9a-f]{32}$/);
    expect(await dummyPasswordHash()).toBe(hash);
    expect(await Password.compare(hash, 'password')).toBe(false);
  });
});
