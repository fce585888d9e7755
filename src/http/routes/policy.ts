import { actorOf } from '../actor.js';
import type { App, RouteDeps } from '../app-types.js';
import { Type } from '@sinclair/typebox';
import { POLICY_RULE_CATALOGUE } from '../../core/policy.js';
import { ErrorResponse, PolicyRuleSchema, PolicySchema } from '../schemas.js';

export function policyRoutes(app: App, { services }: RouteDeps): void {
  app.get('/v1/policy', { config: { auth: 'user' }, schema: { tags: ['policy'], summary: "The tenant's policy", response: { 200: PolicySchema } } }, async (request) =>
    services.tenants.getPolicy(actorOf(request)),
  );
  app.get(
    '/v1/policy/rules',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['policy'],
        summary: 'The rules a policy has: for each, its kind, bounds or choices, and secure default (the same for every tenant)',
        response: { 200: Type.Object({ rules: Type.Array(PolicyRuleSchema) }) },
      },
    },
    async () => ({ rules: [...POLICY_RULE_CATALOGUE] }),
  );
  app.put(
    '/v1/policy',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['policy'],
        summary: 'Replace the tenant policy (admins); every field is required but the usage-control defaults (left out: unchanged)',
        body: PolicySchema,
        response: { 200: PolicySchema, 400: ErrorResponse },
      },
    },
    async (request) => services.tenants.putPolicy(actorOf(request), request.body),
  );
}
