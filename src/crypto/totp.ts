import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as every authenticator app
 * reads them: HMAC-SHA-1, 6 digits, 30-second steps. Pure functions of the secret and the
 * time; remembering which step was last used (replay refusal) is the caller's job.
 */
export const TOTP_DIGITS = 6;
export const TOTP_STEP_SECONDS = 30;
/** Steps either side of now that are still accepted: phones and servers drift a little. */
export const TOTP_WINDOW = 1;
/** 160 bits, the HMAC-SHA-1 block-size recommendation of RFC 4226 §4. */
export const TOTP_SECRET_BYTES = 20;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as otpauth:// links carry secrets. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Base32 as people type it (any case, spaces, trailing `=`); null when it is not base32. */
export function base32Decode(text: string): Buffer | null {
  const clean = text.replace(/[\s=]+/g, '').toUpperCase();
  if (clean.length === 0 || !/^[A-Z2-7]+$/.test(clean)) return null;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    buffer = (buffer << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 255);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** RFC 4226 §5.3: HMAC-SHA-1 of the 8-byte big-endian counter, dynamically truncated. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('The HOTP counter must be a whole, non-negative number.');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step a moment falls in. */
export function totpCounter(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);
}

export function totpCode(key: Uint8Array, at: Date, digits = TOTP_DIGITS): string {
  return hotp(key, totpCounter(at), digits);
}

export type TotpMatch = { ok: true; counter: number } | { ok: false; reason: 'WRONG_CODE' | 'REPLAYED' };

/**
 * Checks a code against the steps around `now`. A code for a step at or before `lastUsedCounter`
 * is refused (RFC 6238 §5.2: a code is accepted once), so a code seen over a shoulder or in a
 * log cannot be used again. Every candidate is compared, in constant time, whatever matched.
 */
export function matchTotp(key: Uint8Array, code: string, now: Date, lastUsedCounter: number | null): TotpMatch {
  const given = Buffer.from(code, 'utf8');
  const current = totpCounter(now);
  let matched: number | null = null;
  for (let counter = current - TOTP_WINDOW; counter <= current + TOTP_WINDOW; counter++) {
    if (counter < 0) continue;
    const expected = Buffer.from(hotp(key, counter), 'utf8');
    const equal = expected.length === given.length && timingSafeEqual(expected, given);
    if (equal && matched === null) matched = counter;
  }
  if (matched === null) return { ok: false, reason: 'WRONG_CODE' };
  if (lastUsedCounter !== null && matched <= lastUsedCounter) return { ok: false, reason: 'REPLAYED' };
  return { ok: true, counter: matched };
}

/** A new shared secret from the CSPRNG, base32 as the user types it into the app. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(TOTP_SECRET_BYTES));
}

/** The Key URI Format the apps import: otpauth://totp/Issuer:account?secret=…&issuer=…. */
export function otpauthUrl(options: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.account)}`;
  const query = new URLSearchParams({
    secret: options.secret,
    issuer: options.issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
