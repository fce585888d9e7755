import { describe, expect, it } from 'vitest';
import { generateAccessKeyId, generateSecret } from '../crypto/random.js';
import { crc32 } from './crc32.js';
import {
  ACCESS_KEY_ID_PATTERN,
  BASE62_ALPHABET,
  SECRET_LENGTH,
  TOKEN_PREFIX,
  buildCopyText,
  buildToken,
  encodeBase62Fixed,
  isAccessKeyId,
  isSecret,
  objectIdPattern,
  parseToken,
} from './key-format.js';

const ID = 'LKABCDEFGHIJKLMNOPQR';
const SECRET = 'abcdefghijABCDEFGHIJ0123456789klmnopqrst';

describe('access key ID', () => {
  it('starts with LK and has 18 upper-case base32 characters', () => {
    expect(isAccessKeyId(ID)).toBe(true);
    expect(isAccessKeyId('LK234567234567234567')).toBe(true);
    expect(new RegExp(ACCESS_KEY_ID_PATTERN).test(ID)).toBe(true);
  });

  it('refuses a wrong prefix, length or alphabet', () => {
    expect(isAccessKeyId('AKABCDEFGHIJKLMNOPQR')).toBe(false);
    expect(isAccessKeyId('LKABCDEFGHIJKLMNOPQ')).toBe(false);
    expect(isAccessKeyId('LKABCDEFGHIJKLMNOPQRS')).toBe(false);
    expect(isAccessKeyId('lkabcdefghijklmnopqr')).toBe(false);
    expect(isAccessKeyId('LKABCDEFGHIJKLMNOPQ1')).toBe(false); // 1 is not base32
    expect(isAccessKeyId('LKABCDEFGHIJKLMNOPQ8')).toBe(false);
    expect(isAccessKeyId(' LKABCDEFGHIJKLMNOPQR')).toBe(false);
    expect(isAccessKeyId('')).toBe(false);
    expect(isAccessKeyId('LKABCDEFGHIJKLMNOPQ\u00c1')).toBe(false);
  });

  it('agrees with the pattern the API checks path parameters with', () => {
    const pattern = new RegExp(ACCESS_KEY_ID_PATTERN);
    for (const id of [ID, 'LK234567234567234567', 'LKABCDEFGHIJKLMNOPQ1', 'LKABCDEFGHIJKLMNOPQ', 'AKABCDEFGHIJKLMNOPQR', 'LKabcdefghijklmnopqr', `${ID}A`, generateAccessKeyId()]) {
      expect(isAccessKeyId(id), id).toBe(pattern.test(id));
    }
  });

  it('is safe in URLs and HTTP headers as it is', () => {
    for (let i = 0; i < 200; i++) {
      const id = generateAccessKeyId();
      expect(isAccessKeyId(id)).toBe(true);
      expect(encodeURIComponent(id)).toBe(id);
      expect(id).toMatch(/^[\x21-\x7e]+$/);
    }
  });
});

describe('secret', () => {
  it('is 40 base62 characters, which holds at least 160 bits', () => {
    expect(SECRET_LENGTH * Math.log2(BASE62_ALPHABET.length)).toBeGreaterThanOrEqual(160);
    expect(new Set(BASE62_ALPHABET).size).toBe(62);
    expect(isSecret(SECRET)).toBe(true);
    expect(isSecret(generateSecret())).toBe(true);
  });

  it('refuses other lengths and characters', () => {
    expect(isSecret(SECRET.slice(1))).toBe(false);
    expect(isSecret(`${SECRET}a`)).toBe(false);
    expect(isSecret(`${SECRET.slice(1)}-`)).toBe(false);
    expect(isSecret(`${SECRET.slice(1)}_`)).toBe(false);
    expect(isSecret(`${SECRET.slice(1)}\u00e9`)).toBe(false);
    expect(isSecret(`${SECRET.slice(1)}\u0130`)).toBe(false);
  });
});

describe('base62 checksum encoding', () => {
  it('writes numbers as fixed-width base62', () => {
    expect(encodeBase62Fixed(0, 6)).toBe('000000');
    expect(encodeBase62Fixed(61, 6)).toBe('00000z');
    expect(encodeBase62Fixed(62, 6)).toBe('000010');
    expect(encodeBase62Fixed(0xffffffff, 6)).toBe('4gfFC3');
  });
});

