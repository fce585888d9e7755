import { crc32 } from './crc32.js';

/**
 * Key material formats.
 *
 * Access key ID: `LK` + 18 chars of RFC 4648 base32 (A–Z, 2–7) — upper case, safe in URLs,
 * headers and SigV4 credential scopes, and recognisable at a glance (like AWS's `AKIA…`).
 * Secret: 40 chars of base62 (≈238 bits from the CSPRNG).
 * Bearer token: `lk_<accessKeyId>_<secret><crc>` where <crc> is the CRC-32 of everything
 * before it in 6 base62 chars (GitHub's token format), so scanners can find leaked tokens and
 * the server rejects typos and garbage without a database query.
 */
export const ACCESS_KEY_ID_PREFIX = 'LK';
export const ACCESS_KEY_ID_RANDOM_LENGTH = 18;
export const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SECRET_LENGTH = 40;
export const TOKEN_PREFIX = 'lk_';
const CHECKSUM_LENGTH = 6;

export const ACCESS_KEY_ID_PATTERN = `^${ACCESS_KEY_ID_PREFIX}[A-Z2-7]{${ACCESS_KEY_ID_RANDOM_LENGTH}}$`;
const ACCESS_KEY_ID_RE = new RegExp(ACCESS_KEY_ID_PATTERN);
const SECRET_RE = new RegExp(`^[0-9A-Za-z]{${SECRET_LENGTH}}$`);
const TOKEN_LENGTH = TOKEN_PREFIX.length + ACCESS_KEY_ID_PREFIX.length + ACCESS_KEY_ID_RANDOM_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;

export function isAccessKeyId(value: string): boolean {
  return ACCESS_KEY_ID_RE.test(value);
}

export function isSecret(value: string): boolean {
  return SECRET_RE.test(value);
}

export function encodeBase62Fixed(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = BASE62_ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

export function buildToken(accessKeyId: string, secret: string): string {
  const body = `${TOKEN_PREFIX}${accessKeyId}_${secret}`;
  return body + encodeBase62Fixed(crc32(body), CHECKSUM_LENGTH);
}

export type TokenParse = { ok: true; accessKeyId: string; secret: string } | { ok: false; reason: 'BAD_SHAPE' | 'BAD_CHECKSUM' };

/** Checks shape and checksum only; the database is never asked about a token that fails here. */
export function parseToken(token: string): TokenParse {
  if (token.length !== TOKEN_LENGTH || !token.startsWith(TOKEN_PREFIX)) return { ok: false, reason: 'BAD_SHAPE' };
  const idEnd = TOKEN_PREFIX.length + ACCESS_KEY_ID_PREFIX.length + ACCESS_KEY_ID_RANDOM_LENGTH;
  const accessKeyId = token.slice(TOKEN_PREFIX.length, idEnd);
  if (token[idEnd] !== '_') return { ok: false, reason: 'BAD_SHAPE' };
  const secret = token.slice(idEnd + 1, idEnd + 1 + SECRET_LENGTH);
  const checksum = token.slice(idEnd + 1 + SECRET_LENGTH);
  if (!isAccessKeyId(accessKeyId) || !isSecret(secret) || !/^[0-9A-Za-z]+$/.test(checksum)) {
    return { ok: false, reason: 'BAD_SHAPE' };
  }
  const body = token.slice(0, idEnd + 1 + SECRET_LENGTH);
  if (encodeBase62Fixed(crc32(body), CHECKSUM_LENGTH) !== checksum) return { ok: false, reason: 'BAD_CHECKSUM' };
  return { ok: true, accessKeyId, secret };
}

/** The copy format of seed 001. */
export function buildCopyText(accessKeyId: string, secret: string, tenantId: string): string {
  return `key:${accessKeyId}::${secret},tenant id: ${tenantId}`;
}

/** Object identifiers other than access keys: `<prefix>_` + 16 lower-case base32 chars. */
export const ID_PREFIXES = {
  tenant: 'tnt',
  user: 'usr',
  role: 'rol',
  group: 'grp',
  accessRecord: 'acr',
  auditEvent: 'aud',
  notification: 'ntf',
  mail: 'mal',
  keyLeak: 'lek',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;
export const OBJECT_ID_RANDOM_LENGTH = 16;

export function objectIdPattern(kind: IdKind): string {
  return `^${ID_PREFIXES[kind]}_[a-z2-7]{${OBJECT_ID_RANDOM_LENGTH}}$`;
}
