import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { AUDIT_ACTIONS } from '../../core/audit-actions.js';
import { csvLine } from '../../core/csv.js';
import { AppError } from '../../core/errors.js';
import { objectIdPattern } from '../../core/key-format.js';
import { parseIsoDate } from '../../core/policy.js';
import type { AuditQuery, NamedAuditEvent } from '../../services/audit-service.js';
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

const FILTERS = {
  actorId: Type.Optional(Type.String({ pattern: objectIdPattern('user') })),
  action: Type.Optional(Type.String({ pattern: '^[a-z_.]{1,64}$' })),
  targetId: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
};

/** The filters of a query string as the audit service takes them (dates checked). */
function queryOf(q: { actorId?: string | undefined; action?: string | undefined; targetId?: string | undefined; from?: string | undefined; to?: string | undefined }): AuditQuery {
  const from = dateParam('from', q.from);
  const to = dateParam('to', q.to);
  return {
    ...(q.actorId !== undefined && { actorId: q.actorId }),
    ...(q.action !== undefined && { action: q.action }),
    ...(q.targetId !== undefined && { targetId: q.targetId }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
  };
}

const CSV_HEADER = ['time', 'actor_email', 'actor_id', 'actor_key_id', 'actor_key_name', 'via', 'action', 'action_label', 'target_type', 'target_id', 'target_name', 'result', 'ip', 'details'];

function csvRow(e: NamedAuditEvent): string {
  return csvLine([
    e.at.toISOString(),
    e.actorEmail,
    e.actorId,
    e.actorKeyId,
    e.actorKeyName,
    e.via,
    e.action,
    e.actionLabel,
    e.targetType,
    e.targetId,
    e.targetName,
    e.result,
    e.ip,
    e.details === null ? null : JSON.stringify(e.details),
  ]);
}

export function auditRoutes(app: App, { services }: RouteDeps): void {
  app.get(
    '/v1/audit-events',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Management actions, newest first (admins)',
        querystring: Type.Object({ ...FILTERS, ...Paging }, { additionalProperties: false }),
        response: { 200: pageOf(AuditEventSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await services.audit.list(actorOf(request), { ...queryOf(q), ...(q.cursor !== undefined && { cursor: q.cursor }), limit: limitOf(q.limit) });
      return pageView(page, auditEventView);
    },
  );

  app.get(
    '/v1/audit-events/actions',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Every action the audit log records, with its label (for filters)',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ action: Type.String(), label: Type.String() })) }) },
      },
    },
    async () => ({ items: Object.entries(AUDIT_ACTIONS).map(([action, label]) => ({ action, label })) }),
  );

  app.get(
    '/v1/audit-events/export',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'The events the filters match, all of them, newest first, as CSV (admins)',
        description:
          'Columns: time (UTC, ISO 8601), actor_email, actor_id, actor_key_id, actor_key_name, via, action, action_label, target_type, target_id, target_name, result, ip, details (JSON). ' +
          'Fields a spreadsheet would run as a formula start with an apostrophe.',
        querystring: Type.Object(FILTERS, { additionalProperties: false }),
        produces: ['text/csv'],
        response: { 200: Type.Unsafe<Readable>({ type: 'string', description: 'text/csv' }), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const pages = services.audit.all(actor, queryOf(request.query));
      // The first page is read before answering, so a refusal (not an admin) is an error answer, not a broken download.
      const first = await pages.next();
      async function* lines() {
        yield csvLine(CSV_HEADER);
        if (first.done) return;
        for (const e of first.value) yield csvRow(e);
        for await (const page of pages) for (const e of page) yield csvRow(e);
      }
      const day = services.clock.now().toISOString().slice(0, 10);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="latchkey-audit-${day}.csv"`).send(Readable.from(lines()));
    },
  );
}
