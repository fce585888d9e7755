import type { Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { OVER_RATE_LIMIT_MESSAGE, VERIFY_CODES, VERIFY_MESSAGES, type VerifyCode } from '../../core/verification.js';
import { headerValue, type Credential } from '../../services/credential.js';
import type { CachedKey } from '../../services/key-cache.js';
import type { KeyControls } from '../../core/usage-controls.js';
import type { UsageVerdict } from '../../services/usage-controls/usage-gate.js';
import type { VerifyContext, VerifyOutcome } from '../../services/verification-service.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse, VerifyBatchBody, VerifyBatchResponse, VerifyBody, VerifyResponse } from '../schemas.js';
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
const REFUSAL_START = '{"valid":false';
for (const text of refusalTexts) if (!text.startsWith(REFUSAL_START)) throw new Error(`verify: a refusal answer that does not start with ${REFUSAL_START}: ${text}`);

/**
 * Whether an answer text of the runner is a refusal (valid: false, one of the fixed texts above),
 * which the refusal floor holds back. A success never reaches the set: an answer made for its
 * request (a key's limits' states) would be hashed whole to be looked up there (~0.5 µs).
 */
export const isRefusal = (text: string): boolean => text.startsWith(REFUSAL_START) && refusalTexts.has(text);

export function successAnswer(key: CachedKey): Answer {
  let answer = successAnswers.get(key);
  if (answer === undefined) {
    answer = remember(successOf(key, undefined));
    successAnswers.set(key, answer);
  }
  return answer;
}

/** Property order follows VerifyResponse, as the schema serializer would write it. */
function successOf(key: CachedKey, usage: UsageVerdict | undefined): Answer {
  const controls = key.controls;
  return {
    valid: true,
    accessKeyId: key.key.accessKeyId,
    tenantId: key.key.tenantId,
    userId: key.key.ownerId,
    type: key.key.type,
    permissions: key.permissions,
    expiresAt: key.key.expiresAt?.toISOString() ?? null,
    ...usageFields(controls, usage),
  };
}

/** What usage control adds to an answer: the key's identity and metadata, its limits' states, its credits left. */
function usageFields(controls: KeyControls | null, usage: UsageVerdict | undefined) {
  return {
    ...(controls?.externalId != null && { externalId: controls.externalId }),
    ...(controls?.meta != null && { meta: controls.meta as Record<string, unknown> }),
    ...(usage?.ratelimits != null && { ratelimits: usage.ratelimits }),
    ...(usage?.credits != null && { credits: { remaining: usage.credits } }),
  };
}

const USAGE_MESSAGES = { RATE_LIMITED: OVER_RATE_LIMIT_MESSAGE, IP_NOT_ALLOWED: VERIFY_MESSAGES.IP_NOT_ALLOWED, USAGE_EXCEEDED: VERIFY_MESSAGES.USAGE_EXCEEDED } as const;

/**
 * The answer to an outcome. Keys without usage control (and successes that checked no limit or
 * credit) answer with the same object every time; the others are made for this request.
 */
export function answerOf(result: VerifyOutcome): Answer {
  if (result.valid) return result.usage === undefined || (result.usage.ratelimits === null && result.usage.credits === null) ? successAnswer(result.key) : successOf(result.key, result.usage);
  const usage = result.usage;
  if (usage === undefined || usage.code === null) return failureAnswers[result.code];
  return { valid: false, code: usage.code, message: USAGE_MESSAGES[usage.code], ...usageFields(result.key?.controls ?? null, usage) };
}

const failureTexts = Object.fromEntries(VERIFY_CODES.map((code) => [code, answerText.get(failureAnswers[code])!])) as Record<VerifyCode, string>;

/**
 * The answer to an outcome as JSON text: a key's plain success is turned into text once and kept
 * on its cache entry (a field, where a WeakMap lookup per request cost ~2 µs), a plain refusal is
 * one of a fixed set, anything else goes through JSON.stringify.
 */
function answerTextOf(result: VerifyOutcome): string {
  if (result.valid) {
    result.key.successText ??= JSON.stringify(successOf(result.key, undefined));
    const usage = result.usage;
    if (usage === undefined || (usage.ratelimits === null && usage.credits === null)) return result.key.successText;
    // The same text as JSON.stringify(successOf(key, usage)): the limits' states and the credits
    // left come last, after the fields of the key's plain success.
    const base = result.key.successText;
    const limits = usage.ratelimits === null ? '' : `,"ratelimits":${JSON.stringify(usage.ratelimits)}`;
    const credits = usage.credits === null ? '' : `,"credits":{"remaining":${usage.credits}}`;
    return `${base.slice(0, -1)}${limits}${credits}}`;
  }
  if (result.usage === undefined || result.usage.code === null) return failureTexts[result.code];
  return JSON.stringify(answerOf(result));
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
  return verifyRunners({ services, metrics, config }).single;
}

/** One item of a batch (or the single call's body): the credential and its context, or an AppError naming the field (`at` prefixes it). */
function itemOf(body: Static<typeof VerifyBody>, ip: string, agentHeader: string | undefined, at: string): { credential: Credential; context: VerifyContext } {
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
    throw new AppError('VALIDATION_FAILED', 'Give exactly one of token (a bearer token) and request (a signed request).', { field: `${at}token` });
  }
  // One shape for every request (the verifier's scope is filled in once known).
  const context: VerifyContext = {
    permission: body.permission,
    sourceIp: checkSourceIp(given?.sourceIp) ?? ip,
    userAgent: cleanUserAgent(userAgent),
    tenantId: undefined,
    verifierKeyId: null,
    cost: body.cost ?? 1,
  };
  return { credential, context };
}

