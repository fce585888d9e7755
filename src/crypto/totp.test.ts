import { generateSync, verifySync } from 'otplib';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, generateTotpSecret, hotp, matchTotp, otpauthUrl, totpCode, totpCounter } from './totp.js';

/** The shared secret of the RFC 4226 and RFC 6238 (SHA-1) test vectors. */
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');

describe('hotp', () => {
  it('gives the RFC 4226 appendix D values for counters 0 to 9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
  });

  it('refuses a counter that is not a whole, non-negative number', () => {
    for (const counter of [-1, 1.5, Number.NaN]) expect(() => hotp(RFC_KEY, counter)).toThrow(RangeError);
  });
});

describe('totpCode', () => {
  it('gives the RFC 6238 appendix B SHA-1 values (8 digits)', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1_111_111_109, '07081804'],
      [1_111_111_111, '14050471'],
      [1_234_567_890, '89005924'],
      [2_000_000_000, '69279037'],
      [20_000_000_000, '65353130'],
    ];
    for (const [seconds, code] of vectors) expect(totpCode(RFC_KEY, new Date(seconds * 1000), 8), String(seconds)).toBe(code);
  });

  it('agrees with an independent implementation (otplib) on fresh secrets', () => {
    for (let i = 0; i < 20; i++) {
      const secret = generateTotpSecret();
      const at = new Date(Date.UTC(2030, 0, 1) + i * 7_919_000);
      const ours = totpCode(base32Decode(secret)!, at);
      expect(ours).toBe(generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) }));
      expect(verifySync({ secret, token: ours, epoch: Math.floor(at.getTime() / 1000) }).valid).toBe(true);
    }
  });
});

describe('matchTotp', () => {
  const now = new Date(Date.UTC(2031, 5, 1, 12, 0, 10));
  const step = totpCounter(now);

  it('accepts the code of the current step and of one step either side, and says which', () => {
    for (const offset of [-1, 0, 1]) {
      const code = hotp(RFC_KEY, step + offset);
      expect(matchTotp(RFC_KEY, code, now, null)).toEqual({ ok: true, counter: step + offset });
    }
  });

  it('refuses codes two steps away, wrong codes and malformed ones', () => {
    for (const code of [hotp(RFC_KEY, step - 2), hotp(RFC_KEY, step + 2), '000000x', '', '12345', ` ${hotp(RFC_KEY, step)}`]) {
      // A code two steps away may collide with a near one by chance; skip that rare case.
      if ([-1, 0, 1].some((o) => hotp(RFC_KEY, step + o) === code)) continue;
      expect(matchTotp(RFC_KEY, code, now, null)).toEqual({ ok: false, reason: 'WRONG_CODE' });
    }
  });

  it('accepts a code once: its step and every earlier one are refused as replayed', () => {
    const code = hotp(RFC_KEY, step);
    expect(matchTotp(RFC_KEY, code, now, step)).toEqual({ ok: false, reason: 'REPLAYED' });
    expect(matchTotp(RFC_KEY, hotp(RFC_KEY, step - 1), now, step)).toEqual({ ok: false, reason: 'REPLAYED' });
    expect(matchTotp(RFC_KEY, hotp(RFC_KEY, step + 1), now, step)).toEqual({ ok: true, counter: step + 1 });
  });
});

describe('base32', () => {
  it('encodes the RFC 4648 test vectors (without padding) and decodes them back', () => {
    const vectors: [string, string][] = [
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded)?.toString()).toBe(plain);
    }
  });

  it('reads a secret the way people type it: any case, grouped, padded', () => {
    expect(base32Decode('mzxw 6ytb oi======')?.toString()).toBe('foobar');
  });

  it('refuses text that is not base32', () => {
    for (const text of ['', 'MZXW1', 'MZ!W', '====']) expect(base32Decode(text)).toBeNull();
  });
});

describe('generateTotpSecret and otpauthUrl', () => {
  it('makes 160-bit secrets that differ every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateTotpSecret));
    expect(secrets.size).toBe(50);
    for (const s of secrets) expect(base32Decode(s)).toHaveLength(20);
  });

  it('writes the Key URI Format authenticator apps import', () => {
    const url = new URL(otpauthUrl({ issuer: 'Latchkey acme', account: 'ann@example.com', secret: 'JBSWY3DPEHPK3PXP' }));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Latchkey acme:ann@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'Latchkey acme', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});
