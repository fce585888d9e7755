import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { Page, Role } from '../../core/model.js';
import type { Database } from '../schema.js';
import { roleFromRow } from '../rows.js';
import { toPage } from '../paging.js';
import type { ChangeRecorder } from './changes-repo.js';

export class RolesRepo {
  private readonly db: Kysely<Database>;
  private readonly changes: ChangeRecorder;

  constructor(options: { db: Kysely<Database>; changes: ChangeRecorder }) {
    this.db = options.db;
    this.changes = options.changes;
  }

  /** A new role is in nobody's grants yet, so nothing cached can depend on it. */
  async insert(role: Role): Promise<void> {
    await this.db
      .insertInto('roles')
      .values({
        id: role.id,
        tenantId: role.tenantId,
        name: role.name,
        description: role.description,
        permissions: JSON.stringify(role.permissions),
        createdAt: role.createdAt.getTime(),
        updatedAt: role.updatedAt.getTime(),
      })
      .execute();
  }

  async find(tenantId: string, id: string): Promise<Role | null> {
    const row = await this.db.selectFrom('roles').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? roleFromRow(row) : null;
  }

  /** Role names are unique in a tenant. */
  async findByName(tenantId: string, name: string): Promise<Role | null> {
    const row = await this.db.selectFrom('roles').selectAll().where('tenantId', '=', tenantId).where('name', '=', name).executeTakeFirst();
    return row ? roleFromRow(row) : null;
  }

  /** The IDs among `ids` that exist in the tenant. */
  async existing(tenantId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('roles').select('id').where('tenantId', '=', tenantId).where('id', 'in', ids).execute();
    return rows.map((r) => r.id);
  }

  async list(tenantId: string, options: { cursor: CursorPosition | null; limit: number }): Promise<Page<Role>> {
    let q = this.db.selectFrom('roles').selectAll().where('tenantId', '=', tenantId);
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    return toPage(rows, options.limit, (r) => ({ at: Number(r.createdAt), id: r.id }), roleFromRow);
  }

  /** Returns false (and changes nothing) when the role does not exist in `role.tenantId`. */
  async update(role: Role): Promise<boolean> {
    const before = await this.db.selectFrom('roles').select('permissions').where('tenantId', '=', role.tenantId).where('id', '=', role.id).executeTakeFirst();
    if (!before) return false;
    // A new name or description cannot change what any key may do.
    if (before.permissions !== JSON.stringify(role.permissions)) await this.changes.record({ tenantId: role.tenantId, roleId: role.id });
    const result = await this.db
      .updateTable('roles')
      .set({ name: role.name, description: role.description, permissions: JSON.stringify(role.permissions), updatedAt: role.updatedAt.getTime() })
      .where('tenantId', '=', role.tenantId)
      .where('id', '=', role.id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The keys that are not deleted and have this role assigned: how many, and the first `limit` of them (ID and name, by name). */
  async liveKeysUsing(tenantId: string, id: string, limit: number): Promise<{ count: number; keys: { accessKeyId: string; name: string }[] }> {
    const base = this.db
      .selectFrom('accessKeyRoles')
      .innerJoin('accessKeys', 'accessKeys.id', 'accessKeyRoles.accessKeyId')
      .where('accessKeyRoles.roleId', '=', id)
      .where('accessKeys.tenantId', '=', tenantId)
      .where('accessKeys.state', '!=', 'deleted');
    const row = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const keys = await base.select(['accessKeys.id as accessKeyId', 'accessKeys.name']).orderBy('accessKeys.name').orderBy('accessKeys.id').limit(limit).execute();
    return { count: Number(row.n), keys };
  }

  /** Returns false (and changes nothing) when the role does not exist in the tenant. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const owned = await this.db.selectFrom('roles').select('id').where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!owned) return false;
    await this.changes.record({ tenantId, roleId: id });
    // Link rows go explicitly, so deletion does not depend on SQLite's foreign_keys pragma.
    await this.db.deleteFrom('groupRoles').where('roleId', '=', id).execute();
    await this.db.deleteFrom('userRoles').where('roleId', '=', id).execute();
    await this.db.deleteFrom('accessKeyRoles').where('roleId', '=', id).execute();
    await this.db.deleteFrom('roles').where('tenantId', '=', tenantId).where('id', '=', id).execute();
    return true;
  }

  async permissionsOf(roleIds: string[]): Promise<string[]> {
    if (roleIds.length === 0) return [];
    const rows = await this.db.selectFrom('roles').select('permissions').where('id', 'in', roleIds).execute();
    return rows.flatMap((r) => JSON.parse(r.permissions) as string[]);
  }
}
