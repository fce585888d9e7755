/**
 * The request as a verifier sees it, and its checked, prepared form.
 *
 * `url` is the request target exactly as received (path and query still percent-encoded, as
 * on the wire) or an absolute URL. Headers come as an object (values may be arrays, as
 * node's `req.headers`) or as [name, value] pairs (node's flat `req.rawHeaders`, paired up), which
 * keep duplicate headers and their order — signatures cover duplicates in order, so pass pairs
 * when you have them. Pseudo-headers (`:authority` …) are skipped; `:authority`, or the
 * authority of an absolute URL, stands in for a missing Host header.
 *
 * The body is optional: absent, the caller may pass `bodySha256` instead; with neither, the
 * payload is unknown (a gateway that sees only headers) and `payloadChecked` stays false.
 */
import { hash } from 'node:crypto';
import { signingFailure, type SigningFailure } from './signing-failure.js';

export type HeaderInput = Readonly<Record<string, string | readonly string[] | undefined>> | ReadonlyArray<readonly [string, string]>;

export interface SignableRequest {
  method: string;
  url: string;
  headers: HeaderInput;
  body?: Uint8Array | string | undefined;
  bodySha256?: string | undefined;
}

/** Lower-case header name → its values in arrival order. */
export type HeaderMap = Map<string, string[]>;

export interface PreparedRequest {
  method: string;
  /** Raw path, '/' when the target had none. */
  path: string;
  /** Raw query without the '?', '' when none. */
  query: string;
  headers: HeaderMap;
  body: Uint8Array | string | undefined;
  /** Lower-case hex, from the caller. */
  bodySha256: string | undefined;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ABSOLUTE_URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const SHA256_HEX_RE = /^[0-9a-fA-F]{64}$/;

export function prepareRequest(request: SignableRequest): PreparedRequest | SigningFailure {
  if (typeof request !== 'object' || request === null) return signingFailure('BAD_URL');
  if (typeof request.method !== 'string' || !TOKEN_RE.test(request.method)) return signingFailure('BAD_METHOD');
  if (typeof request.url !== 'string') return signingFailure('BAD_URL');
  const target = splitTarget(request.url);
  if (target === null) return signingFailure('BAD_URL');
  const headers = collectHeaders(request.headers);
  if (headers === null) return signingFailure('BAD_HEADERS');
  if (!headers.map.has('host')) {
    const authority = target.authority ?? headers.authority;
    if (authority !== undefined && authority !== '') headers.map.set('host', [authority]);
  }
  const body = request.body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) return signingFailure('BAD_BODY');
  let bodySha256: string | undefined;
  if (request.bodySha256 !== undefined) {
    if (typeof request.bodySha256 !== 'string' || !SHA256_HEX_RE.test(request.bodySha256)) {
      return signingFailure('BAD_BODY_SHA256');
    }
    bodySha256 = request.bodySha256.toLowerCase();
  }
  return { method: request.method, path: target.path, query: target.query, headers: headers.map, body, bodySha256 };
}

interface Target {
  path: string;
  query: string;
  authority: string | undefined;
}

/** Splits without normalising anything: the signature covers the target as sent. */
export function splitTarget(url: string): Target | null {
  let rest = url;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  let authority: string | undefined;
  if (ABSOLUTE_URL_RE.test(rest)) {
    const start = rest.indexOf('//') + 2;
    let end = rest.length;
    for (const stop of ['/', '?']) {
      const at = rest.indexOf(stop, start);
      if (at >= 0 && at < end) end = at;
    }
    authority = rest.slice(start, end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.slice(at + 1);
    rest = rest.slice(end);
  }
  const question = rest.indexOf('?');
  const path = question >= 0 ? rest.slice(0, question) : rest;
  const query = question >= 0 ? rest.slice(question + 1) : '';
  if (path !== '' && !path.startsWith('/')) return null;
  return { path: path === '' ? '/' : path, query, authority };
}

function collectHeaders(input: HeaderInput): { map: HeaderMap; authority: string | undefined } | null {
  if (typeof input !== 'object' || input === null) return null;
  const map: HeaderMap = new Map();
  let authority: string | undefined;
  const add = (name: unknown, value: unknown): boolean => {
    if (typeof name !== 'string' || typeof value !== 'string') return false;
    if (name.startsWith(':')) {
      if (name === ':authority') authority = value;
      return true;
    }
    if (!TOKEN_RE.test(name)) return false;
    const key = name.toLowerCase();
    const values = map.get(key);
    if (values) values.push(value);
    else map.set(key, [value]);
    return true;
  };
  if (Array.isArray(input)) {
    for (const pair of input as ReadonlyArray<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2 || !add(pair[0], pair[1])) return null;
    }
    return { map, authority };
  }
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) if (!add(name, item)) return null;
    } else if (!add(name, value)) {
      return null;
    }
  }
  return { map, authority };
}

/** The single value of a header, `null` when absent, `undefined` when repeated. */
export function singleHeader(headers: HeaderMap, name: string): string | null | undefined {
  const values = headers.get(name);
  if (!values) return null;
  return values.length === 1 ? values[0]! : undefined;
}

export function sha256Hex(value: string | Uint8Array): string {
  // One-shot hash(): no Hash object per call (text is hashed as UTF-8).
  return hash('sha256', value, 'hex');
}

/** The body's hash when the caller gave the body or its hash, else undefined (payload unknown). */
export function knownPayloadHash(request: PreparedRequest): string | undefined {
  if (request.body !== undefined) return sha256Hex(request.body);
  return request.bodySha256;
}
