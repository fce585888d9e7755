import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import { constantTimeEqualText } from './digest.js';
import { keyringOf, type MasterKeyring } from './keyring.js';

/**
 * Codes sent by email for step-up verification: 6 digits from the CSPRNG. Only a keyed digest
 * is stored (HMAC under a key derived from the master key, bound to the session), so a copy of
 * the database cannot be searched through the million possible codes.
 */
export const EMAIL_CODE_DIGITS = 6;

export function generateEmailCode(): string {
  return String(randomInt(0, 10 ** EMAIL_CODE_DIGITS)).padStart(EMAIL_CODE_DIGITS, '0');
}

function codeKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'latchkey:step-up-code', 32));
}

/** Made with the current key of the keyring. */
export function emailCodeDigest(masterKey: Buffer | MasterKeyring, binding: string, code: string): string {
  return digestWith(keyringOf(masterKey).current.key, binding, code);
}

function digestWith(key: Buffer, binding: string, code: string): string {
  return createHmac('sha256', codeKey(key)).update(`${binding}\n${code}`).digest('hex');
}

/** Checked under every key of the keyring: a code sent just before a master-key rotation began still works. */
export function emailCodeMatches(masterKey: Buffer | MasterKeyring, binding: string, code: string, storedDigest: string): boolean {
  let matched = false;
  for (const { key } of keyringOf(masterKey).keys) matched = constantTimeEqualText(digestWith(key, binding, code), storedDigest) || matched;
  return matched;
}
