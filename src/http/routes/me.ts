import { Type } from '@sinclair/typebox';
import { AppError } from '../../core/errors.js';
import { keyLimitFor } from '../../core/policy.js';
import { userView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import type { App, RouteDeps } from '../app-types.js';
import { ErrorResponse, PolicySchema, UserSchema } from '../schemas.js';

export function meRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/me',
    {
      config: { auth: 'user-before-password-change' },
      schema: {
        tags: ['me'],
        summary: 'Who am I: the user, the tenant, its policy, and how the request was authenticated',
        response: {
          200: Type.Object({
            user: UserSchema,
            tenant: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() }),
            policy: PolicySchema,
            via: Type.String(),
            accessKeyId: Type.Union([Type.String(), Type.Null()]),
            csrfToken: Type.Union([Type.String(), Type.Null()]),
            keyCount: Type.Integer({ description: 'Keys the user holds (not deleted)' }),
            keyLimit: Type.Union([Type.Integer(), Type.Null()]),
            unreadNotifications: Type.Integer(),
            totpEnabled: Type.Boolean(),
            stepUp: Type.Object({
              method: Type.Union([Type.Literal('none'), Type.Literal('email'), Type.Literal('totp')]),
              verifiedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            }),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const tenant = await services.tenants.get(actor.tenantId);
      const user = await services.users.get(actor, actor.user.id);
      const keyCount = await services.keys.countHeld(actor);
      const stepUp = await services.stepUp.status(actor, tenant.policy);
      return {
        user: userView(user),
        tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
        policy: tenant.policy,
        via: actor.via,
        accessKeyId: actor.accessKeyId,
        csrfToken: request.session?.lookup.csrfToken ?? null,
        keyCount,
        keyLimit: keyLimitFor(actor.user.role, tenant.policy),
        unreadNotifications: await services.notifications.unreadCount(actor),
        totpEnabled: user.totpEnabled,
        stepUp: { method: stepUp.method, verifiedUntil: stepUp.verifiedUntil?.toISOString() ?? null },
      };
    },
  );

  app.put(
    '/v1/me/password',
    {
      config: { auth: 'user-before-password-change' },
      schema: {
        tags: ['me'],
        summary: 'Change my password (required after a one-time password)',
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.via !== 'session' || !request.session) throw new AppError('FORBIDDEN', 'Passwords are changed from a console session.');
      await services.auth.changePassword(actor, request.body.currentPassword, request.body.newPassword, request.session.token);
      return reply.code(204).send(null);
    },
  );
}
