import type { Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { VERIFY_CODES, VERIFY_MESSAGES, type VerifyCode } from '../../core/verification.js';
import { headerValue, type Credential } from '../../services/credential.js';
import type { CachedKey } from '../../services/key-cache.js';
import type { VerifyContext, VerifyOutcome } from '../../services/verification-service.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse, VerifyBody, VerifyResponse } from '../schemas.js';
import { signableFromJson } from '../signed-input.js';
import { checkSourceIp, cleanUserAgent, verifierOf, type VerifierScope } from '../verifier.js';

type Answer = Static<typeof VerifyResponse>;

/**
 * Answers are the same for every request that reaches the same cached key (or fails with the
 * same code), so each is built and turned into JSON once. A key's cache entry is replaced
 * whenever the key changes, which retires its answer with it.
 */
const answerText = new WeakMap<Answer, string>();
const successAnswers = new WeakMap<CachedKey, Answer>();

function remember(answer: Answer): Answer {
  answerText.set(answer, JSON.stringify(answer));
  return answer;
}

const failureAnswers = Object.fromEntries(VERIFY_CODES.map((code) => [code, remember({ valid: false, code, message: VERIFY_MESSAGES[code] })])) as Record<VerifyCode, Answer>;

export function successAnswer(key: CachedKey): Answer {
  let answer = successAnswers.get(key);
  if (answer === undefined) {
    // Property order follows VerifyResponse, as the schema serializer would write it.
    answer = remember({
      valid: true,
      accessKeyId: key.key.accessKeyId,
      tenantId: key.key.tenantId,
      userId: key.key.ownerId,
      type: key.key.type,
      permissions: key.permissions,
      expiresAt: key.key.expiresAt?.toISOString() ?? null,
    });
    successAnswers.set(key, answer);
  }
  return answer;
}

/** Used only for the answers above; anything else still goes through JSON.stringify. */
function serializeAnswer(answer: unknown): string {
  return answerText.get(answer as Answer) ?? JSON.stringify(answer);
}

/** The headers every management answer gets from its onRequest hook, set here in one go (the verification context has no hooks). */
export function hotHeaders(reply: FastifyReply, requestId: string): FastifyReply {
  return reply.header('x-request-id', requestId).header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
}

export function verifyRoutes(app: App, { services, metrics, config }: RouteDeps): void {
  const verifierRequired = config.verifyAuth === 'verifier';

  /** The answer, from a prepared text (the cached path allocates no closure: this is made once). */
  const answer = (request: FastifyRequest, reply: FastifyReply, result: VerifyOutcome): void => {
    metrics.countVerification(result.scheme, result.valid ? 'VALID' : result.code);
    metrics.countAnswer('/v1/verify', 200);
    hotHeaders(reply, request.id)
      .type('application/json; charset=utf-8')
      .serializer(serializeAnswer)
      .send(result.valid ? successAnswer(result.key) : failureAnswers[result.code]);
  };

  /** Verifies the credential once the caller is known (`scope` null: open mode, no verifier given). */
  const check = (request: FastifyRequest, reply: FastifyReply, credential: Credential, context: VerifyContext, scope: VerifierScope | null): void => {
    if (scope !== null) {
      context.tenantId = scope.tenantId;
      context.verifierKeyId = scope.verifierKeyId;
    }
    const outcome = services.verification.verify(credential, context);
    // A cached key answers in this very call; only a cache miss waits for the database (and
    // a database that cannot be reached goes to the error handler: 503).
    // (An Error given to send() goes to the error handler; the typed payload union does not list it.)
    if (outcome instanceof Promise)
      outcome.then(
        (result) => answer(request, reply, result),
        (error: unknown) => reply.send(error as never),
      );
    else answer(request, reply, outcome);
  };

  app.post(
    '/v1/verify',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['verification'],
        summary: 'Verify a bearer token or a signed request (AWS SigV4, Tencent TC3). Expected failures are 200 with valid=false and a code.',
        description:
          'Callers are verifiers: Authorization: Bearer <token of an access key of your tenant holding latchkey:verify> (unless the server runs with LATCHKEY_VERIFY_AUTH=open). ' +
          "A verifier sees only its tenant's keys: any other key answers as an unknown one. context (the end client's address and agent) is taken from verifiers only.",
        security: [{ bearer: [] }],
        body: VerifyBody,
        response: { 200: VerifyResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 503: ErrorResponse },
      },
    },
    (request, reply) => {
      // Bad input is refused before anything is verified (the verifier's own check included).
      const body = request.body;
      let credential: Credential;
      let userAgent: string | undefined;
      const given = body.context;
      if (body.token !== undefined && body.request === undefined) {
        credential = { kind: 'token', token: body.token };
        userAgent = given?.userAgent ?? request.headers['user-agent'];
      } else if (body.request !== undefined && body.token === undefined) {
        const signed = signableFromJson(body.request);
        credential = { kind: 'signed', request: signed };
        // The signed request's own agent is the end client's; this request's is the caller's server.
        userAgent = given?.userAgent ?? headerValue(signed.headers, 'user-agent') ?? request.headers['user-agent'];
      } else {
        throw new AppError('VALIDATION_FAILED', 'Give exactly one of token (a bearer token) and request (a signed request).', { field: 'token' });
      }
      // One shape for every request (the verifier's scope is filled in once known).
      const context: VerifyContext = {
        permission: body.permission,
        sourceIp: checkSourceIp(given?.sourceIp) ?? request.ip,
        userAgent: cleanUserAgent(userAgent),
        tenantId: undefined,
        verifierKeyId: null,
      };
      const authorization = request.headers.authorization;
      if (authorization === undefined && !verifierRequired) {
        if (given !== undefined) throw new AppError('VERIFIER_REQUIRED', 'context (sourceIp, userAgent) is accepted only from a verifier: send Authorization: Bearer <verifier token>.');
        check(request, reply, credential, context, null);
        return;
      }
      const scope = verifierOf(services.verification, authorization, request);
      if (scope instanceof Promise) scope.then((s) => check(request, reply, credential, context, s)).catch((error: unknown) => reply.send(error as never));
      else check(request, reply, credential, context, scope);
    },
  );
}
