/**
 * What a caller presents to verification, and how its scheme is told apart: the one place that
 * knows a bearer token from a SigV4 or TC3 signature (header or presigned URL).
 */
import type { HeaderInput, SignableRequest } from '../signing/signable-request.js';

export type Credential =
  /** A bearer token on its own (POST /v1/verify `token`). */
  | { kind: 'token'; token: string }
  /** A signed request in full (POST /v1/verify `request`): SigV4, header or presigned URL, or TC3, as the request itself says. */
  | { kind: 'signed'; request: SignableRequest }
  | RequestCredential;

/**
 * A request as received (a gateway's original request, a management API call): its credential
 * is whatever it carries — `Authorization: Bearer`, a SigV4 or TC3 Authorization header, or a
 * SigV4 presigned URL — or nothing at all.
 */
export interface RequestCredential {
  kind: 'request';
  method: string;
  /** The target as received: path and query, still percent-encoded. */
  url: string;
  authorization: string | undefined;
  /** The headers as the client sent them (pairs keep repeats and their order); read only for a signed request, so a bearer token costs no copy. */
  headers: () => HeaderInput;
  /** The body's bytes as received; without it the signed payload hash is trusted (see src/signing/README.md). */
  body?: Uint8Array;
}

/** How a credential authenticated, as access records and metrics name it ('none': no credential this call takes). */
export type CredentialScheme = 'bearer' | 'sigv4' | 'tc3' | 'none';

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;
const SIGNED_AUTHORIZATION_RE = /^\s*(?:AWS4-HMAC-SHA256|TC3-HMAC-SHA256)\s/;
const PRESIGNED_QUERY_RE = /[?&]x-amz-(?:algorithm|credential|signature)=/i;
const TC3_CLAIM_RE = /^\s*TC3-/;

/** The token of an `Authorization: Bearer <token>` header; null for anything else. */
export function bearerToken(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  return BEARER_RE.exec(authorization)?.[1] ?? null;
}

/** Whether a request claims a signature (SigV4 or TC3 header, or a SigV4 presigned URL); an Authorization header decides when there is one. */
export function carriesSignature(authorization: string | undefined, url: string): boolean {
  if (authorization !== undefined) return SIGNED_AUTHORIZATION_RE.test(authorization);
  return url.includes('?') && PRESIGNED_QUERY_RE.test(url);
}

/** The scheme a request's signature claims. */
export function claimedScheme(authorization: string | undefined): 'sigv4' | 'tc3' {
  return authorization !== undefined && TC3_CLAIM_RE.test(authorization) ? 'tc3' : 'sigv4';
}

/** The first value of a header (names are case-insensitive). */
export function headerValue(headers: HeaderInput, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (const pair of headers as ReadonlyArray<readonly [string, string]>) if (typeof pair[0] === 'string' && pair[0].toLowerCase() === name) return pair[1];
    return undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : (value as string | undefined);
  }
  return undefined;
}
