/**
 * One entry point for both schemes: the Authorization header's algorithm picks TC3 or SigV4
 * (a presigned URL is SigV4), then the same two phases — parse (no secret), derive the
 * signing key for the parsed scope (cache it), verify in constant time.
 */
import { prepareRequest, type SignableRequest } from './signable-request.js';
import { compareSignature } from './signature.js';
import type { SigningFailure } from './signing-failure.js';
import { SIGV4_ALGORITHM } from './sigv4-canonical.js';
import { deriveSigV4SigningKey, parsePreparedSigV4, type ParsedSigV4Request, type SigV4Options } from './sigv4.js';
import { deriveTc3SigningKey, parsePreparedTc3, TC3_ALGORITHM, type ParsedTc3Request, type Tc3Options } from './tc3.js';

export type ParsedSignedRequest = ParsedSigV4Request | ParsedTc3Request;

export interface SignedRequestOptions {
  now: Date;
  sigv4?: Omit<SigV4Options, 'now'>;
  tc3?: Omit<Tc3Options, 'now'>;
}

export function parseSignedRequest(request: SignableRequest, options: SignedRequestOptions): ParsedSignedRequest | SigningFailure {
  const prepared = prepareRequest(request);
  if ('ok' in prepared) return prepared;
  const authorization = prepared.headers.get('authorization');
  if (authorization?.length === 1 && authorization[0]!.trim().startsWith(`${TC3_ALGORITHM} `)) {
    return tagged(parsePreparedTc3(prepared, { ...options.tc3, now: options.now }), TC3_ALGORITHM);
  }
  // Everything else, including no signature at all, gets SigV4's precise refusal.
  return tagged(parsePreparedSigV4(prepared, { ...options.sigv4, now: options.now }), SIGV4_ALGORITHM);
}

/** A failure that names a key also says which scheme it was signed with, for the key's access record. */
function tagged<T extends ParsedSignedRequest>(result: T | SigningFailure, scheme: T['scheme']): T | SigningFailure {
  if (!result.ok && result.accessKeyId !== undefined) result.scheme = scheme;
  return result;
}

/** The key to cache per (access key, secret, parsed.scheme, parsed.credentialScope). */
export function deriveSigningKey(parsed: ParsedSignedRequest, secret: string): Buffer {
  return parsed.scheme === TC3_ALGORITHM ? deriveTc3SigningKey(secret, parsed.scope) : deriveSigV4SigningKey(secret, parsed.scope);
}

export function verifySignedRequest(parsed: ParsedSignedRequest, signingKey: Uint8Array): { ok: true } | SigningFailure {
  return compareSignature(parsed, signingKey);
}
