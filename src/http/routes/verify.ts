import type { Static } from '@sinclair/typebox';
import { AppError } from '../../core/errors.js';
import { VERIFY_CODES, VERIFY_MESSAGES, type VerifyCode } from '../../core/verification.js';
import { headerValue, type Credential } from '../../services/credential.js';
import type { CachedKey } from '../../services/key-cache.js';
import type { VerifyOutcome } from '../../services/verification-service.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse, VerifyBody, VerifyResponse } from '../schemas.js';
import { signableFromJson } from '../signed-input.js';

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

export function verifyRoutes(app: App, { services, metrics }: RouteDeps): void {
  app.post(
    '/v1/verify',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['verification'],
        summary: 'Verify a bearer token or a signed request (AWS SigV4, Tencent TC3). Expected failures are 200 with valid=false and a code.',
        body: VerifyBody,
        response: { 200: VerifyResponse, 400: ErrorResponse, 503: ErrorResponse },
      },
    },
    (request, reply) => {
      const body = request.body;
      let credential: Credential;
      let userAgent: string | null;
      if (body.token !== undefined && body.request === undefined) {
        credential = { kind: 'token', token: body.token };
        userAgent = body.context?.userAgent ?? request.headers['user-agent'] ?? null;
      } else if (body.request !== undefined && body.token === undefined) {
        const signed = signableFromJson(body.request);
        credential = { kind: 'signed', request: signed };
        // The signed request's own agent is the end client's; this request's is the caller's server.
        userAgent = body.context?.userAgent ?? headerValue(signed.headers, 'user-agent') ?? request.headers['user-agent'] ?? null;
      } else {
        throw new AppError('VALIDATION_FAILED', 'Give exactly one of token (a bearer token) and request (a signed request).', { field: 'token' });
      }
      const outcome = services.verification.verify(credential, { permission: body.permission, sourceIp: body.context?.sourceIp ?? request.ip, userAgent });
      const answer = (result: VerifyOutcome): void => {
        metrics.countVerification(result.scheme, result.valid ? 'VALID' : result.code);
        reply
          .type('application/json; charset=utf-8')
          .serializer(serializeAnswer)
          .send(result.valid ? successAnswer(result.key) : failureAnswers[result.code]);
      };
      // A cached key answers in this very call; only a cache miss waits for the database (and
      // a database that cannot be reached goes to the error handler: 503).
      // (An Error given to send() goes to the error handler; the typed payload union does not list it.)
      if (outcome instanceof Promise) outcome.then(answer, (error: unknown) => reply.send(error as never));
      else answer(outcome);
    },
  );
}
