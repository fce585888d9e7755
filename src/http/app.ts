import { EXTERNAL_ID_MAX_LENGTH } from '../core/usage-controls.js';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import type { Services } from '../services/services.js';
import { authenticate, cookieName, SESSION_COOKIE, type RouteAuth } from './authenticate.js';
import type { App } from './app-types.js';
import { registerConsole } from './console-static.js';
import { ERROR_CATALOG, type ErrorCode } from '../core/errors.js';
import { classifyLogged, sendError, type Classified } from './error-envelope.js';
import { createMetrics } from './metrics.js';
import { LazyRequestLogger } from './request-logger.js';
import { accessKeyRoutes } from './routes/access-keys.js';
import { auditRoutes } from './routes/audit-events.js';
import { passwordRecoveryRoutes } from './routes/password-recovery.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { meRoutes } from './routes/me.js';
import { keyImportRoutes } from './routes/key-import.js';
import { leakRoutes } from './routes/leaks.js';
import { notificationRoutes } from './routes/notifications.js';
import { policyRoutes } from './routes/policy.js';
import { identityRoutes } from './routes/identities.js';
import { roleRoutes } from './routes/roles.js';
import { stepUpRoutes } from './routes/step-up.js';
import { totpRoutes } from './routes/totp.js';
import { usageRoutes } from './routes/usage.js';
import { userRoutes } from './routes/users.js';
import { AUTHORIZE_PATH, authorizeRoutes, rewriteAuthorizeUrl } from './routes/authorize.js';
import { hotHeaders, verifyRoutes, verifyRunner } from './routes/verify.js';
import { AJV_OPTIONS, fastVerify, type TakeVerify, verifyTaker } from './fast-verify.js';
import { attachWireVerify } from './wire-verify.js';
import { RefusalFloor, REFUSAL_STATUSES } from './refusal-floor.js';
import { keepSignedBody } from './signed-input.js';

export interface AppOptions {
  services: Services;
  config: Readonly<Config>;
  logger: FastifyBaseLogger;
  /** The built console (console/dist) to serve at `/`; null serves the API alone. */
  consoleDir?: string | null;
}

export const API_VERSION = '0.1.0';

/** A year: browsers then reach this host over HTTPS only (LATCHKEY_COOKIE_SECURE=true says Latchkey is behind HTTPS). */
export const HSTS = 'max-age=31536000';

/** The headers every answer carries (the verification routes set them themselves, see hotHeaders). */
function commonHeaders(reply: FastifyReply, request: FastifyRequest, hsts: boolean): FastifyReply {
  reply.header('X-Request-Id', request.id);
  reply.header('X-Content-Type-Options', 'nosniff');
  if (hsts) reply.header('Strict-Transport-Security', HSTS);
  if (request.url.startsWith('/v1/')) reply.header('Cache-Control', 'no-store');
  // Browsers older than CSP frame-ancestors (the docs' CSP, DOCS_CSP) honour this one.
  else if (request.url.startsWith('/docs')) reply.header('X-Frame-Options', 'DENY');
  return reply;
}

/**
 * Swagger UI (/docs) loads its own scripts, styles and the spec from this origin and nothing
 * else; no other site may frame it. Its React code sets styles through the DOM, which a CSP does
 * not govern, but it adds one <style> element of its own, allowed by its hash (a new Swagger UI
 * may change it: test/browser-secure-docs.test.ts fails on any refusal). The validator badge (an
 * image from validator.swagger.io) is turned off.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "base-uri 'none'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
].join('; ');

const REQUEST_ID_BYTES = 9;
let requestIdPool = Buffer.alloc(0);
let requestIdOffset = 0;

/** `req_` + 12 base64url characters (72 random bits); one CSPRNG call serves 512 requests. */
function nextRequestId(): string {
  if (requestIdOffset + REQUEST_ID_BYTES > requestIdPool.length) {
    requestIdPool = randomBytes(REQUEST_ID_BYTES * 512);
    requestIdOffset = 0;
  }
  const id = `req_${requestIdPool.toString('base64url', requestIdOffset, requestIdOffset + REQUEST_ID_BYTES)}`;
  requestIdOffset += REQUEST_ID_BYTES;
  return id;
}

