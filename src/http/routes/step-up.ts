import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../services/actor.js';
import { actorOf } from '../authenticate.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse } from '../schemas.js';

/**
 * The actor with the session row it came through, where step-up verification is kept. Routes
 * whose operations may need step-up use this instead of actorOf; without it a session counts
 * as not verified (the safe side).
 */
export function sessionActor(request: FastifyRequest): Actor {
  const actor = actorOf(request);
  return request.session ? { ...actor, sessionIdHash: request.session.lookup.idHash } : actor;
}

const Method = Type.Union([Type.Literal('none'), Type.Literal('email'), Type.Literal('totp')]);
const errors = { 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

export function stepUpRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/auth/step-up',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'Step-up verification of this console session under the tenant policy',
        response: {
          200: Type.Object({
            method: Method,
            verifiedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            required: Type.Boolean({ description: 'True when the policy asks for a method and this session is not verified now' }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const status = await services.stepUp.status(sessionActor(request));
      return { method: status.method, verifiedUntil: status.verifiedUntil?.toISOString() ?? null, required: status.required };
    },
  );

  app.post(
    '/v1/auth/step-up/start',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'Start step-up verification: email sends a 6-digit code (valid 10 minutes, one per 30 s); totp sends nothing',
        response: {
          200: Type.Object({
            method: Method,
            sentTo: Type.Optional(Type.String({ description: 'The address the code went to, masked' })),
            expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const started = await services.stepUp.start(sessionActor(request));
      return started.method === 'email' ? { method: started.method, sentTo: started.sentTo, expiresAt: started.expiresAt.toISOString() } : started;
    },
  );

  app.post(
    '/v1/auth/step-up/verify',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'Verify with the emailed code or the authenticator code; the session stays verified for the policy’s stepUpMinutes',
        body: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$', description: '6 digits' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ verifiedUntil: Type.String({ format: 'date-time' }) }), ...errors },
      },
    },
    async (request) => {
      const result = await services.stepUp.verify(sessionActor(request), request.body.code);
      return { verifiedUntil: result.verifiedUntil.toISOString() };
    },
  );
}
