/**
 * The last step of both schemes: HMAC-SHA256 of the string to sign under the signing key,
 * compared with the request's signature in constant time (as hex text of one length: the time
 * does not depend on where they differ).
 */
import { constantTimeEqualText } from '../crypto/digest.js';
import { hmacSha256Hex } from '../crypto/hmac.js';
import { signingFailure, type SigningFailure } from './signing-failure.js';

export interface Signed {
  accessKeyId: string;
  stringToSign: string;
  /** 64 lower-case hex digits, checked by the parser. */
  signature: string;
}

export function compareSignature(parsed: Signed, signingKey: Uint8Array): { ok: true } | SigningFailure {
  const expected = hmacSha256Hex(signingKey, parsed.stringToSign);
  // Lengths are public (always 64 lower-case hex digits: the parsers check the given one); only the content is compared in constant time.
  if (!constantTimeEqualText(parsed.signature, expected)) return signingFailure('SIGNATURE_MISMATCH', parsed.accessKeyId);
  return { ok: true };
}
