/**
 * Turning what HTTP gives into the request src/signing verifies: the JSON form of POST
 * /v1/verify, and a live request's raw headers (node's flat rawHeaders, paired up, so repeated
 * headers keep their order) and raw body bytes.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { Config } from '../config.js';
import { AppError } from '../core/errors.js';
import type { SigningSettings } from '../services/signing-rules.js';
import type { SignableRequest } from '../signing/signable-request.js';
import type { SignedRequestSchema } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as received, kept only for signed requests to authenticated routes. */
    signedBodyChunks: Buffer[] | null;
  }
}

export function signingSettingsOf(config: Readonly<Config>): SigningSettings {
  return { maxSkewSeconds: config.signatureMaxSkewSeconds, s3MaxSkewSeconds: config.storageMaxSkewSeconds };
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function signableFromJson(input: Static<typeof SignedRequestSchema>): SignableRequest {
  if (input.body !== undefined && input.bodySha256 !== undefined) {
    throw new AppError('VALIDATION_FAILED', 'request: give body or bodySha256, not both.', { field: 'request.bodySha256' });
  }
  if (input.bodyEncoding !== undefined && input.body === undefined) {
    throw new AppError('VALIDATION_FAILED', 'request.bodyEncoding needs request.body.', { field: 'request.bodyEncoding' });
  }
  let body: string | Buffer | undefined = input.body;
  if (input.body !== undefined && input.bodyEncoding === 'base64') {
    // Node's decoder skips what it does not know; a body that is not exact base64 would be hashed as something else.
    if (!BASE64_RE.test(input.body)) throw new AppError('VALIDATION_FAILED', 'request.body is not base64 (A–Z a–z 0–9 + /, padded with =).', { field: 'request.body' });
    body = Buffer.from(input.body, 'base64');
  }
  return {
    method: input.method,
    url: input.url,
    headers: input.headers as SignableRequest['headers'],
    ...(body !== undefined && { body }),
    ...(input.bodySha256 !== undefined && { bodySha256: input.bodySha256 }),
  };
}

/** The first value of a header in the JSON form (names are case-insensitive). */
export function jsonHeader(headers: Static<typeof SignedRequestSchema>['headers'], name: string): string | undefined {
  if (Array.isArray(headers)) {
    // Pairs of exactly two strings (the schema says so).
    for (const pair of headers) if (pair[0]!.toLowerCase() === name) return pair[1];
    return undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : (value as string);
  }
  return undefined;
}

/** node's rawHeaders [name, value, name, value …] as pairs, in arrival order and as sent. */
export function rawHeaderPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

const SIGNED_AUTHORIZATION_RE = /^\s*(?:AWS4-HMAC-SHA256|TC3-HMAC-SHA256)\s/;
const PRESIGNED_QUERY_RE = /[?&]x-amz-(?:algorithm|credential|signature)=/i;

/** Whether a request claims a signature (SigV4 or TC3 header, or a SigV4 presigned URL). */
export function carriesSignature(authorization: string | undefined, url: string): boolean {
  if (authorization !== undefined) return SIGNED_AUTHORIZATION_RE.test(authorization);
  return url.includes('?') && PRESIGNED_QUERY_RE.test(url);
}

/** The scheme a request's signature claims, as metrics label it. */
export function claimedScheme(authorization: string | undefined): 'sigv4' | 'tc3' {
  return authorization !== undefined && /^\s*TC3-/.test(authorization) ? 'tc3' : 'sigv4';
}

/**
 * preParsing: a signed request keeps a copy of its body's bytes, because the signature covers
 * the bytes as sent (a parsed and re-serialised JSON body would not hash the same). Every other
 * request passes through untouched.
 */
export function keepSignedBody(request: FastifyRequest, payload: Readable): Readable {
  const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
  if (!hasBody || !carriesSignature(request.headers.authorization, request.url)) return payload;
  const chunks: Buffer[] = [];
  request.signedBodyChunks = chunks;
  const copy = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  copy.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    // Fastify checks this against Content-Length and the body limit.
    copy.receivedEncodedLength += chunk.length;
  });
  pipeline(payload, copy, () => {});
  return copy;
}

export function signedBodyOf(request: FastifyRequest): Buffer {
  return request.signedBodyChunks === null ? Buffer.alloc(0) : Buffer.concat(request.signedBodyChunks);
}
