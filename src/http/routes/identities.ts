import { Type } from '@sinclair/typebox';
import { identityView, pageView, storedCreditsView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import { limitOf, type App, type RouteDeps } from '../app-types.js';
import { AccessKeyIdParam, CreditsChangeBody, CreditsSchema, ErrorResponse, ExternalId, IdentitySchema, pageOf, Paging, PutIdentityBody } from '../schemas.js';

const Params = Type.Object({ externalId: ExternalId });
const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

/**
 * Identities (issue 11): the tenant's own customers, named by its externalId, whose rate limits
 * and credits every key with that externalId shares; and the credit changes of keys and
 * identities. Administrators only.
 */
export function identityRoutes(app: App, { services }: RouteDeps): void {
  const auth = { auth: 'user' as const };
  const tags = ['identities'];

  app.get(
    '/v1/identities',
    {
      config: auth,
      schema: {
        tags,
        summary: 'List identities, newest first (admins); q finds those whose external ID contains it',
        querystring: Type.Object(
          {
            ...Paging,
            q: Type.Optional(Type.String({ maxLength: 128, description: 'Only identities whose external ID contains this text (any case).' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(IdentitySchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await services.usageControls.listIdentities(actorOf(request), {
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.q !== undefined && { q: q.q }),
        limit: limitOf(q.limit),
      });
      return pageView(page, identityView);
    },
  );

  app.get('/v1/identities/:externalId', { config: auth, schema: { tags, summary: 'Get an identity (admins)', params: Params, response: { 200: IdentitySchema, ...errors } } }, async (request) =>
    identityView(await services.usageControls.getIdentity(actorOf(request), request.params.externalId)),
  );

  app.put(
    '/v1/identities/:externalId',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Create or replace an identity: its shared rate limits, credits and metadata (admins); 201 when created',
        params: Params,
        body: PutIdentityBody,
        response: { 200: IdentitySchema, 201: IdentitySchema, ...errors },
      },
    },
    async (request, reply) => {
      const { identity, created } = await services.usageControls.putIdentity(actorOf(request), request.params.externalId, request.body);
      return reply.code(created ? 201 : 200).send(identityView(identity));
    },
  );

  app.delete(
    '/v1/identities/:externalId',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Delete an identity; its keys keep their externalId and no longer share its limits or credits (admins)',
        params: Params,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await services.usageControls.deleteIdentity(actorOf(request), request.params.externalId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/identities/:externalId/credits',
    {
      config: auth,
      schema: {
        tags,
        summary: "Add to ({add: n}, down to zero at most) or set ({set: n}) an identity's credits, in one atomic write (admins)",
        params: Params,
        body: CreditsChangeBody,
        response: { 200: CreditsSchema, ...errors },
      },
    },
    async (request) => storedCreditsView(await services.usageControls.changeIdentityCredits(actorOf(request), request.params.externalId, request.body)),
  );

  app.post(
    '/v1/access-keys/:accessKeyId/credits',
    {
      config: auth,
      schema: {
        tags: ['access keys'],
        summary: "Add to ({add: n}, down to zero at most) or set ({set: n}) a key's credits, in one atomic write (admins)",
        params: Type.Object({ accessKeyId: AccessKeyIdParam }),
        body: CreditsChangeBody,
        response: { 200: CreditsSchema, ...errors },
      },
    },
    async (request) => storedCreditsView(await services.usageControls.changeKeyCredits(actorOf(request), request.params.accessKeyId, request.body)),
  );
}
