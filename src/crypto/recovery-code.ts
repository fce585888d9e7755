import { createHmac, hkdfSync } from 'node:crypto';
import { BASE32_ALPHABET } from '../core/key-format.js';
import { randomString } from './random.js';

/**
 * Authenticator recovery codes: 10 per user, each 10 base32 characters (50 bits from the
 * CSPRNG), shown as `abcde-fghij`. Only a keyed digest is stored (HMAC under a key derived from
 * the master key, bound to the user), so a copy of the database cannot be searched for them.
 */
export const RECOVERY_CODE_COUNT = 10;
const CODE_LENGTH = 10;
const ALPHABET = BASE32_ALPHABET.toLowerCase();

export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = randomString(ALPHABET, CODE_LENGTH);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

/** What a person typed, as stored: case, spaces and dashes do not matter. Null when it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | null {
  const raw = input.replace(/[\s-]+/g, '').toLowerCase();
  return raw.length === CODE_LENGTH && [...raw].every((c) => ALPHABET.includes(c)) ? raw : null;
}

/**
 * The key recovery-code digests are made with, derived from a master key. Digests cannot be
 * made again without the codes, so a master-key rotation keeps the code key of the retired key,
 * sealed under the new one (see master-key-rotation.ts), and codes keep working.
 */
export function recoveryCodeKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'latchkey:recovery-code', 32));
}

/** The stored form of a (normalized) code of this user. */
export function recoveryCodeDigest(masterKey: Buffer, userId: string, normalized: string): string {
  return recoveryCodeDigestWith(recoveryCodeKey(masterKey), userId, normalized);
}

/** The same, with a code key (see recoveryCodeKey). */
export function recoveryCodeDigestWith(codeKey: Buffer, userId: string, normalized: string): string {
  return createHmac('sha256', codeKey).update(`${userId}\n${normalized}`).digest('hex');
}

/** Meta-table names (`<prefix><master key ID>`) of the code keys of retired master keys, each sealed under the keyring's current key. */
export const RETIRED_RECOVERY_CODE_KEY = 'recovery_code_key:';

/** What a retired master key's code key is sealed bound to (see sealValue). */
export function retiredRecoveryCodeKeyBinding(keyId: string): string {
  return `recovery-code-key:${keyId}`;
}
