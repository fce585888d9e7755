import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MasterKeyring } from './keyring.js';
import { emailCodeDigest, emailCodeMatches, generateEmailCode } from './one-time-code.js';

describe('email codes', () => {
  it('are 6 digits, leading zeros kept, and spread over the whole range', () => {
    const codes = Array.from({ length: 2000 }, generateEmailCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    // Each first digit should turn up (about 200 times each); a broken generator would skew this.
    const firstDigits = new Set(codes.map((c) => c[0]));
    expect(firstDigits.size).toBe(10);
  });

  it('match only their own digest, under the same master key and binding', () => {
    const masterKey = randomBytes(32);
    const digest = emailCodeDigest(masterKey, 'session-a', '012345');
    expect(digest).not.toContain('012345');
    expect(emailCodeMatches(masterKey, 'session-a', '012345', digest)).toBe(true);
    expect(emailCodeMatches(masterKey, 'session-a', '012346', digest)).toBe(false);
    expect(emailCodeMatches(masterKey, 'session-b', '012345', digest)).toBe(false);
    expect(emailCodeMatches(randomBytes(32), 'session-a', '012345', digest)).toBe(false);
    expect(emailCodeMatches(masterKey, 'session-a', '012345', '')).toBe(false);
  });
});

describe('email codes under a master keyring (rotation)', () => {
  it('a digest made under the old key still matches while the old key is in the keyring; new digests use the current key', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const ring = new MasterKeyring([newKey, oldKey]);
    const before = emailCodeDigest(oldKey, 'session-a', '424242');
    expect(emailCodeMatches(ring, 'session-a', '424242', before)).toBe(true);
    expect(emailCodeMatches(ring, 'session-a', '424243', before)).toBe(false);
    const during = emailCodeDigest(ring, 'session-a', '424242');
    expect(during).toBe(emailCodeDigest(newKey, 'session-a', '424242'));
    expect(emailCodeMatches(newKey, 'session-a', '424242', before)).toBe(false);
  });
});
