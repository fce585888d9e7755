/**
 * Gateway mode: `/v1/authorize` answers nginx `auth_request` and Envoy's HTTP `ext_authz`.
 *
 * The gateway asks with the original request's headers (no body) and says what the original
 * request was: nginx in X-Original-Method / X-Original-URI, Envoy by appending the original path
 * to `/v1/authorize` (its path_prefix) with the original method. The credential is a bearer
 * token or a signature (SigV4 header or presigned URL, TC3) in those headers; without the body
 * the signed x-amz-content-sha256 is trusted (see src/signing/README.md). A signed Content-Length
 * comes as X-Original-Content-Length, since the gateway must not send a length without a body.
 *
 * 200 carries the identity for the upstream in X-Latchkey-* headers; 401 (the credential is not
 * good) and 403 (a good credential that may not do this) carry X-Latchkey-Code and the error
 * envelope; 429 with Retry-After when failures from this source or against this key are over
 * their limit (RATE_LIMITED). An optional X-Latchkey-Permission, set per location by the gateway, is checked;
 * present but empty or blank it is refused (403 PERMISSION_BLANK) before any credential is looked at.
 *
 * The gateway is a verifier: it sends the token of a verifier key of its tenant in
 * X-Latchkey-Verifier (unless LATCHKEY_VERIFY_AUTH=open), never forwarded as part of the
 * original request. Without a good one the answer is 401/403 with X-Latchkey-Code
 * VERIFIER_REQUIRED, VERIFIER_INVALID or VERIFIER_FORBIDDEN.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../core/errors.js';
import type { RateLimitState } from '../../core/usage-controls.js';
import { OVER_RATE_LIMIT_MESSAGE, VERIFY_MESSAGES, type VerifyCode } from '../../core/verification.js';
import type { VerifyContext, VerifyOutcome } from '../../services/verification-service.js';
import type { App, RouteDeps } from '../app-types.js';
import { sendError } from '../error-envelope.js';
import { ErrorResponse, VerifyResponse } from '../schemas.js';
import { cleanUserAgent, verifierOf, type VerifierScope } from '../verifier.js';
import { answerOf, hotHeaders } from './verify.js';

export const AUTHORIZE_PATH = '/v1/authorize';
// HEAD comes with GET (Fastify answers it with the GET handler).
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What the gateway adds to say what the original request was; never part of the client's request. */
const GATEWAY_HEADERS = new Set(['x-original-uri', 'x-original-method', 'x-original-content-length', 'x-latchkey-permission', 'x-latchkey-verifier', 'content-length']);
export const VERIFIER_HEADER = 'x-latchkey-verifier';

/** A good credential that may not be used for this (403), as opposed to a credential that is not good (401). */
const FORBIDDEN_CODES = new Set<VerifyCode>([
  'KEY_DISABLED',
  'KEY_DELETED',
  'KEY_EXPIRED',
  'USER_DISABLED',
  'PROGRAMMATIC_ACCESS_REVOKED',
  'TENANT_DISABLED',
  'PERMISSION_DENIED',
  // Usage control: waiting does not help an address outside the allowlist, nor (until a refill) a key without credits.
  'IP_NOT_ALLOWED',
  'USAGE_EXCEEDED',
]);

/**
 * RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds), as named by the IETF
 * draft draft-ietf-httpapi-ratelimit-headers-06, for the limit closest to refusing (fewest units left).
 */
function rateLimitHeaders(reply: FastifyReply, states: readonly RateLimitState[], now: number): void {
  let closest: RateLimitState | undefined;
  for (const state of states) if (closest === undefined || state.remaining < closest.remaining) closest = state;
  if (closest === undefined) return;
  reply
    .header('RateLimit-Limit', String(closest.limit))
    .header('RateLimit-Remaining', String(closest.remaining))
    .header('RateLimit-Reset', String(Math.max(0, Math.ceil((closest.resetAt - now) / 1000))));
}

/** Envoy's form: the original target of a request routed from /v1/authorize/<target> to /v1/authorize. */
const envoyTargets = new WeakMap<IncomingMessage, string>();

