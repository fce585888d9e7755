import { Type } from '@sinclair/typebox';
import { keyUsageView, tenantUsageView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import type { App, RouteDeps } from '../app-types.js';
import { AccessKeyIdParam, ErrorResponse } from '../schemas.js';

const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const Range = Type.Object(
  {
    range: Type.Optional(
      Type.Union([Type.Literal('24h'), Type.Literal('7d'), Type.Literal('90d')], {
        description: '24h (default): 96 points of 15 minutes; 7d: 168 points of one hour; 90d: 90 points of one UTC day',
      }),
    ),
  },
  { additionalProperties: false },
);
const Totals = Type.Object({ success: Type.Integer(), failure: Type.Integer() });
const FailuresByCode = Type.Array(Type.Object({ code: Type.String(), count: Type.Integer() }), { description: 'Failed attempts by reason code, most frequent first' });
const RangeName = Type.Union([Type.Literal('24h'), Type.Literal('7d'), Type.Literal('90d')]);

export const KeyUsageSchema = Type.Object(
  {
    range: RangeName,
    bucketSeconds: Type.Integer({ description: 'Width of one point: 900 for 24h, 3600 for 7d, 86400 for 90d' }),
    buckets: Type.Array(Type.Object({ start: Type.String({ format: 'date-time' }), success: Type.Integer(), failure: Type.Integer() }), {
      description: 'Oldest first, whole buckets; the last one holds the current time',
    }),
    totals: Totals,
    failuresByCode: FailuresByCode,
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedIp: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'KeyUsage' },
);

const KeyLabel = { accessKeyId: Type.String(), name: Type.String(), ownerId: Type.String() };

export const TenantUsageSchema = Type.Object(
  {
    range: RangeName,
    totals: Totals,
    failuresByCode: FailuresByCode,
    busiestKeys: Type.Array(Type.Object({ ...KeyLabel, success: Type.Integer(), failure: Type.Integer() }), { description: 'The 10 keys with the most attempts in the range' }),
    underAttack: Type.Array(Type.Object({ ...KeyLabel, failures: Type.Integer(), lastAlertAt: Type.String({ format: 'date-time' }) }), {
      description: 'Keys with a key.under_attack alert in the range, latest alert first; failures: their failed attempts in the range',
    }),
  },
  { $id: 'TenantUsage' },
);

/** Usage charts and totals from the per-key counters. */
export function usageRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/access-keys/:accessKeyId/usage',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['access keys'],
        summary: 'Verification attempts of this key over time, by outcome, with the failures by code and its last use',
        params: Type.Object({ accessKeyId: AccessKeyIdParam }),
        querystring: Range,
        response: { 200: KeyUsageSchema, ...errors },
      },
    },
    async (request) => keyUsageView(await services.usage.forKey(actorOf(request), request.params.accessKeyId, request.query.range ?? '24h')),
  );

  app.get(
    '/v1/usage',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['usage'],
        summary: "The tenant's verification attempts over a range: totals, failures by code, busiest keys, keys under attack (admins)",
        querystring: Range,
        response: { 200: TenantUsageSchema, ...errors },
      },
    },
    async (request) => tenantUsageView(await services.usage.forTenant(actorOf(request), request.query.range ?? '24h')),
  );
}
