/**
 * `POST /v1/verify` straight from the socket: the hot path without the framework's per-request
 * machinery (request and reply objects, hooks, the content-type parser chain, the router). It
 * takes only plain requests (a JSON body of a declared length within the body limit, nothing
 * encoded or chunked); anything else goes to the Fastify route as before. Both run the same
 * handler (`VerifyRunner`), the same body validator (Fastify's own compiler, same options) and
 * the same error envelope, and test/http-verify-fast.test.ts holds them to the same answers.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import secureJsonParse from 'secure-json-parse';
import type { FastifyBaseLogger } from 'fastify';
import { ERROR_CATALOG } from '../core/errors.js';
import { classifyLogged, errorEnvelope } from './error-envelope.js';
import type { Metrics } from './metrics.js';
import { REFUSAL_STATUSES, type RefusalFloor } from './refusal-floor.js';
import { VerifyBody } from './schemas.js';
import { isRefusal, type VerifyCall, type VerifyRunner } from './routes/verify.js';

/** The Ajv options buildApp gives Fastify: the fast path validates exactly as the route does. */
export const AJV_OPTIONS = { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } as const;

const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
const DIGITS = /^[0-9]{1,10}$/;
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;
const TRUST_ALL = () => true;
/** What the client-address rule reads of a request: its X-Forwarded-For and its socket's peer. */
export interface ForwardedRequest {
  headers: { 'x-forwarded-for'?: string | string[] | undefined };
  socket: { remoteAddress?: string | undefined };
}
/** Fastify's own resolver of the client address behind proxies (it ships no types). */
const proxyAddr = createRequire(import.meta.url)('@fastify/proxy-addr') as (req: ForwardedRequest, trust: (address: string, hop: number) => boolean) => string;

/** The client behind LATCHKEY_TRUST_PROXY=true, as the Fastify route finds it (every hop trusted). */
export const forwardedClient = (req: ForwardedRequest): string => proxyAddr(req, TRUST_ALL);

export interface FastVerifyOptions {
  run: VerifyRunner;
  refusals: RefusalFloor;
  metrics: Metrics;
  logger: FastifyBaseLogger;
  bodyLimit: number;
  trustProxy: boolean;
  nextRequestId: () => string;
  isUnavailable: (error: unknown) => boolean;
}

/** Sends one answer (status, request ID, JSON text) the way its transport does; a client gone gets nothing. */
export type SendAnswer = (status: number, requestId: string, text: string) => void;

/**
 * Answers one plain verify request given its body text, whatever carried it (the node:http
 * request below, or the connection reader of wire-verify.ts): parse, validate, run, and send the
 * answer, a refusal no sooner than the refusal floor.
 */
export type TakeVerify = (text: string, requestId: string, startedAt: number, ip: string, userAgent: string | undefined, authorization: string | undefined, send: SendAnswer) => void;

export function verifyTaker(options: Pick<FastVerifyOptions, 'run' | 'refusals' | 'metrics' | 'logger' | 'isUnavailable'>): TakeVerify {
  const { run, refusals, metrics, logger } = options;
  const validate = AjvCompiler()({}, { customOptions: AJV_OPTIONS })({ schema: VerifyBody, method: 'POST', url: '/v1/verify', httpPart: 'body' }) as ((body: unknown) => boolean) & {
    errors?: unknown[] | null;
  };

  const fail = (send: SendAnswer, requestId: string, startedAt: number, error: unknown): void => {
    const classified = classifyLogged(error, options.isUnavailable, logger, requestId);
    const status = ERROR_CATALOG[classified.code].status;
    metrics.countAnswer('/v1/verify', status);
    const text = JSON.stringify(errorEnvelope(classified.code, requestId, classified.message, classified.details));
    if (REFUSAL_STATUSES.has(status)) refusals.hold(startedAt, () => send(status, requestId, text));
    else send(status, requestId, text);
  };

  /** A 200 answer; a refusal (valid: false) waits for the refusal floor. */
  const answerWith = (send: SendAnswer, requestId: string, startedAt: number, text: string): void => {
    if (isRefusal(text)) refusals.hold(startedAt, () => send(200, requestId, text));
    else send(200, requestId, text);
  };

  return (text, requestId, startedAt, ip, userAgent, authorization, send) => {
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : secureJsonParse.parse(text, PARSE_OPTIONS);
    } catch {
      fail(send, requestId, startedAt, Object.assign(new Error('invalid JSON body'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }));
      return;
    }
    if (!validate(body)) {
      fail(send, requestId, startedAt, Object.assign(new Error('body validation'), { validation: validate.errors ?? [], validationContext: 'body' }));
      return;
    }
    const call: VerifyCall = { body: body as VerifyCall['body'], ip, userAgent, authorization };
    let result: string | Promise<string>;
    try {
      result = run(call);
    } catch (error) {
      fail(send, requestId, startedAt, error);
      return;
    }
    if (typeof result === 'string') answerWith(send, requestId, startedAt, result);
    else
      result.then(
        (t) => answerWith(send, requestId, startedAt, t),
        (error: unknown) => fail(send, requestId, startedAt, error),
      );
  };
}

/** The body length of a request the fast paths take (a JSON content type, a declared length of 1 byte up to the limit), or -1. */
export function plainVerifyBody(type: string | undefined, length: string | undefined, bodyLimit: number): number {
  if (type === undefined || !JSON_TYPES.has(type.toLowerCase()) || length === undefined || !DIGITS.test(length)) return -1;
  const expected = Number(length);
  return expected === 0 || expected > bodyLimit ? -1 : expected;
}

/**
 * Returns a handler that answers the requests it takes and returns false for the others
 * (untouched). `take`: the handler (verifyTaker), shared with the connection reader.
 */
export function fastVerify(options: FastVerifyOptions, take: TakeVerify): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { metrics, bodyLimit } = options;
  const ipOf = options.trustProxy ? forwardedClient : (req: IncomingMessage) => req.socket.remoteAddress ?? '';

  const reply = (res: ServerResponse, status: number, requestId: string, text: string): void => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-request-id': requestId,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(text);
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/verify') return false;
    const headers = req.headers;
    if (plainVerifyBody(headers['content-type'], headers['content-length'], bodyLimit) < 0 || headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined)
      return false;
    const startedAt = performance.now();
    const requestId = options.nextRequestId();
    metrics.countFastPath();
    const send: SendAnswer = (status, id, text) => reply(res, status, id, text);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      take(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'), requestId, startedAt, ipOf(req), headers['user-agent'], headers.authorization, send),
    );
    req.on('error', () => res.destroy());
    return true;
  };
}
