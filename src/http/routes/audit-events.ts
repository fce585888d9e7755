import { Type } from '@sinclair/typebox';
import { AppError } from '../../core/errors.js';
import { objectIdPattern } from '../../core/key-format.js';
import { parseIsoDate } from '../../core/policy.js';
import { auditEventView, pageView } from '../../views/views.js';
import { actorOf } from '../actor.js';
import { limitOf, type App, type RouteDeps } from '../app-types.js';
import { AuditEventSchema, ErrorResponse, pageOf, Paging } from '../schemas.js';

function dateParam(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseIsoDate(value);
  if (!at) throw new AppError('VALIDATION_FAILED', `${name} must be an ISO 8601 date-time with a time zone.`);
  return at;
}

export function auditRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/audit-events',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Management actions, newest first (admins)',
        querystring: Type.Object(
          {
            actorId: Type.Optional(Type.String({ pattern: objectIdPattern('user') })),
            action: Type.Optional(Type.String({ pattern: '^[a-z_.]{1,64}$' })),
            targetId: Type.Optional(Type.String({ maxLength: 40 })),
            from: Type.Optional(Type.String({ maxLength: 40 })),
            to: Type.Optional(Type.String({ maxLength: 40 })),
            ...Paging,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(AuditEventSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const q = request.query;
      const from = dateParam('from', q.from);
      const to = dateParam('to', q.to);
      const page = await services.audit.list(actorOf(request), {
        ...(q.actorId !== undefined && { actorId: q.actorId }),
        ...(q.action !== undefined && { action: q.action }),
        ...(q.targetId !== undefined && { targetId: q.targetId }),
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        limit: limitOf(q.limit),
      });
      return pageView(page, auditEventView);
    },
  );
}
