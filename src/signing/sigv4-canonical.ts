/**
 * The SigV4 canonical request and string to sign, from already-checked parts.
 *
 * Header values: CR and LF become spaces (folded multi-line values), runs of spaces and
 * tabs become one space, one leading and trailing space goes; repeated headers are joined
 * with ',' in arrival order. This is what the AWS SDK for JavaScript does, and the AWS test
 * suite agrees.
 */
import { hash } from 'node:crypto';
import type { HeaderMap } from './signable-request.js';
import { canonicalPath, canonicalQuery, queryName, type QueryParam } from './uri-encoding.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

const NEEDS_CANONICAL_RE = /[\r\n\t]| {2}|^ | $/;

export function canonicalHeaderValue(value: string): string {
  // Most values are canonical already: one test instead of three replacements.
  if (!NEEDS_CANONICAL_RE.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

export interface SigV4CanonicalParts {
  method: string;
  path: string;
  query: readonly QueryParam[];
  /** Presigned form: X-Amz-Signature is not part of what was signed. */
  excludeSignature: boolean;
  headers: HeaderMap;
  signedHeaders: readonly string[];
  payloadHash: string;
  normalizePath: boolean;
}

/** Null when the path or query holds a malformed percent escape; every signed header must be present. */
export function sigV4CanonicalRequest(parts: SigV4CanonicalParts): string | null {
  const uri = canonicalPath(parts.path, parts.normalizePath);
  if (uri === null) return null;
  const query = canonicalQuery(parts.query, parts.excludeSignature ? (param) => queryName(param.key) === 'x-amz-signature' : undefined);
  if (query === null) return null;
  let headers = '';
  for (const name of parts.signedHeaders) {
    const values = parts.headers.get(name);
    if (!values) return null;
    headers += `${name}:${values.length === 1 ? canonicalHeaderValue(values[0]!) : values.map(canonicalHeaderValue).join(',')}\n`;
  }
  return `${parts.method}\n${uri}\n${query}\n${headers}\n${parts.signedHeaders.join(';')}\n${parts.payloadHash}`;
}

export function sigV4StringToSign(amzDate: string, credentialScope: string, canonicalRequest: string): string {
  const digest = hash('sha256', canonicalRequest, 'hex');
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${credentialScope}\n${digest}`;
}
