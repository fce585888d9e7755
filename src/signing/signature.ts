/**
 * The last step of both schemes: HMAC-SHA256 of the string to sign under the signing key,
 * compared with the request's signature in constant time (timingSafeEqual on equal-length
 * buffers: the time does not depend on where they differ).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { signingFailure, type SigningFailure } from './signing-failure.js';

export interface Signed {
  accessKeyId: string;
  stringToSign: string;
  /** 64 lower-case hex digits, checked by the parser. */
  signature: string;
}

export function compareSignature(parsed: Signed, signingKey: Uint8Array): { ok: true } | SigningFailure {
  const expected = createHmac('sha256', signingKey).update(parsed.stringToSign, 'utf8').digest();
  const given = Buffer.from(parsed.signature, 'hex');
  // Lengths are public (always 32 bytes from the parsers); only the content is compared in constant time.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return signingFailure('SIGNATURE_MISMATCH', parsed.accessKeyId);
  return { ok: true };
}
