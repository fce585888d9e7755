import { randomBytes } from 'node:crypto';
import {
  ACCESS_KEY_ID_PREFIX,
  ACCESS_KEY_ID_RANDOM_LENGTH,
  BASE32_ALPHABET,
  BASE62_ALPHABET,
  ID_PREFIXES,
  OBJECT_ID_RANDOM_LENGTH,
  SECRET_LENGTH,
  type IdKind,
} from '../core/key-format.js';

/** Uniform characters from the CSPRNG: rejection sampling so no character is more likely. */
export function randomString(alphabet: string, length: number): string {
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

/** Opaque tokens (session cookies, CSRF tokens): 32 bytes, base64url. */
export function generateOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A password a person can type once: 20 base62 characters (≈119 bits). */
export function generatePassword(): string {
  return randomString(BASE62_ALPHABET, 20);
}
