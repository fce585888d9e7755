import { Type } from '@sinclair/typebox';
import { createdUserView, pageView, userView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import { limitOf, type App, type RouteDeps } from '../app-types.js';
import { ErrorResponse, pageOf, Paging, UserIdParam, UserSchema } from '../schemas.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('member')]);
const RoleIds = Type.Array(Type.String({ maxLength: 40 }), { maxItems: 50 });

export function userRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/users',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['users'],
        summary: 'List the users of the tenant (admins); q finds those whose email or name contains it, in any case',
        querystring: Type.Object({ q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), ...Paging }, { additionalProperties: false }),
        response: { 200: pageOf(UserSchema) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await services.users.list(actorOf(request), {
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.q !== undefined && { q: q.q }),
        limit: limitOf(q.limit),
      });
      return pageView(page, userView);
    },
  );

  app.post(
    '/v1/users',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['users'],
        summary: 'Create a user (admins). Without a password, a one-time password is generated and returned once.',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            role: Type.Optional(Role),
            password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            programmaticAccess: Type.Optional(Type.Boolean()),
            roleIds: Type.Optional(RoleIds),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ user: UserSchema, oneTimePassword: Type.Union([Type.String(), Type.Null()]) }), 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const result = await services.users.create(actorOf(request), request.body);
      return reply.code(201).send(createdUserView(result));
    },
  );

  app.get(
    '/v1/users/:userId',
    { config: { auth: 'user' }, schema: { tags: ['users'], summary: 'Get a user', params: Type.Object({ userId: UserIdParam }), response: { 200: UserSchema, 404: ErrorResponse } } },
    async (request) => userView(await services.users.get(actorOf(request), request.params.userId)),
  );

  app.get(
    '/v1/users/:userId/key-quota',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['users'],
        summary: "How many keys a user holds (not deleted) and the policy's limit for them (members: themselves only)",
        params: Type.Object({ userId: UserIdParam }),
        response: { 200: Type.Object({ keyCount: Type.Integer(), keyLimit: Type.Union([Type.Integer(), Type.Null()], { description: 'null = any number' }) }), 404: ErrorResponse },
      },
    },
    async (request) => {
      const quota = await services.keys.quota(actorOf(request), request.params.userId);
      return { keyCount: quota.held, keyLimit: quota.limit };
    },
  );

  app.patch(
    '/v1/users/:userId',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['users'],
        summary: 'Change a user: email, name, role, programmatic access, status (disabling stops their keys at once), roles',
        params: Type.Object({ userId: UserIdParam }),
        body: Type.Object(
          {
            email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            role: Type.Optional(Role),
            programmaticAccess: Type.Optional(Type.Boolean()),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
            roleIds: Type.Optional(RoleIds),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => userView(await services.users.update(actorOf(request), request.params.userId, request.body)),
  );

  app.post(
    '/v1/users/:userId/password-reset',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['users'],
        summary: "Reset another user's password (admins): a one-time password is answered once, the user must change it at next sign-in, and their sessions end",
        params: Type.Object({ userId: UserIdParam }),
        response: { 200: Type.Object({ user: UserSchema, oneTimePassword: Type.String() }), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const result = await services.users.resetPassword(actorOf(request), request.params.userId);
      reply.header('Cache-Control', 'no-store');
      return { user: userView(result.user), oneTimePassword: result.oneTimePassword };
    },
  );
}
