import { Type } from '@sinclair/typebox';
import { AppError } from '../../core/errors.js';
import { userView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import { cookieName, DEVICE_COOKIE, SESSION_COOKIE } from '../authenticate.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse, UserSchema } from '../schemas.js';

export function authRoutes(app: App, { services, config }: RouteDeps): void {
  const sessionCookie = cookieName(SESSION_COOKIE, config.cookieSecure);
  const deviceCookie = cookieName(DEVICE_COOKIE, config.cookieSecure);
  const cookieOptions = { httpOnly: true, sameSite: 'strict', secure: config.cookieSecure, path: '/' } as const;
  app.post(
    '/v1/auth/login',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: Type.Object(
          {
            tenant: Type.String({ minLength: 1, maxLength: 100, description: 'Tenant ID or name' }),
            email: Type.String({ minLength: 3, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
            totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'The authenticator code, once the user set one up (else 401 TOTP_REQUIRED)' })),
            recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Instead of totp: one of the recovery codes shown at authenticator setup (each works once)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: UserSchema, csrfToken: Type.String(), expiresAt: Type.String() }), 401: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (request.body.totp !== undefined && request.body.recoveryCode !== undefined) throw new AppError('VALIDATION_FAILED', 'Give either totp or recoveryCode, not both.');
      const result = await services.auth.login({
        tenant: request.body.tenant,
        email: request.body.email,
        password: request.body.password,
        totp: request.body.totp,
        recoveryCode: request.body.recoveryCode,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        deviceToken: request.cookies[deviceCookie],
      });
      reply.setCookie(sessionCookie, result.sessionToken, { ...cookieOptions, expires: result.expiresAt });
      // Long-lived and kept at logout: it marks this browser as one that signed in before, so
      // guesses from elsewhere never lock it out (it is no session and grants nothing by itself).
      reply.setCookie(deviceCookie, result.deviceToken, { ...cookieOptions, expires: result.deviceExpiresAt });
      const user = await services.users.get(
        { tenantId: result.user.tenantId, user: result.user, via: 'session', accessKeyId: null, keyPermissions: null, ip: request.ip, userAgent: null },
        result.user.id,
      );
      return { user: userView(user), csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post(
    '/v1/auth/logout',
    { config: { auth: 'user-before-password-change' }, schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      if (!request.session) throw new AppError('FORBIDDEN', 'Only console sessions can sign out; access keys have no session.');
      await services.auth.logout(actorOf(request), request.session.token);
      reply.clearCookie(sessionCookie, cookieOptions);
      return reply.code(204).send(null);
    },
  );
}
