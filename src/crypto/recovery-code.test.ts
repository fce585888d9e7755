import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeDigest } from './recovery-code.js';

describe('recovery codes', () => {
  it('are 10 distinct codes of 10 base32 characters, shown in two halves', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
  });

  it('read what a person types, whatever the case, spaces and dashes, and refuse anything else', () => {
    expect(normalizeRecoveryCode(' ABCDE-fgh23 ')).toBe('abcdefgh23');
    expect(normalizeRecoveryCode('abcde fgh23')).toBe('abcdefgh23');
    expect(normalizeRecoveryCode('abcde-fgh2')).toBeNull();
    expect(normalizeRecoveryCode('abcde-fgh21')).toBeNull();
    expect(normalizeRecoveryCode('123456')).toBeNull();
  });

  it('are stored as a digest bound to the master key and the user', () => {
    const key = randomBytes(32);
    const digest = recoveryCodeDigest(key, 'usr_a', 'abcdefgh23');
    expect(digest).not.toContain('abcdefgh23');
    expect(recoveryCodeDigest(key, 'usr_a', 'abcdefgh23')).toBe(digest);
    expect(recoveryCodeDigest(key, 'usr_b', 'abcdefgh23')).not.toBe(digest);
    expect(recoveryCodeDigest(randomBytes(32), 'usr_a', 'abcdefgh23')).not.toBe(digest);
  });
});