/**
 * Fastify's rewriteUrl: Envoy appends the original target to its path_prefix, so everything
 * under /v1/authorize/ is one route, /v1/authorize, with the target kept aside for it.
 */
export function rewriteAuthorizeUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (!url.startsWith(`${AUTHORIZE_PATH}/`)) return url;
  envoyTargets.set(req, url.slice(AUTHORIZE_PATH.length));
  return AUTHORIZE_PATH;
}

interface Original {
  method: string;
  url: string;
}

function originalOf(request: FastifyRequest): Original {
  const envoy = envoyTargets.get(request.raw);
  if (envoy !== undefined) return { method: request.method, url: envoy };
  const uri = request.headers['x-original-uri'];
  const method = request.headers['x-original-method'] ?? request.method;
  if (typeof method !== 'string' || !TOKEN_RE.test(method)) throw new AppError('BAD_REQUEST', 'X-Original-Method is not an HTTP method.');
  if (uri === undefined) {
    throw new AppError(
      'BAD_REQUEST',
      'Say what the original request was: X-Original-URI (nginx: proxy_set_header X-Original-URI $request_uri), or append its path to /v1/authorize (Envoy path_prefix).',
    );
  }
  if (typeof uri !== 'string' || !uri.startsWith('/')) throw new AppError('BAD_REQUEST', 'X-Original-URI must be one path with its query, as nginx $request_uri gives it.');
  return { method, url: uri };
}

/** The original request's headers, as sent by its client (the gateway's own left out, the signed length put back). */
function originalHeaders(request: FastifyRequest): [string, string][] {
  const raw = request.raw.rawHeaders;
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (lower === 'x-original-content-length') pairs.push(['content-length', raw[i + 1]!]);
    else if (!GATEWAY_HEADERS.has(lower)) pairs.push([name, raw[i + 1]!]);
  }
  return pairs;
}

function permissionOf(request: FastifyRequest): string | undefined {
  const value = request.headers['x-latchkey-permission'];
  if (value === undefined) return undefined;
  // Present but blank is a gateway misconfiguration (a variable that expanded to nothing), not "check nothing".
  if (typeof value === 'string' && value.trim() === '') throw new AppError('PERMISSION_BLANK');
  if (typeof value !== 'string' || value.length > 128) throw new AppError('BAD_REQUEST', 'X-Latchkey-Permission must be one permission of at most 128 characters.');
  return value;
}

