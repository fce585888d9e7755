import { Type } from '@sinclair/typebox';
import { actorOf } from '../actor.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse, UserIdParam } from '../schemas.js';

const CodeBody = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code the authenticator app shows now' }) }, { additionalProperties: false });
const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

export function totpRoutes(app: App, { services }: RouteDeps): void {
  app.post(
    '/v1/me/totp',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['me'],
        summary: 'Start setting up an authenticator app (TOTP, SHA-1, 6 digits, 30 s); confirm with a first code',
        response: {
          200: Type.Object({
            secret: Type.String({ description: 'Base32 secret to type into the app; stored sealed, shown only now' }),
            otpauthUrl: Type.String({ description: 'otpauth://totp/… link holding the same secret (the console shows it as a QR code)' }),
            recoveryCodes: Type.Array(Type.String(), { description: '10 single-use codes to sign in with instead of an app code; stored as digests, shown only now' }),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return services.totp.enroll(actorOf(request));
    },
  );

  app.post(
    '/v1/me/totp/confirm',
    { config: { auth: 'user' }, schema: { tags: ['me'], summary: 'Turn the authenticator app on with a first code from it', body: CodeBody, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await services.totp.confirm(actorOf(request), request.body.code);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v1/me/totp',
    { config: { auth: 'user' }, schema: { tags: ['me'], summary: 'Turn the authenticator app off (needs a current code from it)', body: CodeBody, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await services.totp.remove(actorOf(request), request.body.code);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v1/users/:userId/totp',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['users'],
        summary: "Reset another user's authenticator app (admins): they sign in with their password again, and their sessions end",
        params: Type.Object({ userId: UserIdParam }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await services.totp.reset(actorOf(request), request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/me/totp/recovery-codes',
    {
      config: { auth: 'user' },
      schema: { tags: ['me'], summary: 'How many unused recovery codes I have', response: { 200: Type.Object({ remaining: Type.Integer() }), ...errors } },
    },
    async (request) => ({ remaining: await services.totp.recoveryCodesLeft(actorOf(request)) }),
  );

  app.post(
    '/v1/me/totp/recovery-codes',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['me'],
        summary: 'Replace my recovery codes with 10 new ones (needs a current code from the authenticator app); the old ones stop',
        body: CodeBody,
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return { recoveryCodes: await services.totp.regenerateRecoveryCodes(actorOf(request), request.body.code) };
    },
  );
}
