/**
 * Turning what HTTP gives into the request src/signing verifies: the JSON form of POST
 * /v1/verify, and a live request's raw headers (node's flat rawHeaders, paired up, so repeated
 * headers keep their order) and raw body bytes.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { AppError } from '../core/errors.js';
import { carriesSignature } from '../services/credential.js';
import type { SignableRequest } from '../signing/signable-request.js';
import type { SignedRequestSchema } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as received, kept only for signed requests to authenticated routes. */
    signedBodyChunks: Buffer[] | null;
  }
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

/** node's rawHeaders [name, value, name, value …] as pairs, in arrival order and as sent. */
export function rawHeaderPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
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
