import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, dummyPasswordHash, hashPassword, isAcceptablePassword, verifyPassword } from './password.js';

// OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB, t=2, p=1.
const OWASP_ARGON2ID = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

describe('password hashing', () => {
  it('uses argon2id with the OWASP parameters', async () => {
    expect(await hashPassword('correct horse battery staple')).toMatch(OWASP_ARGON2ID);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(stored, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('salts each hash, so the same password never hashes the same twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword(b, 'same password here')).toBe(true);
  });

  it('handles non-ASCII passwords', async () => {
    const stored = await hashPassword('pässwörd-密码-🔑-long');
    expect(await verifyPassword(stored, 'pässwörd-密码-🔑-long')).toBe(true);
    expect(await verifyPassword(stored, 'passwörd-密码-🔑-long')).toBe(false);
  });

  it('answers false, never throws, for a damaged stored hash', async () => {
    for (const stored of ['', 'not a hash', '$argon2id$v=19$m=19456,t=2,p=1$broken']) {
      await expect(verifyPassword(stored, 'whatever password')).resolves.toBe(false);
    }
  });

  it('keeps a dummy hash for unknown users that is a real argon2id hash no password matches by chance', async () => {
    const dummy = await dummyPasswordHash();
    expect(dummy).toMatch(OWASP_ARGON2ID);
    expect(await dummyPasswordHash()).toBe(dummy);
    expect(await verifyPassword(dummy, 'correct horse battery staple')).toBe(false);
  });
});

describe('isAcceptablePassword', () => {
  it('accepts 12 to 256 characters', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_LENGTH).toBe(256);
    expect(isAcceptablePassword('a'.repeat(12))).toBe(true);
    expect(isAcceptablePassword('a'.repeat(256))).toBe(true);
  });

  it('refuses shorter and longer passwords', () => {
    expect(isAcceptablePassword('a'.repeat(11))).toBe(false);
    expect(isAcceptablePassword('')).toBe(false);
    expect(isAcceptablePassword('a'.repeat(257))).toBe(false);
  });
});
