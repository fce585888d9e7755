import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { VERIFY_MESSAGES } from '../core/verification.js';
import type { Actor } from '../services/actor.js';
import type { SessionLookup } from '../services/auth-service.js';
import type { Services } from '../services/services.js';
import type { VerifyContext } from '../services/verification-service.js';
import { rawHeaderPairs, signedBodyOf } from './signed-input.js';

export const SESSION_COOKIE = 'latchkey_session';
/** The known-device cookie a successful sign-in sets (see DeviceTokens); only the sign-in route reads it. */
export const DEVICE_COOKIE = 'latchkey_device';

/**
 * The name a cookie of Latchkey's goes by. With secure cookies (LATCHKEY_COOKIE_SECURE=true,
 * behind HTTPS) it carries the __Host- prefix: the browser then keeps it only if it is Secure,
 * Path=/ and without Domain, so no subdomain and no plain-HTTP page can set or shadow it. Every
 * cookie Latchkey sets is named here, so they all follow the same rule.
 */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

/** How a route is reached: open, or by a signed-in user (optionally even before a password change). */
export type RouteAuth = 'none' | 'user' | 'user-before-password-change';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    session: { token: string; lookup: SessionLookup } | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who is calling: an access-type key (`Authorization: Bearer`, or a request signed with AWS
 * Signature V4 — header or presigned URL — over the raw method, target, headers and body bytes)
 * or a console session cookie. Cookie sessions must echo their CSRF token on every
 * state-changing request, which must not come from another site (Sec-Fetch-Site: cross-site);
 * key-authenticated requests carry no cookie, so CSRF cannot apply.
 */
export async function authenticate(request: FastifyRequest, services: Services, mode: RouteAuth, sessionCookie: string): Promise<void> {
  if (mode === 'none') return;
  const authorization = request.headers.authorization;
  const ip = request.ip ?? null;
  const userAgent = request.headers['user-agent'] ?? null;
  const context: VerifyContext = {
    use: 'management-api',
    sourceIp: ip,
    userAgent,
    detail: { via: 'management-api', route: `${request.method} ${request.routeOptions.url ?? request.url}` },
  };
  const outcome = await services.verification.verify(
    { kind: 'request', method: request.method, url: request.url, authorization, headers: () => rawHeaderPairs(request.raw.rawHeaders), body: signedBodyOf(request) },
    context,
  );
  // Without a key credential (no Authorization header, no presigned URL) the caller is a console session.
  if (outcome.valid || outcome.unverified !== 'absent') {
    if (!outcome.valid) {
      if (outcome.unverified === 'refused')
        throw new AppError('UNAUTHENTICATED', 'The management API takes a bearer token or an AWS Signature V4 (TC3 is for your own APIs, through /v1/verify).');
      if (outcome.unverified === 'unknown') throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>" or an AWS4-HMAC-SHA256 signature.');
      throw new AppError('UNAUTHENTICATED', `${VERIFY_MESSAGES[outcome.code]} (${outcome.code})`, { reason: outcome.code });
    }
    // Valid without an Authorization header: a presigned URL.
    if (authorization === undefined) dropPresignParameters(request);
    if (outcome.type !== 'access') {
      throw new AppError('FORBIDDEN', 'This is an api-type key: it works for your own APIs but cannot call the Latchkey management API. Use an access-type key.');
    }
    const user = await services.users.findById(outcome.tenantId, outcome.userId);
    if (!user) throw new AppError('UNAUTHENTICATED');
    request.actor = {
      tenantId: user.tenantId,
      user,
      via: 'key',
      accessKeyId: outcome.accessKeyId,
      keyPermissions: outcome.key.narrowed ? outcome.permissions : null,
      ip,
      userAgent,
    };
    return;
  }
  const token = request.cookies[sessionCookie];
  if (!token) throw new AppError('UNAUTHENTICATED');
  const lookup = await services.auth.resolveSession(token);
  if (!lookup) throw new AppError('SESSION_EXPIRED');
  if (!SAFE_METHODS.has(request.method)) {
    // Defence in depth behind the token: browsers say where a request comes from, and the console never writes from another site.
    if (request.headers['sec-fetch-site'] === 'cross-site') throw new AppError('CROSS_SITE_REQUEST');
    const header = request.headers['x-csrf-token'];
    if (!services.auth.checkCsrf(lookup, typeof header === 'string' ? header : undefined)) throw new AppError('CSRF_TOKEN_INVALID');
  }
  if (lookup.user.mustChangePassword && mode !== 'user-before-password-change') throw new AppError('PASSWORD_CHANGE_REQUIRED');
  request.session = { token, lookup };
  request.actor = { tenantId: lookup.user.tenantId, user: lookup.user, via: 'session', accessKeyId: null, keyPermissions: null, ip, userAgent, sessionIdHash: lookup.idHash };
}

/** A presigned URL's X-Amz-* parameters are the credential, not input: the route's query schema never sees them. */
function dropPresignParameters(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | null;
  if (query === null || typeof query !== 'object') return;
  for (const name of Object.keys(query)) if (name.toLowerCase().startsWith('x-amz-')) delete query[name];
}
