import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceTokens } from './device-token.js';
import { MasterKeyring } from './keyring.js';

const t0 = 1_900_000_000_000;
const YEAR = 365 * 86_400_000;

describe('DeviceTokens', () => {
  const master = randomBytes(32);
  const tokens = new DeviceTokens(master);

  it('knows a token it issued, for that user, until it expires', () => {
    const token = tokens.issue('usr_owner', t0 + YEAR);
    expect(tokens.isKnown(token, 'usr_owner', t0)).toBe(true);
    expect(tokens.isKnown(token, 'usr_owner', t0 + YEAR - 1)).toBe(true);
    expect(tokens.isKnown(token, 'usr_owner', t0 + YEAR)).toBe(false);
  });

  it('is cookie-safe, names no user and differs each time', () => {
    const a = tokens.issue('usr_owner', t0 + YEAR);
    const b = tokens.issue('usr_owner', t0 + YEAR);
    expect(a).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(a).not.toContain('usr_owner');
    expect(a).not.toBe(b);
  });

  it('refuses it for another user, under another master key, or changed in any part', () => {
    const token = tokens.issue('usr_owner', t0 + YEAR);
    expect(tokens.isKnown(token, 'usr_other', t0)).toBe(false);
    expect(new DeviceTokens(randomBytes(32)).isKnown(token, 'usr_owner', t0)).toBe(false);
    const [nonce, expires, mac] = token.split('.') as [string, string, string];
    const flip = (s: string) => `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`;
    expect(tokens.isKnown(`${flip(nonce)}.${expires}.${mac}`, 'usr_owner', t0)).toBe(false);
    expect(tokens.isKnown(`${nonce}.${Number(expires) + YEAR}.${mac}`, 'usr_owner', t0)).toBe(false);
    expect(tokens.isKnown(`${nonce}.${expires}.${flip(mac)}`, 'usr_owner', t0)).toBe(false);
  });

  it('refuses malformed values without throwing', () => {
    for (const value of [undefined, '', 'garbage', 'a.b.c', `${'x'.repeat(43)}.1.${'y'.repeat(10)}`, `${'x'.repeat(5000)}`]) {
      expect(tokens.isKnown(value, 'usr_owner', t0)).toBe(false);
    }
  });
});

describe('DeviceTokens under a master keyring (rotation)', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('knows cookies made under any key of the keyring, makes new ones under the current key, and forgets the old ones once the old key is retired', () => {
    const before = new DeviceTokens(oldKey).issue('usr_owner', t0 + YEAR);
    const during = new DeviceTokens(new MasterKeyring([newKey, oldKey]));
    expect(during.isKnown(before, 'usr_owner', t0)).toBe(true);
    expect(during.isKnown(before, 'usr_other', t0)).toBe(false);
    const made = during.issue('usr_owner', t0 + YEAR);
    const after = new DeviceTokens(newKey);
    expect(after.isKnown(made, 'usr_owner', t0)).toBe(true);
    expect(after.isKnown(before, 'usr_owner', t0)).toBe(false);
  });
});
