import { describe, expect, it } from 'vitest';
import { BASE32_ALPHABET, BASE62_ALPHABET, ID_PREFIXES, isAccessKeyId, isSecret, objectIdPattern, type IdKind } from '../core/key-format.js';
import { isAcceptablePassword } from './password.js';
import { generateAccessKeyId, generateId, generateOpaqueToken, generatePassword, generateSecret, randomString, timeOrderedIdSource } from './random.js';

const draws = <T>(count: number, draw: () => T): T[] => Array.from({ length: count }, draw);

/** Counts of each alphabet character over many draws; every count must be near the mean. */
function expectEvenSpread(alphabet: string, text: string): void {
  const counts = new Map<string, number>([...alphabet].map((c) => [c, 0]));
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  expect(counts.size).toBe(alphabet.length); // nothing outside the alphabet
  const mean = text.length / alphabet.length;
  // About ±9 standard deviations: a skewed generator fails, a fair one never does in practice.
  for (const [c, n] of counts) {
    expect(n, `character ${c}`).toBeGreaterThan(mean * 0.5);
    expect(n, `character ${c}`).toBeLessThan(mean * 1.5);
  }
}

describe('randomString', () => {
  it('draws exactly the asked length from the alphabet', () => {
    for (const length of [0, 1, 7, 64, 300]) {
      const value = randomString('abc', length);
      expect(value.length).toBe(length);
      expect(value).toMatch(/^[abc]*$/);
    }
  });

  it('refuses an alphabet it cannot draw from, and a length that is not a whole number, instead of hanging', () => {
    expect(() => randomString('', 8)).toThrow(RangeError);
    expect(() => randomString('a', 8)).toThrow(RangeError);
    expect(() => randomString('x'.repeat(257), 8)).toThrow(RangeError);
    expect(() => randomString('abc', -1)).toThrow(RangeError);
    expect(() => randomString('abc', 2.5)).toThrow(RangeError);
  });

  it('uses every character of a base62 alphabet evenly', () => {
    expectEvenSpread(BASE62_ALPHABET, draws(500, () => randomString(BASE62_ALPHABET, 40)).join(''));
  });
});

describe('generateAccessKeyId', () => {
  it('makes valid, unique access key IDs spread over the whole base32 alphabet', () => {
    const ids = draws(5000, generateAccessKeyId);
    for (const id of ids) expect(isAccessKeyId(id), id).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expectEvenSpread(BASE32_ALPHABET, ids.map((id) => id.slice(2)).join(''));
  });
});

describe('generateSecret', () => {
  it('makes 40-character base62 secrets that never repeat', () => {
    const secrets = draws(5000, generateSecret);
    for (const secret of secrets) expect(isSecret(secret), secret).toBe(true);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('generateId', () => {
  it.each(Object.keys(ID_PREFIXES) as IdKind[])('makes unique %s IDs in the documented shape', (kind) => {
    const ids = draws(2000, () => generateId(kind));
    const re = new RegExp(objectIdPattern(kind));
    for (const id of ids) expect(id, id).toMatch(re);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('generateOpaqueToken', () => {
  it('makes 32-byte base64url tokens that never repeat', () => {
    const tokens = draws(2000, generateOpaqueToken);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url').length).toBe(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('generatePassword', () => {
  it('makes 20-character base62 passwords long enough to be accepted', () => {
    const passwords = draws(1000, generatePassword);
    for (const password of passwords) {
      expect(password).toMatch(/^[0-9A-Za-z]{20}$/);
      expect(isAcceptablePassword(password)).toBe(true);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });
});

describe('timeOrderedIdSource', () => {
  const pattern = new RegExp(objectIdPattern('accessRecord'));

  it('makes IDs in the access record format, all different, even many in one millisecond', () => {
    const next = timeOrderedIdSource('accessRecord');
    const at = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 20_000 }, () => next(at));
    for (const id of ids) expect(id).toMatch(pattern);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts IDs by the time they were made for, so new rows go to the end of the ID index', () => {
    const next = timeOrderedIdSource('accessRecord');
    const start = Date.UTC(2026, 10, 23);
    const ids = Array.from({ length: 1_000 }, (_, i) => next(start + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  it("encodes each call's own millisecond, also when calls for different times alternate", () => {
    const next = timeOrderedIdSource('accessRecord');
    const alphabet = [...'abcdefghijklmnopqrstuvwxyz234567'].sort().join('');
    const timeOf = (id: string) => [...id.slice(id.indexOf('_') + 1, id.indexOf('_') + 10)].reduce((n, c) => n * 32 + alphabet.indexOf(c), 0);
    const t1 = Date.UTC(2031, 4, 6, 7, 8, 9, 123);
    const t2 = t1 + 1;
    const times = [t1, t2, t1, t1, t2, 0, t2 + 0.9];
    expect(times.map((t) => timeOf(next(t)))).toEqual([t1, t2, t1, t1, t2, 0, t2]);
  });

  it('two sources (two processes) making IDs for the same millisecond do not collide', () => {
    const a = timeOrderedIdSource('accessRecord');
    const b = timeOrderedIdSource('accessRecord');
    const at = Date.now();
    const ids = [...Array.from({ length: 5_000 }, () => a(at)), ...Array.from({ length: 5_000 }, () => b(at))];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
