/**
 * The parts both schemes share: `Credential=…, SignedHeaders=…, Signature=…` (each exactly
 * once, any order, commas with optional spaces), the signed-header list (lower-case names,
 * strictly ascending, so each appears once — what every SDK sends and what the canonical
 * request needs), and the signature (64 lower-case hex digits).
 *
 * Credential parts (key ID, region, service) are restricted to URL-safe ASCII
 * [A-Za-z0-9._~-]: wider than any AWS, Tencent or Latchkey identifier, narrow enough that
 * nothing odd reaches a log line or a cache key.
 */

export interface AuthorizationParams {
  credential: string;
  signedHeaders: string;
  signature: string;
}

const ID_RE = /^[A-Za-z0-9._~-]{1,128}$/;
const SCOPE_PART_RE = /^[A-Za-z0-9._~-]{1,64}$/;
const SIGNED_HEADERS_RE = /^[a-z0-9!#$%&'*+.^_`|~-]+(?:;[a-z0-9!#$%&'*+.^_`|~-]+)*$/;
const SIGNATURE_RE = /^[0-9a-f]{64}$/;

export function parseAuthorizationParams(text: string): AuthorizationParams | null {
  const found: Partial<Record<keyof AuthorizationParams, string>> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const field = name === 'Credential' ? 'credential' : name === 'SignedHeaders' ? 'signedHeaders' : name === 'Signature' ? 'signature' : null;
    if (field === null || found[field] !== undefined || value === '') return null;
    found[field] = value;
  }
  const { credential, signedHeaders, signature } = found;
  if (credential === undefined || signedHeaders === undefined || signature === undefined) return null;
  return { credential, signedHeaders, signature };
}

export function isCredentialId(value: string): boolean {
  return ID_RE.test(value);
}

export function isScopePart(value: string): boolean {
  return SCOPE_PART_RE.test(value);
}

export function parseSignedHeaders(text: string): string[] | null {
  if (!SIGNED_HEADERS_RE.test(text)) return null;
  const names = text.split(';');
  for (let i = 1; i < names.length; i++) if (!(names[i - 1]! < names[i]!)) return null;
  return names;
}

export function isSignatureHex(value: string): boolean {
  return SIGNATURE_RE.test(value);
}
