import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { AuditEvent, Page } from '../../core/model.js';
import type { Database } from '../schema.js';
import { auditEventFromRow } from '../rows.js';
import { toPage } from '../paging.js';

export interface AuditFilter {
  tenantId: string;
  actorId?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor: CursorPosition | null;
  limit: number;
}

export class AuditRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('auditEvents')
      .values({
        id: event.id,
        tenantId: event.tenantId,
        actorId: event.actorId,
        actorKeyId: event.actorKeyId,
        action: event.action,
        targetType: event.targetType,
        targetId: event.targetId,
        result: event.result,
        ip: event.ip,
        at: event.at.getTime(),
        details: event.details === null ? null : JSON.stringify(event.details),
        via: event.via,
      })
      .execute();
  }

  async list(filter: AuditFilter): Promise<Page<AuditEvent>> {
    let q = this.db.selectFrom('auditEvents').selectAll().where('tenantId', '=', filter.tenantId);
    if (filter.actorId !== undefined) q = q.where('actorId', '=', filter.actorId);
    if (filter.action !== undefined) q = q.where('action', '=', filter.action);
    if (filter.targetId !== undefined) q = q.where('targetId', '=', filter.targetId);
    if (filter.from !== undefined) q = q.where('at', '>=', filter.from.getTime());
    if (filter.to !== undefined) q = q.where('at', '<', filter.to.getTime());
    const c = filter.cursor;
    if (c) q = q.where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    return toPage(rows, filter.limit, (r) => ({ at: Number(r.at), id: r.id }), auditEventFromRow);
  }

  /**
   * Names of the people and objects events name, for readers of the log: users' emails, and the
   * names of keys, roles and groups (a deleted role or group has none left). Only the tenant's own.
   */
  async namesOf(tenantId: string, ids: { users: string[]; keys: string[]; roles: string[]; groups: string[] }): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const unique = (list: string[]) => [...new Set(list)];
    if (ids.users.length > 0) {
      const rows = await this.db.selectFrom('users').select(['id', 'email']).where('tenantId', '=', tenantId).where('id', 'in', unique(ids.users)).execute();
      for (const r of rows) names.set(r.id, r.email);
    }
    for (const [table, list] of [
      ['accessKeys', ids.keys],
      ['roles', ids.roles],
      ['groups', ids.groups],
    ] as const) {
      if (list.length === 0) continue;
      const rows = await this.db.selectFrom(table).select(['id', 'name']).where('tenantId', '=', tenantId).where('id', 'in', unique(list)).execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    return names;
  }
}
