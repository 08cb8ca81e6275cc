import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const SALT_BYTES = 16;
const KEY_BYTES = 64;
// Node's defaults (N=2^14, r=8, p=1), written down so a stored hash never depends on them.
const SCRYPT_OPTIONS: ScryptOptions = { N: 16_384, r: 8, p: 1 };

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, SCRYPT_OPTIONS, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** scrypt password hashing; a stored hash is `<hex key>.<hex salt>`. */
export const Password = {
  async toHash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt);
    return `${key.toString('hex')}.${salt.toString('hex')}`;
  },

  /** Constant-time comparison; a malformed stored hash never matches. */
  async compare(storedHash: string, supplied: string): Promise<boolean> {
    const [keyHex, saltHex] = storedHash.split('.');
    const stored = Buffer.from(keyHex ?? '', 'hex');
    const salt = Buffer.from(saltHex ?? '', 'hex');
    const wellFormed = stored.length === KEY_BYTES && salt.length === SALT_BYTES;
    // Derive even for a malformed hash, so the time taken says nothing about it.
    const key = await derive(supplied, wellFormed ? salt : randomBytes(SALT_BYTES));
    return wellFormed && timingSafeEqual(stored, key);
  },
};

let dummyHash: Promise<string> | undefined;

/**
 * A hash of no one's password. Signing in with an unknown email compares against it,
 * so that answer takes as long as a wrong password does.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= Password.toHash(randomBytes(16).toString('hex'));
  return dummyHash;
}