export async function authorizeRoutes(app: App, { services, metrics, config, refusals }: RouteDeps): Promise<void> {
  const verifierRequired = config.verifyAuth === 'verifier';

  /** The answer (made once: the cached path allocates no closure). */
  const answer = (request: FastifyRequest, reply: FastifyReply, result: VerifyOutcome): void => {
    metrics.countVerification(result.scheme, result.valid ? 'VALID' : result.code);
    hotHeaders(reply, request.id);
    if (result.valid) {
      metrics.countAnswer(AUTHORIZE_PATH, 200);
      reply
        .header('X-Latchkey-Access-Key-Id', result.accessKeyId)
        .header('X-Latchkey-Tenant-Id', result.tenantId)
        .header('X-Latchkey-User-Id', result.userId)
        .header('X-Latchkey-Key-Type', result.type)
        .header('X-Latchkey-Permissions', result.permissions.join(','));
      const ratelimits = result.usage?.ratelimits;
      if (ratelimits != null) rateLimitHeaders(reply, ratelimits, services.clock.now().getTime());
      const externalId = result.key.controls?.externalId;
      if (externalId != null) reply.header('X-Latchkey-External-Id', externalId);
      reply.code(200).send(answerOf(result));
      return;
    }
    // A refusal is answered at the refusal floor (counted from when the request arrived), so its time says nothing of the key.
    refusals.hold(performance.now() - reply.elapsedTime, () => refuse(request, reply, result));
  };

  const refuse = (request: FastifyRequest, reply: FastifyReply, result: Extract<VerifyOutcome, { valid: false }>): void => {
    reply.header('X-Latchkey-Code', result.code);
    // Guessing over its limit: 429, and when the source and key fall below their limits again.
    if (result.code === 'RATE_LIMITED') {
      metrics.countAnswer(AUTHORIZE_PATH, 429);
      reply.header('Retry-After', String(result.retryAfterSeconds ?? 1));
      // The key's own limit (usage control) says so, with its state; throttled guessing keeps its own message.
      const ratelimits = result.usage?.ratelimits;
      if (ratelimits != null) {
        rateLimitHeaders(reply, ratelimits, services.clock.now().getTime());
        sendError(reply, request, 'RATE_LIMITED', `${OVER_RATE_LIMIT_MESSAGE} (RATE_LIMITED)`, { reason: result.code, ratelimit: (result.usage?.refusedBy ?? []).join(',') });
        return;
      }
      sendError(reply, request, 'RATE_LIMITED', `${VERIFY_MESSAGES.RATE_LIMITED} (RATE_LIMITED)`, { reason: result.code });
      return;
    }
    const forbidden = FORBIDDEN_CODES.has(result.code);
    metrics.countAnswer(AUTHORIZE_PATH, forbidden ? 403 : 401);
    sendError(reply, request, forbidden ? 'FORBIDDEN' : 'UNAUTHENTICATED', `${VERIFY_MESSAGES[result.code]} (${result.code})`, { reason: result.code });
  };

  const check = (request: FastifyRequest, reply: FastifyReply, scope: VerifierScope | null): void => {
    const original = originalOf(request);
    const path = original.url.split('?', 1)[0]!;
    const context: VerifyContext = {
      permission: permissionOf(request),
      sourceIp: request.ip,
      userAgent: cleanUserAgent(request.headers['user-agent']),
      detail: { via: 'gateway', target: `${original.method} ${path.length > 256 ? `${path.slice(0, 256)}…` : path}` },
      tenantId: scope?.tenantId,
      verifierKeyId: scope?.verifierKeyId ?? null,
    };
    const outcome = services.verification.verify(
      { kind: 'request', method: original.method, url: original.url, authorization: request.headers.authorization, headers: () => originalHeaders(request) },
      context,
    );
    if (outcome instanceof Promise)
      outcome.then(
        (result) => answer(request, reply, result),
        (error: unknown) => reply.send(error as never),
      );
    else answer(request, reply, outcome);
  };

  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    const verifier = request.headers[VERIFIER_HEADER];
    if (Array.isArray(verifier)) throw new AppError('VERIFIER_INVALID', 'Send one X-Latchkey-Verifier header.');
    if (verifier === undefined && !verifierRequired) {
      check(request, reply, null);
      return;
    }
    const scope = verifierOf(services.verification, verifier, request.ip ?? null, request.headers['user-agent']);
    if (scope instanceof Promise) scope.then((s) => check(request, reply, s)).catch((error: unknown) => reply.send(error as never));
    else check(request, reply, scope);
  };

  // Its own context: a gateway forwards the original Content-Type without the body, which must be ignored, not parsed.
  await app.register(async (gateway) => {
    gateway.removeAllContentTypeParsers();
    gateway.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
    const schema = {
      tags: ['verification'],
      summary:
        'Gateway mode (nginx auth_request: X-Original-Method and X-Original-URI; Envoy ext_authz: the original target appended to /v1/authorize): ' +
        '200 with X-Latchkey-* identity headers, or 401/403 with X-Latchkey-Code (403 also for IP_NOT_ALLOWED and USAGE_EXCEEDED; 429 with Retry-After: RATE_LIMITED, ' +
        'too many failed attempts or the key over a rate limit, then with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset)',
      description:
        "The gateway asks as a verifier: X-Latchkey-Verifier carries the token of a verifier key of its tenant (unless LATCHKEY_VERIFY_AUTH=open); only that tenant's keys are answered.",
      security: [{ verifier: [] }],
      response: { 200: VerifyResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
    };
    gateway.route({ method: METHODS, url: AUTHORIZE_PATH, config: { auth: 'none' }, schema, handler });
  });
}
