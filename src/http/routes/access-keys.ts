import { Type } from '@sinclair/typebox';
import { accessKeyView, accessRecordView, issuedKeyView, keyPermissionsView, pageView, revealedKeyView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import { limitOf, type App, type RouteDeps } from '../app-types.js';
import {
  AccessKeyIdParam,
  AccessKeySchema,
  AccessRecordSchema,
  CreateKeyBody,
  ErrorResponse,
  ExternalId,
  IssuedKeySchema,
  pageOf,
  Paging,
  ReplacedKeySchema,
  RotateBody,
  UpdateKeyBody,
  UserIdParam,
} from '../schemas.js';

const Params = Type.Object({ accessKeyId: AccessKeyIdParam });
const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

/*
 * Create, reveal, rotate and enable may need step-up verification (tenant policy): they answer
 * 403 STEP_UP_REQUIRED with details.method until the console session verified. The routes pass
 * the session row along (in the actor) so the service can tell.
 */

export function accessKeyRoutes(app: App, { services }: RouteDeps): void {
  const auth = { auth: 'user' as const };
  const issued = (result: Parameters<typeof issuedKeyView>[0]) => issuedKeyView(result, services.clock.now());
  const view = (key: Parameters<typeof accessKeyView>[0]) => accessKeyView(key, services.clock.now());

  app.post(
    '/v1/access-keys',
    {
      config: { ...auth },
      schema: {
        tags: ['access keys'],
        summary: 'Create an access key. The only response that ever holds the secret.',
        body: CreateKeyBody,
        response: { 201: IssuedKeySchema, ...errors },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return reply.code(201).send(issued(await services.keys.create(actorOf(request), request.body)));
    },
  );

  app.get(
    '/v1/access-keys',
    {
      config: auth,
      schema: {
        tags: ['access keys'],
        summary: 'List access keys, newest first (members: their own; admins: the whole tenant)',
        querystring: Type.Object(
          {
            userId: Type.Optional(UserIdParam),
            state: Type.Optional(Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('deleted')])),
            type: Type.Optional(Type.Union([Type.Literal('access'), Type.Literal('api')])),
            externalId: Type.Optional(ExternalId),
            q: Type.Optional(
              Type.String({ minLength: 1, maxLength: 200, description: "An access key ID or its start (a pasted bearer token is read for its ID), or part of the key's name; any case" }),
            ),
            sort: Type.Optional(
              Type.Union([Type.Literal('created'), Type.Literal('name'), Type.Literal('lastUsed'), Type.Literal('expires')], {
                description: 'Order by (default created, newest first). Names ignore case; never used sorts as longest ago, never expires as last',
              }),
            ),
            order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'Default asc for name, desc otherwise' })),
            expiringWithinDays: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,2}|[1-2][0-9]{3}|3[0-5][0-9]{2}|36[0-4][0-9]|3650)$' })),
            ...Paging,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(AccessKeySchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await services.keys.list(actorOf(request), {
        ...(q.userId !== undefined && { userId: q.userId }),
        ...(q.state !== undefined && { state: q.state }),
        ...(q.type !== undefined && { type: q.type }),
        ...(q.externalId !== undefined && { externalId: q.externalId }),
        ...(q.q !== undefined && { q: q.q }),
        ...((q.sort !== undefined || q.order !== undefined) && { sort: q.sort ?? 'created' }),
        ...(q.order !== undefined && { order: q.order }),
        ...(q.expiringWithinDays !== undefined && { expiringWithinDays: Number(q.expiringWithinDays) }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        limit: limitOf(q.limit),
      });
      return pageView(page, view);
    },
  );

  app.get(
    '/v1/access-keys/:accessKeyId',
    { config: auth, schema: { tags: ['access keys'], summary: 'Get an access key (never its secret)', params: Params, response: { 200: AccessKeySchema, ...errors } } },
    async (request) => view(await services.keys.get(actorOf(request), request.params.accessKeyId)),
  );

  app.patch(
    '/v1/access-keys/:accessKeyId',
    {
      config: { ...auth },
      schema: {
        tags: ['access keys'],
        summary: 'Rename, change expiry, change roles and groups; admins also usage controls (ratelimits, credits, ipAllowlist, meta, externalId; null clears)',
        params: Params,
        body: UpdateKeyBody,
        response: { 200: AccessKeySchema, ...errors },
      },
    },
    async (request) => view(await services.keys.update(actorOf(request), request.params.accessKeyId, request.body)),
  );

  app.delete(
    '/v1/access-keys/:accessKeyId',
    {
      config: { ...auth },
      schema: {
        tags: ['access keys'],
        summary: 'Delete an access key (final; by default only a disabled key can be deleted)',
        params: Params,
        response: { 200: AccessKeySchema, ...errors },
      },
    },
    async (request) => view(await services.keys.delete(actorOf(request), request.params.accessKeyId)),
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/v1/access-keys/:accessKeyId/${action}`,
      {
        config: { ...auth },
        schema: {
          tags: ['access keys'],
          summary: action === 'disable' ? 'Disable: every request that uses the key fails from now on' : 'Enable a disabled key',
          params: Params,
          response: { 200: AccessKeySchema, ...errors },
        },
      },
      async (request) => view(await services.keys[action](actorOf(request), request.params.accessKeyId)),
    );
  }

  app.post(
    '/v1/access-keys/:accessKeyId/rotate',
    {
      config: { ...auth },
      schema: {
        tags: ['access keys'],
        summary: 'New secret, returned once; the old one stops now or after overlapSeconds (at most 24 h)',
        params: Params,
        body: RotateBody,
        response: { 200: IssuedKeySchema, ...errors },
      },
      // The body is optional: a bare POST rotates with no overlap. A schema cannot say "object or
      // nothing" to Fastify, so a missing body is read as {} before validation.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return issued(await services.keys.rotate(actorOf(request), request.params.accessKeyId, request.body.overlapSeconds ?? 0));
    },
  );

  app.post(
    '/v1/access-keys/:accessKeyId/replace',
    {
      config: { ...auth },
      schema: {
        tags: ['access keys'],
        summary: 'Regenerate: a new key (new ID and secret, returned once) with the same owner, name, type, roles, groups, expiry and usage controls; the old key is disabled',
        params: Params,
        response: { 201: ReplacedKeySchema, ...errors },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const replaced = await services.keys.replace(actorOf(request), request.params.accessKeyId);
      return reply.code(201).send({ ...issued(replaced), replacedKeyId: replaced.replacedKeyId });
    },
  );

  app.post(
    '/v1/access-keys/:accessKeyId/end-overlap',
    {
      config: { ...auth },
      schema: {
        tags: ['access keys'],
        summary: "End a rotation's overlap now: the old secret stops working at once (409 when there is no overlap)",
        params: Params,
        response: { 200: AccessKeySchema, ...errors },
      },
    },
    async (request) => view(await services.keys.endOverlap(actorOf(request), request.params.accessKeyId)),
  );

  app.post(
    '/v1/access-keys/:accessKeyId/reveal',
    {
      config: { ...auth },
      schema: {
        tags: ['access keys'],
        summary: 'Show the secret again, when the tenant policy allows it (after step-up verification; console sessions only)',
        params: Params,
        response: {
          200: Type.Object({ accessKeyId: Type.String(), secret: Type.String(), token: Type.String(), copyText: Type.String() }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const revealed = await services.keys.reveal(actorOf(request), request.params.accessKeyId);
      return revealedKeyView(revealed);
    },
  );

  app.get(
    '/v1/access-keys/:accessKeyId/permissions',
    {
      config: auth,
      schema: {
        tags: ['access keys'],
        summary: "The key's effective permissions: its roles' grants narrowed to its owner's",
        params: Params,
        response: {
          200: Type.Object({
            permissions: Type.Array(Type.String()),
            ownerPermissions: Type.Array(Type.String()),
            keyGrants: Type.Union([Type.Array(Type.String()), Type.Null()]),
            actsAsOwner: Type.Boolean(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const resolved = await services.keys.permissions(actorOf(request), request.params.accessKeyId);
      return keyPermissionsView(resolved);
    },
  );

  app.get(
    '/v1/access-keys/:accessKeyId/access-records',
    {
      config: auth,
      schema: {
        tags: ['access keys'],
        summary: 'Verification attempts that named this key, newest first, within the retention period',
        params: Params,
        querystring: Type.Object({ outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])), ...Paging }, { additionalProperties: false }),
        response: { 200: pageOf(AccessRecordSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await services.keys.accessRecords(actorOf(request), request.params.accessKeyId, {
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.outcome !== undefined && { outcome: q.outcome }),
        limit: limitOf(q.limit),
      });
      return pageView(page, accessRecordView);
    },
  );
}