describe('bearer token', () => {
  it('carries the key ID and the secret behind a fixed prefix and round-trips', () => {
    const token = buildToken(ID, SECRET);
    expect(token.startsWith(`${TOKEN_PREFIX}${ID}_${SECRET}`)).toBe(true);
    expect(parseToken(token)).toEqual({ ok: true, accessKeyId: ID, secret: SECRET });
  });

  it('ends with the CRC-32 of everything before it', () => {
    const token = buildToken(ID, SECRET);
    const body = `lk_${ID}_${SECRET}`;
    expect(token).toBe(body + encodeBase62Fixed(crc32(body), 6));
  });

  it('still accepts a token issued before the checksum moved to zlib.crc32', () => {
    const issued = 'lk_LKABCDEFGHIJKLMNOPQR_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd3NDo8V';
    expect(parseToken(issued)).toEqual({ ok: true, accessKeyId: 'LKABCDEFGHIJKLMNOPQR', secret: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd' });
    expect(buildToken('LKABCDEFGHIJKLMNOPQR', '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd')).toBe(issued);
  });

  it('round-trips freshly generated keys', () => {
    for (let i = 0; i < 100; i++) {
      const id = generateAccessKeyId();
      const secret = generateSecret();
      expect(parseToken(buildToken(id, secret))).toEqual({ ok: true, accessKeyId: id, secret });
    }
  });

  it('rejects any single mistyped character with BAD_CHECKSUM or BAD_SHAPE, never ok', () => {
    const token = buildToken(ID, SECRET);
    for (let i = 0; i < token.length; i++) {
      for (const c of `${BASE62_ALPHABET}_`) {
        if (c === token[i]) continue;
        const typo = token.slice(0, i) + c + token.slice(i + 1);
        const parsed = parseToken(typo);
        expect(parsed.ok, `typo at ${i}: ${typo}`).toBe(false);
      }
    }
  });

  it('answers BAD_CHECKSUM for a well-shaped token whose secret or checksum was changed', () => {
    const token = buildToken(ID, SECRET);
    const otherSecret = token.replace(SECRET, `X${SECRET.slice(1)}`);
    expect(parseToken(otherSecret)).toEqual({ ok: false, reason: 'BAD_CHECKSUM' });
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    expect(parseToken(token.slice(0, -1) + last)).toEqual({ ok: false, reason: 'BAD_CHECKSUM' });
  });

  it('answers BAD_CHECKSUM when two neighbouring characters are swapped', () => {
    const token = buildToken(ID, SECRET);
    const i = token.indexOf(SECRET) + 3;
    const swapped = token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2);
    expect(parseToken(swapped)).toEqual({ ok: false, reason: 'BAD_CHECKSUM' });
  });

  it('answers BAD_SHAPE for truncated, extended, re-prefixed and garbage tokens', () => {
    const token = buildToken(ID, SECRET);
    const bad = [
      token.slice(0, -1),
      `${token}a`,
      `${token}\n`,
      ` ${token.slice(1)}`,
      `gh_${token.slice(3)}`,
      `LK_${token.slice(3)}`,
      token.replace(`${ID}_`, `${ID}-`),
      token.replace(ID, ID.toLowerCase()),
      'x'.repeat(token.length),
      '',
      'lk_',
      `lk_${ID}_${SECRET}`,
    ];
    for (const value of bad) expect(parseToken(value), value).toEqual({ ok: false, reason: 'BAD_SHAPE' });
  });

  it('answers BAD_SHAPE when the checksum holds characters outside base62', () => {
    const token = buildToken(ID, SECRET);
    expect(parseToken(`${token.slice(0, -1)}-`)).toEqual({ ok: false, reason: 'BAD_SHAPE' });
  });
});

describe('copy text', () => {
  it('is exactly `key:<access key>::<secret key>,tenant id: <tenant ID>`', () => {
    expect(buildCopyText(ID, SECRET, 'tnt_abcdefghijklmnop')).toBe(`key:${ID}::${SECRET},tenant id: tnt_abcdefghijklmnop`);
  });
});

describe('object IDs', () => {
  it('have a kind prefix and 16 lower-case base32 characters', () => {
    const re = new RegExp(objectIdPattern('user'));
    expect(re.test('usr_abcdefghijklmnop')).toBe(true);
    expect(re.test('usr_ABCDEFGHIJKLMNOP')).toBe(false);
    expect(re.test('tnt_abcdefghijklmnop')).toBe(false);
    expect(re.test('usr_abcdefghijklmno')).toBe(false);
  });
});
