import type { Kysely, Selectable } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { Group, Page } from '../../core/model.js';
import type { Database, GroupsTable } from '../schema.js';
import { toDate } from '../rows.js';
import { toPage } from '../paging.js';
import type { ChangeRecorder } from './changes-repo.js';

export class GroupsRepo {
  private readonly db: Kysely<Database>;
  private readonly changes: ChangeRecorder;

  constructor(options: { db: Kysely<Database>; changes: ChangeRecorder }) {
    this.db = options.db;
    this.changes = options.changes;
  }

  async insert(group: Group): Promise<void> {
    await this.recordLinkChanges(group, { roleIds: [], userIds: [] });
    await this.db
      .insertInto('groups')
      .values({
        id: group.id,
        tenantId: group.tenantId,
        name: group.name,
        description: group.description,
        createdAt: group.createdAt.getTime(),
        updatedAt: group.updatedAt.getTime(),
      })
      .execute();
    await this.replaceLinks(group);
  }

  async find(tenantId: string, id: string): Promise<Group | null> {
    const row = await this.db.selectFrom('groups').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return (await this.withLinks([row]))[0] ?? null;
  }

  async existing(tenantId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('groups').select('id').where('tenantId', '=', tenantId).where('id', 'in', ids).execute();
    return rows.map((r) => r.id);
  }

  async list(tenantId: string, options: { cursor: CursorPosition | null; limit: number }): Promise<Page<Group>> {
    let q = this.db.selectFrom('groups').selectAll().where('tenantId', '=', tenantId);
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const groups = await this.withLinks(rows);
    return toPage(
      groups,
      options.limit,
      (g) => ({ at: g.createdAt.getTime(), id: g.id }),
      (g) => g,
    );
  }

  /** Returns false (and changes nothing) when the group does not exist in `group.tenantId`. */
  async update(group: Group): Promise<boolean> {
    // Links are only touched once the tenant-checked read proved the group is this tenant's.
    const [before] = await this.withLinks(await this.db.selectFrom('groups').selectAll().where('tenantId', '=', group.tenantId).where('id', '=', group.id).execute());
    if (!before) return false;
    await this.recordLinkChanges(group, before);
    await this.db
      .updateTable('groups')
      .set({ name: group.name, description: group.description, updatedAt: group.updatedAt.getTime() })
      .where('tenantId', '=', group.tenantId)
      .where('id', '=', group.id)
      .execute();
    await this.replaceLinks(group);
    return true;
  }

  /** The keys that are not deleted and have this group assigned: how many, and the first `limit` of them (ID and name, by name). */
  async liveKeysUsing(tenantId: string, id: string, limit: number): Promise<{ count: number; keys: { accessKeyId: string; name: string }[] }> {
    const base = this.db
      .selectFrom('accessKeyGroups')
      .innerJoin('accessKeys', 'accessKeys.id', 'accessKeyGroups.accessKeyId')
      .where('accessKeyGroups.groupId', '=', id)
      .where('accessKeys.tenantId', '=', tenantId)
      .where('accessKeys.state', '!=', 'deleted');
    const row = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const keys = await base.select(['accessKeys.id as accessKeyId', 'accessKeys.name']).orderBy('accessKeys.name').orderBy('accessKeys.id').limit(limit).execute();
    return { count: Number(row.n), keys };
  }

  /** Returns false (and changes nothing) when the group does not exist in the tenant. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const owned = await this.db.selectFrom('groups').select('id').where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!owned) return false;
    await this.changes.record({ tenantId, groupId: id });
    await this.db.deleteFrom('groupRoles').where('groupId', '=', id).execute();
    await this.db.deleteFrom('groupMembers').where('groupId', '=', id).execute();
    await this.db.deleteFrom('accessKeyGroups').where('groupId', '=', id).execute();
    await this.db.deleteFrom('groups').where('tenantId', '=', tenantId).where('id', '=', id).execute();
    return true;
  }

  async permissionsOf(groupIds: string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const rows = await this.db.selectFrom('groupRoles').innerJoin('roles', 'roles.id', 'groupRoles.roleId').select('roles.permissions').where('groupRoles.groupId', 'in', groupIds).execute();
    return rows.flatMap((r) => JSON.parse(r.permissions) as string[]);
  }

  /**
   * What new links change. Keys that already depend on the group (through their own groups or
   * their owner's) see a change of the group; keys of members who just joined do not depend on
   * it yet, so each of those users is a change too. A new name or description: nothing.
   */
  private async recordLinkChanges(group: Group, before: Pick<Group, 'roleIds' | 'userIds'>): Promise<void> {
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));
    if (!same(group.roleIds, before.roleIds) || !same(group.userIds, before.userIds)) await this.changes.record({ tenantId: group.tenantId, groupId: group.id });
    for (const userId of group.userIds.filter((id) => !before.userIds.includes(id))) await this.changes.record({ tenantId: group.tenantId, userId });
  }

  private async replaceLinks(group: Group): Promise<void> {
    const groupId = group.id;
    await this.db.deleteFrom('groupRoles').where('groupId', '=', groupId).execute();
    await this.db.deleteFrom('groupMembers').where('groupId', '=', groupId).execute();
    if (group.roleIds.length > 0)
      await this.db
        .insertInto('groupRoles')
        .values(group.roleIds.map((roleId) => ({ groupId, roleId })))
        .execute();
    if (group.userIds.length > 0)
      await this.db
        .insertInto('groupMembers')
        .values(group.userIds.map((userId) => ({ groupId, userId })))
        .execute();
  }

  private async withLinks(rows: Selectable<GroupsTable>[]): Promise<Group[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [roles, members] = await Promise.all([
      this.db.selectFrom('groupRoles').selectAll().where('groupId', 'in', ids).orderBy('roleId').execute(),
      this.db.selectFrom('groupMembers').selectAll().where('groupId', 'in', ids).orderBy('userId').execute(),
    ]);
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenantId,
      name: row.name,
      description: row.description,
      roleIds: roles.filter((r) => r.groupId === row.id).map((r) => r.roleId),
      userIds: members.filter((m) => m.groupId === row.id).map((m) => m.userId),
      createdAt: toDate(row.createdAt),
      updatedAt: toDate(row.updatedAt),
    }));
  }
}
