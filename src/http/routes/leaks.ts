import { Type } from '@sinclair/typebox';
import { MAX_LEAK_ITEMS, MAX_LEAK_TOKEN, MAX_LEAK_URL, MAX_LEAK_WORD } from '../../core/leaks.js';
import { bearerToken } from '../../services/credential.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse } from '../schemas.js';
import { cleanUserAgent } from '../verifier.js';

/** Text a scanner reports about where a token was, later shown in mail and the console: one line, no control characters. */
const line = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$', description });

/** GitHub's secret scanning partner payload: [{token, type, url, source}]. */
const FoundTokens = Type.Array(
  Type.Object(
    {
      token: Type.String({ minLength: 1, maxLength: MAX_LEAK_TOKEN, description: 'The token as found' }),
      type: Type.Optional(line(MAX_LEAK_WORD, "The scanner's name for the token type, answered back as token_type")),
      url: Type.Optional(line(MAX_LEAK_URL, 'Where it was found')),
      source: Type.Optional(line(MAX_LEAK_WORD, 'What was scanned: content, commit, pull_request_description, npm …')),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: MAX_LEAK_ITEMS },
);

const LeakAnswers = Type.Array(
  Type.Object({
    token_hash: Type.String({ description: 'SHA-256 of the token as sent, lower-case hex' }),
    token_type: Type.String(),
    label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')], {
      description: "true_positive: a key of the reporter's tenant, now disabled or flagged; false_positive: anything else (no such key, a wrong secret, a deleted key, or another tenant's key)",
    }),
  }),
);

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

/**
 * Leak response: POST /v1/leaks for scanners (a credential holding latchkey:report-leaks), and
 * POST /v1/access-keys/self-revoke for whoever holds a token. Neither takes a session: both
 * authenticate by the token they carry (auth none for the management hooks).
 */
export function leakRoutes(app: App, { services }: RouteDeps): void {
  const caller = (request: { ip: string; headers: { 'user-agent'?: string | undefined } }) => ({ ip: request.ip, userAgent: cleanUserAgent(request.headers['user-agent']) });

  app.post(
    '/v1/leaks',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['leak response'],
        summary: "Report tokens found in the wild (GitHub secret scanning's partner format); answers each in GitHub's expected shape",
        description:
          "Authorization: Bearer <token of a key holding latchkey:report-leaks>. Each reported token that is a key's (its secret matches) disables the key, or only flags it, as that key's tenant policy leakResponse says; the owner and admins get a bell notification and a mail saying where it was found.",
        security: [{ bearer: [] }],
        body: FoundTokens,
        response: { 200: LeakAnswers, ...errors },
      },
    },
    async (request) => {
      const reporter = await services.leaks.reporter(bearerToken(request.headers.authorization), caller(request));
      return services.leaks.report(reporter, request.body, caller(request));
    },
  );

  app.post(
    '/v1/access-keys/self-revoke',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['leak response'],
        summary: 'Disable the key of the token presented (Authorization: Bearer <token>), no other sign-in needed',
        description:
          'For whoever holds a token that must stop working (as GitHub credential revocation): the key is disabled whatever the policy, its owner and the admins are told. Failed attempts are throttled as failed verifications are.',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ accessKeyId: Type.String(), state: Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('deleted')]) }), ...errors },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return services.leaks.selfRevoke(bearerToken(request.headers.authorization), caller(request));
    },
  );
}
