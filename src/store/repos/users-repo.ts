import type { Kysely } from 'kysely';
import { containsText } from '../like.js';
import type { CursorPosition } from '../../core/cursor.js';
import type { Page, User } from '../../core/model.js';
import type { Database } from '../schema.js';
import { userFromRow } from '../rows.js';
import { toPage } from '../paging.js';
import type { ChangeRecorder } from './changes-repo.js';

export interface UserPatch {
  /** Already normalized (core/email.ts); unique per tenant. */
  email?: string;
  name?: string;
  role?: User['role'];
  programmaticAccess?: boolean;
  status?: User['status'];
  passwordHash?: string;
  mustChangePassword?: boolean;
}

export class UsersRepo {
  private readonly db: Kysely<Database>;
  private readonly changes: ChangeRecorder;
  private readonly lockUser: (userId: string) => Promise<void>;

  constructor(options: { db: Kysely<Database>; changes: ChangeRecorder; lockUser: (userId: string) => Promise<void> }) {
    this.db = options.db;
    this.changes = options.changes;
    this.lockUser = options.lockUser;
  }

  async insert(user: User, passwordHash: string): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        tenantId: user.tenantId,
        email: user.email,
        name: user.name,
        role: user.role,
        passwordHash,
        mustChangePassword: user.mustChangePassword ? 1 : 0,
        programmaticAccess: user.programmaticAccess ? 1 : 0,
        status: user.status,
        createdAt: user.createdAt.getTime(),
        updatedAt: user.updatedAt.getTime(),
      })
      .execute();
  }

  async find(tenantId: string, id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? userFromRow(row) : null;
  }

  async findByEmailWithHash(tenantId: string, email: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = await this.db.selectFrom('users').selectAll().where('tenantId', '=', tenantId).where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row ? { user: userFromRow(row), passwordHash: row.passwordHash } : null;
  }

  /** The users among `ids` in the tenant (any status). */
  async findMany(tenantId: string, ids: string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('users').selectAll().where('tenantId', '=', tenantId).where('id', 'in', ids).orderBy('id').execute();
    return rows.map(userFromRow);
  }

  /** Users who hold the role, directly or through a group. */
  async holdersOfRole(tenantId: string, roleId: string): Promise<string[]> {
    const direct = this.db
      .selectFrom('userRoles')
      .innerJoin('users', 'users.id', 'userRoles.userId')
      .select('users.id')
      .where('users.tenantId', '=', tenantId)
      .where('userRoles.roleId', '=', roleId);
    const viaGroups = this.db
      .selectFrom('groupRoles')
      .innerJoin('groupMembers', 'groupMembers.groupId', 'groupRoles.groupId')
      .innerJoin('users', 'users.id', 'groupMembers.userId')
      .select('users.id')
      .where('users.tenantId', '=', tenantId)
      .where('groupRoles.roleId', '=', roleId);
    const rows = await direct.union(viaGroups).execute();
    return rows.map((r) => r.id).sort();
  }

  async passwordHash(tenantId: string, id: string): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('passwordHash').where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row?.passwordHash ?? null;
  }

  /** `q` finds users whose email or name contains it, ignoring case (for pickers and search boxes). */
  async list(tenantId: string, options: { cursor: CursorPosition | null; limit: number; q?: string | undefined }): Promise<Page<User>> {
    let q = this.db.selectFrom('users').selectAll().where('tenantId', '=', tenantId);
    if (options.q !== undefined && options.q !== '') {
      const text = options.q.toLowerCase();
      q = q.where((eb) => eb.or([containsText(eb.ref('email'), text), containsText(eb.ref('name'), text)]));
    }
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    return toPage(rows, options.limit, (r) => ({ at: Number(r.createdAt), id: r.id }), userFromRow);
  }

  async update(tenantId: string, id: string, patch: UserPatch, now: Date): Promise<void> {
    // Only these can change what the user's keys may do; a new name, email or password cannot.
    if (patch.role !== undefined || patch.status !== undefined || patch.programmaticAccess !== undefined) await this.changes.record({ tenantId, userId: id });
    await this.db
      .updateTable('users')
      .set({
        ...(patch.email !== undefined && { email: patch.email }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.role !== undefined && { role: patch.role }),
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.passwordHash !== undefined && { passwordHash: patch.passwordHash }),
        ...(patch.programmaticAccess !== undefined && { programmaticAccess: patch.programmaticAccess ? 1 : 0 }),
        ...(patch.mustChangePassword !== undefined && { mustChangePassword: patch.mustChangePassword ? 1 : 0 }),
        updatedAt: now.getTime(),
      })
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async countActiveAdmins(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenantId', '=', tenantId)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** IDs of the tenant's active admins, sorted. */
  async activeAdminIds(tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('users').select('id').where('tenantId', '=', tenantId).where('role', '=', 'admin').where('status', '=', 'active').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  /**
   * Locks every active admin's row, in ID order (so such transactions take turns instead of
   * deadlocking), before a decision that counts them: two admins demoted at once must not both
   * see "another admin is left". Only inside store.transaction.
   */
  async lockActiveAdmins(tenantId: string): Promise<void> {
    for (const id of await this.activeAdminIds(tenantId)) await this.lockUser(id);
  }

  async oldestActiveAdmin(tenantId: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .orderBy('createdAt')
      .orderBy('id')
      .executeTakeFirst();
    return row ? userFromRow(row) : null;
  }

  async roleIds(userId: string): Promise<string[]> {
    return (await this.roleIdsOf([userId])).get(userId)!;
  }

  async groupIds(userId: string): Promise<string[]> {
    return (await this.groupIdsOf([userId])).get(userId)!;
  }

  /** Each user's directly held role IDs, sorted (every ID in `userIds` gets an entry): one query for a whole page. */
  async roleIdsOf(userIds: string[]): Promise<Map<string, string[]>> {
    const rows = userIds.length === 0 ? [] : await this.db.selectFrom('userRoles').select(['userId', 'roleId as id']).where('userId', 'in', userIds).orderBy('roleId').execute();
    return groupByUser(userIds, rows);
  }

  /** Each user's group IDs, sorted (every ID in `userIds` gets an entry): one query for a whole page. */
  async groupIdsOf(userIds: string[]): Promise<Map<string, string[]>> {
    const rows = userIds.length === 0 ? [] : await this.db.selectFrom('groupMembers').select(['userId', 'groupId as id']).where('userId', 'in', userIds).orderBy('groupId').execute();
    return groupByUser(userIds, rows);
  }

  /** Replaces the user's directly held roles; the same set again changes nothing. */
  async setRoles(tenantId: string, userId: string, roleIds: string[]): Promise<void> {
    const current = await this.roleIds(userId);
    if (current.length === roleIds.length && roleIds.every((id) => current.includes(id))) return;
    await this.changes.record({ tenantId, userId });
    await this.db.deleteFrom('userRoles').where('userId', '=', userId).execute();
    if (roleIds.length > 0)
      await this.db
        .insertInto('userRoles')
        .values(roleIds.map((roleId) => ({ userId, roleId })))
        .execute();
  }

  /** Every permission pattern the user's roles grant, directly or through groups. */
  async grantedPermissions(userId: string): Promise<string[]> {
    const direct = this.db.selectFrom('userRoles').innerJoin('roles', 'roles.id', 'userRoles.roleId').select('roles.permissions').where('userRoles.userId', '=', userId);
    const viaGroups = this.db
      .selectFrom('groupMembers')
      .innerJoin('groupRoles', 'groupRoles.groupId', 'groupMembers.groupId')
      .innerJoin('roles', 'roles.id', 'groupRoles.roleId')
      .select('roles.permissions')
      .where('groupMembers.userId', '=', userId);
    const rows = await direct.union(viaGroups).execute();
    return rows.flatMap((r) => JSON.parse(r.permissions) as string[]);
  }
}

function groupByUser(userIds: string[], rows: { userId: string; id: string }[]): Map<string, string[]> {
  const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
  for (const row of rows) byUser.get(row.userId)?.push(row.id);
  return byUser;
}
