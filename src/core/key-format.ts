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

/** The access key ID as a JSON-schema pattern (path parameters); isAccessKeyId checks the same with BASE32_ALPHABET's table. */
export const ACCESS_KEY_ID_PATTERN = `^${ACCESS_KEY_ID_PREFIX}[A-Z2-7]{${ACCESS_KEY_ID_RANDOM_LENGTH}}$`;
const ACCESS_KEY_ID_LENGTH = ACCESS_KEY_ID_PREFIX.length + ACCESS_KEY_ID_RANDOM_LENGTH;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + ACCESS_KEY_ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;

/** Which character codes (below 128) each alphabet has: one table read a character. */
const alphabetTable = (alphabet: string): Uint8Array => {
  const table = new Uint8Array(128);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = 1;
  return table;
};
const IN_BASE32 = alphabetTable(BASE32_ALPHABET);
const IN_BASE62 = alphabetTable(BASE62_ALPHABET);

function allIn(table: Uint8Array, text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || table[code] === 0) return false;
  }
  return true;
}

export function isAccessKeyId(value: string): boolean {
  return value.length === ACCESS_KEY_ID_LENGTH && value.startsWith(ACCESS_KEY_ID_PREFIX) && allIn(IN_BASE32, value, ACCESS_KEY_ID_PREFIX.length, ACCESS_KEY_ID_LENGTH);
}

export function isSecret(value: string): boolean {
  return value.length === SECRET_LENGTH && allIn(IN_BASE62, value, 0, SECRET_LENGTH);
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

const ID_START = TOKEN_PREFIX.length;
const ID_END = ID_START + ACCESS_KEY_ID_LENGTH;
const SECRET_END = ID_END + 1 + SECRET_LENGTH;
const UNDERSCORE = 95;
/** Where a token of TOKEN_LENGTH characters has its access key ID; nothing is checked (parseToken checks). */
export function accessKeyIdOfToken(token: string): string {
  return token.slice(ID_START, ID_END);
}

/**
 * Checks shape and checksum only; the database is never asked about a token that fails here.
 * One pass over the characters (a table read each), no regular expression: it runs on every
 * verification.
 */
export function parseToken(token: string): TokenParse {
  if (
    token.length !== TOKEN_LENGTH ||
    !token.startsWith(TOKEN_PREFIX) ||
    !token.startsWith(ACCESS_KEY_ID_PREFIX, ID_START) ||
    token.charCodeAt(ID_END) !== UNDERSCORE ||
    !allIn(IN_BASE32, token, ID_START + ACCESS_KEY_ID_PREFIX.length, ID_END) ||
    !allIn(IN_BASE62, token, ID_END + 1, TOKEN_LENGTH)
  ) {
    return { ok: false, reason: 'BAD_SHAPE' };
  }
  if (encodeBase62Fixed(crc32(token.slice(0, SECRET_END)), CHECKSUM_LENGTH) !== token.slice(SECRET_END)) return { ok: false, reason: 'BAD_CHECKSUM' };
  return { ok: true, accessKeyId: token.slice(ID_START, ID_END), secret: token.slice(ID_END + 1, SECRET_END) };
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