/** The runners of `POST /v1/verify` and `POST /v1/verify/batch`: one verification, or up to 100 answered as that one would be. */
export function verifyRunners({ services, metrics, config }: Pick<RouteDeps, 'services' | 'metrics' | 'config'>): {
  single: VerifyRunner;
  batch: (call: BatchCall) => BatchAnswer | Promise<BatchAnswer>;
} {
  const verifierRequired = config.verifyAuth === 'verifier';

  const answerFor =
    (route: string) =>
    (result: VerifyOutcome): string => {
      metrics.countVerification(result.scheme, result.valid ? 'VALID' : result.code);
      metrics.countAnswer(route, 200);
      return answerTextOf(result);
    };
  const answer = answerFor('/v1/verify');
  const itemAnswer = (result: VerifyOutcome): string => {
    metrics.countVerification(result.scheme, result.valid ? 'VALID' : result.code);
    return answerTextOf(result);
  };

  /** Verifies the credential once the caller is known (`scope` null: open mode, no verifier given). */
  const check = (credential: Credential, context: VerifyContext, scope: VerifierScope | null, done: (result: VerifyOutcome) => string): string | Promise<string> => {
    if (scope !== null) {
      context.tenantId = scope.tenantId;
      context.verifierKeyId = scope.verifierKeyId;
    }
    // A cached key answers in this very call; only a cache miss waits for the database.
    const outcome = services.verification.verify(credential, context);
    return outcome instanceof Promise ? outcome.then(done) : done(outcome);
  };

  /** The verifier's scope, or null in open mode without one; throws when context is given without a verifier. */
  const scopeOf = (authorization: string | undefined, ip: string, agentHeader: string | undefined, hasContext: boolean): VerifierScope | null | Promise<VerifierScope> => {
    if (authorization === undefined && !verifierRequired) {
      if (hasContext) throw new AppError('VERIFIER_REQUIRED', 'context (sourceIp, userAgent) is accepted only from a verifier: send Authorization: Bearer <verifier token>.');
      return null;
    }
    return verifierOf(services.verification, authorization, ip, agentHeader);
  };

  const single: VerifyRunner = ({ body, ip, userAgent: agentHeader, authorization }) => {
    // Bad input is refused before anything is verified (the verifier's own check included).
    const { credential, context } = itemOf(body, ip, agentHeader, '');
    const scope = scopeOf(authorization, ip, agentHeader, body.context !== undefined);
    return scope instanceof Promise ? scope.then((s) => check(credential, context, s, answer)) : check(credential, context, scope, answer);
  };

  const batch = ({ body, ip, userAgent: agentHeader, authorization }: BatchCall): BatchAnswer | Promise<BatchAnswer> => {
    const items = body.items.map((item, i) => itemOf(item, ip, agentHeader, `items.${i}.`));
    const scope = scopeOf(
      authorization,
      ip,
      agentHeader,
      body.items.some((item) => item.context !== undefined),
    );
    const run = (s: VerifierScope | null): BatchAnswer | Promise<BatchAnswer> => {
      metrics.countAnswer('/v1/verify/batch', 200);
      const texts = items.map(({ credential, context }) => check(credential, context, s, itemAnswer));
      const join = (all: string[]): BatchAnswer => ({ text: `{"items":[${all.join(',')}]}`, refused: all.some(isRefusal) });
      return texts.some((t) => t instanceof Promise) ? Promise.all(texts).then(join) : join(texts as string[]);
    };
    return scope instanceof Promise ? scope.then(run) : run(scope);
  };

  return { single, batch };
}

/** A batch's answer text, and whether an item is a refusal the refusal floor holds back (then the whole answer waits). */
export interface BatchAnswer {
  text: string;
  refused: boolean;
}

export interface BatchCall extends Omit<VerifyCall, 'body'> {
  body: Static<typeof VerifyBatchBody>;
}

export function verifyRoutes(app: App, deps: RouteDeps): void {
  const run = deps.verify;
  const runBatch = verifyRunners(deps).batch;
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

  app.post(
    '/v1/verify/batch',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['verification'],
        summary: 'Verify up to 100 credentials in one call: each item is answered exactly as POST /v1/verify would answer it (access records, rate limits, credits per item), in order.',
        description: 'The caller is a verifier as for /v1/verify (one Authorization for the whole batch). More than 100 items answer 400 naming the field items.',
        security: [{ bearer: [] }],
        body: VerifyBatchBody,
        response: { 200: VerifyBatchResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 503: ErrorResponse },
      },
    },
    (request, reply) => {
      const startedAt = performance.now() - reply.elapsedTime;
      const deliver = (answer: BatchAnswer): void => {
        const go = () => hotHeaders(reply, request.id).type('application/json; charset=utf-8').serializer(passText).send(answer.text);
        if (answer.refused) floor.hold(startedAt, go);
        else go();
      };
      const answer = runBatch({ body: request.body, ip: request.ip, userAgent: request.headers['user-agent'], authorization: request.headers.authorization });
      if (answer instanceof Promise) answer.then(deliver, (error: unknown) => reply.send(error as never));
      else deliver(answer);
    },
  );
}

/** The answer is JSON text already. */
const passText = (payload: unknown): string => payload as string;