/** Fastify's own defaults for the HTTP server it would make (the fast path's server keeps them). */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export async function buildApp(options: AppOptions): Promise<App> {
  const { services, config } = options;
  /** The socket fast path of POST /v1/verify, set once the routes exist (see fast-verify.ts). */
  let fast: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  /** The same handler for the connection reader below node:http (see wire-verify.ts). */
  let wireTake: TakeVerify | null = null;
  const sessionCookie = cookieName(SESSION_COOKIE, config.cookieSecure);
  const hsts = config.cookieSecure;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer((req, res) => {
        if (fast === null || !fast(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      server.requestTimeout = 0;
      if (config.wireVerify)
        attachWireVerify(server, {
          take: () => wireTake,
          countTaken: () => metrics.countWire(),
          bodyLimit: config.bodyLimitBytes,
          trustProxy: config.trustProxy,
          nextRequestId,
          keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
        });
      return server;
    },
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    genReqId: nextRequestId,
    rewriteUrl: rewriteAuthorizeUrl,
    childLoggerFactory: (logger, bindings, childOptions) => new LazyRequestLogger(logger, bindings, childOptions),
    ajv: { customOptions: { ...AJV_OPTIONS } },
    // The longest path parameter is an identity's externalId (the tenant's own customer ID, up to 128).
    routerOptions: { maxParamLength: EXTERNAL_ID_MAX_LENGTH },
    // The router's own refusals (a path that does not decode, a path parameter over 128 characters) use the envelope too.
    frameworkErrors: (error, request, reply) => {
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, request, 'MALFORMED_ID', 'An identifier in the path is too long.');
      return sendError(reply, request, 'BAD_REQUEST', 'The request path is not valid URL encoding.');
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const metrics = createMetrics(services);
  const deps = { services, config, metrics, verify: verifyRunner({ services, config, metrics }), refusals: new RefusalFloor(config.refusalFloorMs) };

  // Bodiless POSTs (disable, enable, rotate) may still say application/json.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    return defaultJson(request, body as string, done);
  });

  await app.register(swagger, {
    // Shared schemas are named after their $id (components/schemas/AccessKey, not def-4), so
    // the console's generated types read as the API's own names.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey API',
        version: API_VERSION,
        description:
          'Access key management and verification. Errors use one envelope: {"error": {"code", "message", "requestId"}}. ' +
          'Console sessions send X-CSRF-Token on state-changing requests; programs use an access-type key as Authorization: Bearer, ' +
          'or sign each request with AWS Signature Version 4 (header or presigned URL). /v1/verify and /v1/authorize answer verifiers ' +
          '(an access key holding latchkey:verify); /v1/authorize serves nginx auth_request and Envoy ext_authz.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookie },
          bearer: { type: 'http', scheme: 'bearer' },
          verifier: { type: 'apiKey', in: 'header', name: 'X-Latchkey-Verifier', description: 'The token of a verifier key (latchkey:verify), on /v1/authorize' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.decorateRequest('signedBodyChunks', null);

  const isUnavailable = (e: unknown) => services.database.isUnavailable(e);
  /** The envelope for any error (classified and logged); `decorate` adds headers once the code is known. */
  const sendClassified = (classified: Classified, request: FastifyRequest, reply: FastifyReply, decorate?: (code: ErrorCode) => void) => {
    decorate?.(classified.code);
    return sendError(reply, request, classified.code, classified.message, classified.details);
  };
  app.setErrorHandler(async (error, request, reply) => sendClassified(classifyLogged(error, isUnavailable, request.log, request.id), request, reply));
  app.setNotFoundHandler(async (request, reply) =>
    sendError(commonHeaders(reply, request, hsts), request, 'ROUTE_NOT_FOUND', `There is no route ${request.method} ${request.url.split('?')[0]}.`),
  );

  if (config.verifyAuth === 'open') {
    options.logger.warn('LATCHKEY_VERIFY_AUTH=open: /v1/verify and /v1/authorize answer anyone who can reach them, without a verifier key; use it only on a loopback-only deployment');
  }

  // The verification routes: the hot path, in a context of their own. No cookie plugin, no
  // hooks, no per-request histogram: the handlers set the common headers in one go and count
  // their answers in plain counters. The management API below keeps all its protections.
  await app.register(async (hot) => {
    hot.setErrorHandler(async (error, request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const classified = classifyLogged(error, isUnavailable, request.log, request.id);
      // A refused verifier (or credential) is answered at the refusal floor, as valid:false answers are.
      if (REFUSAL_STATUSES.has(ERROR_CATALOG[classified.code].status)) await deps.refusals.wait(performance.now() - reply.elapsedTime);
      const sent = sendClassified(classified, request, hotHeaders(reply, request.id), (code) => {
        // A gateway passes the status on; the code says it was the gateway's own verifier (or its configuration) that was refused.
        if (route === AUTHORIZE_PATH && (code.startsWith('VERIFIER_') || code === 'PERMISSION_BLANK')) reply.header('X-Latchkey-Code', code);
      });
      metrics.countAnswer(route, reply.statusCode);
      return sent;
    });
    verifyRoutes(hot, deps);
    await authorizeRoutes(hot, deps);
  });
  const fastOptions = {
    run: deps.verify,
    refusals: deps.refusals,
    metrics,
    logger: options.logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    nextRequestId,
    isUnavailable,
  };
  wireTake = verifyTaker(fastOptions);
  fast = fastVerify(fastOptions, wireTake);

  await app.register(async (api) => {
    await api.register(cookie);
    // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
    api.addHook('onRequest', (request, reply, done) => {
      commonHeaders(reply, request, hsts);
      done();
    });
    await api.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: { validatorUrl: null },
      staticCSP: DOCS_CSP,
    });
    // A signed management request is verified over its body's bytes as sent, so routes that
    // authenticate keep them (for signed requests only); open routes get no hook at all.
    api.addHook('onRoute', (route) => {
      const auth = (route.config as { auth?: RouteAuth } | undefined)?.auth;
      if (auth === 'none' || (auth === undefined && !route.url.startsWith('/v1/'))) return;
      const keep = (request: FastifyRequest, _reply: unknown, payload: Readable, done: (error: null, payload: Readable) => void) => done(null, keepSignedBody(request, payload));
      route.preParsing = [...(Array.isArray(route.preParsing) ? route.preParsing : route.preParsing ? [route.preParsing] : []), keep] as typeof route.preParsing;
    });
    api.addHook('preValidation', (request, _reply, done) => {
      const declared = request.routeOptions.config.auth;
      const mode: RouteAuth = declared ?? (request.url.startsWith('/v1/') ? 'user' : 'none');
      if (mode === 'none') return done();
      authenticate(request, services, mode, sessionCookie).then(() => done(), done);
    });
    api.addHook('onResponse', (request, reply, done) => {
      metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });

    api.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());
    healthRoutes(api, deps);
    authRoutes(api, deps);
    passwordRecoveryRoutes(api, deps);
    meRoutes(api, deps);
    userRoutes(api, deps);
    roleRoutes(api, deps);
    policyRoutes(api, deps);
    accessKeyRoutes(api, deps);
    identityRoutes(api, deps);
    usageRoutes(api, deps);
    auditRoutes(api, deps);
    stepUpRoutes(api, deps);
    totpRoutes(api, deps);
    notificationRoutes(api, deps);
    leakRoutes(api, deps);
    keyImportRoutes(api, deps);
    if (options.consoleDir) await registerConsole(api, { distDir: options.consoleDir });
  });
  return app;
}
