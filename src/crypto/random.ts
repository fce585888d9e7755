import { randomBytes } from 'node:crypto';
import { ACCESS_KEY_ID_PREFIX, ACCESS_KEY_ID_RANDOM_LENGTH, BASE32_ALPHABET, BASE62_ALPHABET, ID_PREFIXES, OBJECT_ID_RANDOM_LENGTH, SECRET_LENGTH, type IdKind } from '../core/key-format.js';

/** Uniform characters from the CSPRNG: rejection sampling so no character is more likely. */
export function randomString(alphabet: string, length: number): string {
  // Outside these bounds the sampling loop below would never finish.
  if (alphabet.length < 2 || alphabet.length > 256) throw new RangeError('randomString needs an alphabet of 2 to 256 characters.');
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('randomString needs a whole, non-negative length.');
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateAccessKeyId(): string {
  return ACCESS_KEY_ID_PREFIX + randomString(BASE32_ALPHABET, ACCESS_KEY_ID_RANDOM_LENGTH);
}

/** 40 base62 characters: log2(62) × 40 ≈ 238 bits. */
export function generateSecret(): string {
  return randomString(BASE62_ALPHABET, SECRET_LENGTH);
}

export function generateId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomString(BASE32_ALPHABET.toLowerCase(), OBJECT_ID_RANDOM_LENGTH)}`;
}

/** Opaque tokens (session cookies): 32 bytes, base64url. */
export function generateOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A password a person can type once: 20 base62 characters (≈119 bits). */
export function generatePassword(): string {
  return randomString(BASE62_ALPHABET, 20);
}

/** The characters of lower-case base32 in byte order, so that text order is number order. */
const SORTABLE_BASE32 = [...BASE32_ALPHABET.toLowerCase()].sort().join('');
const TIME_CHARS = 9; // 45 bits of epoch milliseconds: enough until the year 3084
const SEQUENCE_CHARS = OBJECT_ID_RANDOM_LENGTH - TIME_CHARS; // 35 bits
const SEQUENCE_SPAN = 2 ** (SEQUENCE_CHARS * 5);

function base32Fixed(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = SORTABLE_BASE32[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * IDs for rows written by the thousand (access records), in the usual `<prefix>_` + 16 lower-case
 * base32 format: 9 characters of the row's time in epoch milliseconds, then 7 of a sequence that
 * starts at a random point in each process. Rows then arrive at the end of the ID index instead of
 * at random places in it (far fewer pages written per batch), IDs sort by time, and no CSPRNG
 * call is made per row. Two processes can only make the same ID in the same millisecond at the
 * same point of their sequences, which start 35 random bits apart.
 */
export function timeOrderedIdSource(kind: IdKind): (atMs: number) => string {
  const prefix = `${ID_PREFIXES[kind]}_`;
  let sequence = randomBytes(5).readUIntBE(0, 5) % SEQUENCE_SPAN;
  // The prefix and time part of the last millisecond asked for: a busy verifier makes dozens of IDs in each.
  let lastMs = -1;
  let timed = '';
  return (atMs) => {
    const ms = Math.max(0, Math.floor(atMs));
    if (ms !== lastMs) {
      lastMs = ms;
      timed = prefix + base32Fixed(ms, TIME_CHARS);
    }
    sequence = (sequence + 1) % SEQUENCE_SPAN;
    return timed + base32Fixed(sequence, SEQUENCE_CHARS);
  };
}
