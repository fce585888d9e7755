import { Type } from '@sinclair/typebox';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse } from '../schemas.js';

/** What every request for a reset link is answered, whether or not the account exists. */
export const RESET_REQUESTED_MESSAGE = 'If this tenant has an active user with this email, a link to set a new password is on its way. It works once, for 30 minutes.';

export function passwordRecoveryRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/auth/options',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['auth'],
        summary: 'What the sign-in page may offer on this server',
        response: { 200: Type.Object({ passwordResetByEmail: Type.Boolean({ description: 'Whether "forgot password" by email works (the server can send mail)' }) }) },
      },
    },
    async () => ({ passwordResetByEmail: services.recovery.available }),
  );

  app.post(
    '/v1/auth/password-reset',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['auth'],
        summary: 'Forgot password: mail a single-use link (30 minutes) to the user; the answer is the same whether or not the account exists',
        body: Type.Object(
          { tenant: Type.String({ minLength: 1, maxLength: 100, description: 'Tenant ID or name' }), email: Type.String({ minLength: 3, maxLength: 254 }) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ message: Type.String() }), 409: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      services.recovery.request({ tenant: request.body.tenant, email: request.body.email, ip: request.ip });
      return reply.code(202).send({ message: RESET_REQUESTED_MESSAGE });
    },
  );

  app.post(
    '/v1/auth/password-reset/complete',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['auth'],
        summary: "Set a new password with the mailed link's token; the link is spent and every session of the user ends",
        body: Type.Object(
          {
            token: Type.String({ minLength: 1, maxLength: 200, description: 'The part of the link after #' }),
            newPassword: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await services.recovery.complete({ token: request.body.token, newPassword: request.body.newPassword, ip: request.ip });
      return reply.code(204).send(null);
    },
  );
}
