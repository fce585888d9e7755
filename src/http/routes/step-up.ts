import { Type } from '@sinclair/typebox';
import { actorOf } from '../actor.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse } from '../schemas.js';

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
      const status = await services.stepUp.status(actorOf(request));
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
      const started = await services.stepUp.start(actorOf(request));
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
      const result = await services.stepUp.verify(actorOf(request), request.body.code);
      return { verifiedUntil: result.verifiedUntil.toISOString() };
    },
  );
}
