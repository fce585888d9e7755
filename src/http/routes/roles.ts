import { Type } from '@sinclair/typebox';
import { objectIdPattern } from '../../core/key-format.js';
import { groupView, pageView, roleView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import { limitOf, type App, type RouteDeps } from '../app-types.js';
import { ErrorResponse, GroupIdParam, GroupSchema, pageOf, Paging, RoleIdParam, RoleSchema } from '../schemas.js';

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 500 });
const Permissions = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 200 });
const RoleIds = Type.Array(Type.String({ pattern: objectIdPattern('role') }), { maxItems: 50 });
const UserIds = Type.Array(Type.String({ pattern: objectIdPattern('user') }), { maxItems: 1000 });

export function roleRoutes(app: App, { services }: RouteDeps): void {
  const auth = { auth: 'user' as const };
  app.get(
    '/v1/roles',
    { config: auth, schema: { tags: ['roles'], summary: 'List roles', querystring: Type.Object(Paging, { additionalProperties: false }), response: { 200: pageOf(RoleSchema) } } },
    async (request) => {
      const page = await services.roles.listRoles(actorOf(request), { ...(request.query.cursor !== undefined && { cursor: request.query.cursor }), limit: limitOf(request.query.limit) });
      return pageView(page, roleView);
    },
  );
  app.post(
    '/v1/roles',
    {
      config: { ...auth },
      schema: {
        tags: ['roles'],
        summary: 'Create a role: a named set of permission strings (admins)',
        body: Type.Object({ name: Name, description: Type.Optional(Description), permissions: Permissions }, { additionalProperties: false }),
        response: { 201: RoleSchema, 409: ErrorResponse },
      },
    },
    async (request, reply) => reply.code(201).send(roleView(await services.roles.createRole(actorOf(request), request.body))),
  );
  app.get(
    '/v1/roles/:roleId',
    { config: auth, schema: { tags: ['roles'], summary: 'Get a role', params: Type.Object({ roleId: RoleIdParam }), response: { 200: RoleSchema, 404: ErrorResponse } } },
    async (request) => roleView(await services.roles.getRole(actorOf(request), request.params.roleId)),
  );
  app.patch(
    '/v1/roles/:roleId',
    {
      config: { ...auth },
      schema: {
        tags: ['roles'],
        summary: 'Change a role (admins); keys using it change at once',
        params: Type.Object({ roleId: RoleIdParam }),
        body: Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description), permissions: Type.Optional(Permissions) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: RoleSchema, 404: ErrorResponse },
      },
    },
    async (request) => roleView(await services.roles.updateRole(actorOf(request), request.params.roleId, request.body)),
  );
  app.delete(
    '/v1/roles/:roleId',
    { config: { ...auth }, schema: { tags: ['roles'], summary: 'Delete a role (admins)', params: Type.Object({ roleId: RoleIdParam }), response: { 204: Type.Null(), 404: ErrorResponse } } },
    async (request, reply) => {
      await services.roles.deleteRole(actorOf(request), request.params.roleId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/groups',
    { config: auth, schema: { tags: ['groups'], summary: 'List groups', querystring: Type.Object(Paging, { additionalProperties: false }), response: { 200: pageOf(GroupSchema) } } },
    async (request) => {
      const page = await services.roles.listGroups(actorOf(request), { ...(request.query.cursor !== undefined && { cursor: request.query.cursor }), limit: limitOf(request.query.limit) });
      return pageView(page, groupView);
    },
  );
  app.post(
    '/v1/groups',
    {
      config: { ...auth },
      schema: {
        tags: ['groups'],
        summary: 'Create a group of users that carries roles (admins)',
        body: Type.Object({ name: Name, description: Type.Optional(Description), roleIds: Type.Optional(RoleIds), userIds: Type.Optional(UserIds) }, { additionalProperties: false }),
        response: { 201: GroupSchema, 409: ErrorResponse },
      },
    },
    async (request, reply) => reply.code(201).send(groupView(await services.roles.createGroup(actorOf(request), request.body))),
  );
  app.get(
    '/v1/groups/:groupId',
    { config: auth, schema: { tags: ['groups'], summary: 'Get a group', params: Type.Object({ groupId: GroupIdParam }), response: { 200: GroupSchema, 404: ErrorResponse } } },
    async (request) => groupView(await services.roles.getGroup(actorOf(request), request.params.groupId)),
  );
  app.patch(
    '/v1/groups/:groupId',
    {
      config: { ...auth },
      schema: {
        tags: ['groups'],
        summary: 'Change a group (admins)',
        params: Type.Object({ groupId: GroupIdParam }),
        body: Type.Object(
          { name: Type.Optional(Name), description: Type.Optional(Description), roleIds: Type.Optional(RoleIds), userIds: Type.Optional(UserIds) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: GroupSchema, 404: ErrorResponse },
      },
    },
    async (request) => groupView(await services.roles.updateGroup(actorOf(request), request.params.groupId, request.body)),
  );
  app.delete(
    '/v1/groups/:groupId',
    { config: { ...auth }, schema: { tags: ['groups'], summary: 'Delete a group (admins)', params: Type.Object({ groupId: GroupIdParam }), response: { 204: Type.Null(), 404: ErrorResponse } } },
    async (request, reply) => {
      await services.roles.deleteGroup(actorOf(request), request.params.groupId);
      return reply.code(204).send(null);
    },
  );
}
