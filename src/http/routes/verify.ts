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
const refusalTexts = new Set(Object.values(failureAnswers).map((answer) => answerText.get(answer)!));

/** Whether an answer text of the runner is a refusal (valid: false), which the refusal floor holds back. */
export const isRefusal = (text: string): boolean => refusalTexts.has(text);

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

/** The answers above are turned into text once; anything else still goes through JSON.stringify. */
function serializeAnswer(answer: Answer): string {
  return answerText.get(answer) ?? JSON.stringify(answer);
}

/** The headers every management answer gets from its onRequest hook, set here in one go (the verification context has no hooks). */
export function hotHeaders(reply: FastifyReply, requestId: string): FastifyReply {
  return reply.header('x-request-id', requestId).header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
}

/** What the handler needs of a request: the already-validated body and a few facts about the caller. */
export interface VerifyCall {
  body: Static<typeof VerifyBody>;
  /** The caller's address (after LATCHKEY_TRUST_PROXY). */
  ip: string;
  userAgent: string | undefined;
  authorization: string | undefined;
}

/**
 * The answer to a verification call, as the JSON text to send (200): synchronous for a cached key
 * (every request of the steady state), a promise on a cache miss. Throws (or rejects with) an
 * AppError for bad input and refused verifiers. Shared by the Fastify route and the socket fast
 * path (fast-verify.ts), so both answer alike.
 */
export type VerifyRunner = (call: VerifyCall) => string | Promise<string>;

export function verifyRunner({ services, metrics, config }: Pick<RouteDeps, 'services' | 'metrics' | 'config'>): VerifyRunner {
  const verifierRequired = config.verifyAuth === 'verifier';

  const answer = (result: VerifyOutcome): string => {
    metrics.countVerification(result.scheme, result.valid ? 'VALID' : result.code);
    metrics.countAnswer('/v1/verify', 200);
    return serializeAnswer(result.valid ? successAnswer(result.key) : failureAnswers[result.code]);
  };

  /** Verifies the credential once the caller is known (`scope` null: open mode, no verifier given). */
  const check = (credential: Credential, context: VerifyContext, scope: VerifierScope | null): string | Promise<string> => {
    if (scope !== null) {
      context.tenantId = scope.tenantId;
      context.verifierKeyId = scope.verifierKeyId;
    }
    // A cached key answers in this very call; only a cache miss waits for the database.
    const outcome = services.verification.verify(credential, context);
    return outcome instanceof Promise ? outcome.then(answer) : answer(outcome);
  };

  return ({ body, ip, userAgent: agentHeader, authorization }) => {
    // Bad input is refused before anything is verified (the verifier's own check included).
    let credential: Credential;
    let userAgent: string | undefined;
    const given = body.context;
    if (body.token !== undefined && body.request === undefined) {
      credential = { kind: 'token', token: body.token };
      userAgent = given?.userAgent ?? agentHeader;
    } else if (body.request !== undefined && body.token === undefined) {
      const signed = signableFromJson(body.request);
      credential = { kind: 'signed', request: signed };
      // The signed request's own agent is the end client's; this request's is the caller's server.
      userAgent = given?.userAgent ?? headerValue(signed.headers, 'user-agent') ?? agentHeader;
    } else {
      throw new AppError('VALIDATION_FAILED', 'Give exactly one of token (a bearer token) and request (a signed request).', { field: 'token' });
    }
    // One shape for every request (the verifier's scope is filled in once known).
    const context: VerifyContext = {
      permission: body.permission,
      sourceIp: checkSourceIp(given?.sourceIp) ?? ip,
      userAgent: cleanUserAgent(userAgent),
      tenantId: undefined,
      verifierKeyId: null,
    };
    if (authorization === undefined && !verifierRequired) {
      if (given !== undefined) throw new AppError('VERIFIER_REQUIRED', 'context (sourceIp, userAgent) is accepted only from a verifier: send Authorization: Bearer <verifier token>.');
      return check(credential, context, null);
    }
    const scope = verifierOf(services.verification, authorization, ip, agentHeader);
    return scope instanceof Promise ? scope.then((s) => check(credential, context, s)) : check(credential, context, scope);
  };
}

export function verifyRoutes(app: App, deps: RouteDeps): void {
  const run = deps.verify;
  const floor = deps.refusals;
  const send = (request: FastifyRequest, reply: FastifyReply, text: string, startedAt: number): void => {
    const go = () => hotHeaders(reply, request.id).type('application/json; charset=utf-8').serializer(passText).send(text);
    if (isRefusal(text)) floor.hold(startedAt, go);
    else go();
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
      // When the request arrived (the refusal floor counts from there).
      const startedAt = performance.now() - reply.elapsedTime;
      const text = run({ body: request.body, ip: request.ip, userAgent: request.headers['user-agent'], authorization: request.headers.authorization });
      // (An Error given to send() goes to the error handler: a database that cannot be reached answers 503.)
      if (typeof text === 'string') send(request, reply, text, startedAt);
      else
        text.then(
          (t) => send(request, reply, t, startedAt),
          (error: unknown) => reply.send(error as never),
        );
    },
  );
}

/** The answer is JSON text already. */
const passText = (payload: unknown): string => payload as string;
