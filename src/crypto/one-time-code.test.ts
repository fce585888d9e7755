import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
