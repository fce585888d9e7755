import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { Page, User } from '../../core/model.js';
import type { Database } from '../schema.js';
import { userFromRow } from '../rows.js';
import { toPage } from '../paging.js';

export interface UserPatch {
  name?: string;
  role?: User['role'];
  programmaticAccess?: boolean;
  status?: User['status'];
  passwordHash?: string;
  mustChangePassword?: boolean;
}

export class UsersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(user: User, passwordHash: string, db: Kysely<Database> = this.db): Promise<void> {
    await db
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

  async find(tenantId: string, id: string, db: Kysely<Database> = this.db): Promise<User | null> {
    const row = await db.selectFrom('users').selectAll().where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? userFromRow(row) : null;
  }

  async findByEmailWithHash(tenantId: string, email: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? { user: userFromRow(row), passwordHash: row.passwordHash } : null;
  }

  async passwordHash(tenantId: string, id: string): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('passwordHash').where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row?.passwordHash ?? null;
  }

  async list(tenantId: string, options: { cursor: CursorPosition | null; limit: number }): Promise<Page<User>> {
    let q = this.db.selectFrom('users').selectAll().where('tenantId', '=', tenantId);
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('createdAt', '<', c.at), eb.and([eb('createdAt', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
    return toPage(rows, options.limit, (r) => ({ at: Number(r.createdAt), id: r.id }), userFromRow);
  }

  async update(tenantId: string, id: string, patch: UserPatch, now: Date, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .updateTable('users')
      .set({
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

  async countActiveAdmins(tenantId: string, db: Kysely<Database> = this.db): Promise<number> {
    const row = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenantId', '=', tenantId)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async roleIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('userRoles').select('roleId').where('userId', '=', userId).orderBy('roleId').execute();
    return rows.map((r) => r.roleId);
  }

  async groupIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('groupMembers').select('groupId').where('userId', '=', userId).orderBy('groupId').execute();
    return rows.map((r) => r.groupId);
  }

  async setRoles(userId: string, roleIds: string[], db: Kysely<Database> = this.db): Promise<void> {
    await db.deleteFrom('userRoles').where('userId', '=', userId).execute();
    if (roleIds.length > 0) await db.insertInto('userRoles').values(roleIds.map((roleId) => ({ userId, roleId }))).execute();
  }

  /** Every permission pattern the user's roles grant, directly or through groups. */
  async grantedPermissions(userId: string): Promise<string[]> {
    const direct = this.db
      .selectFrom('userRoles')
      .innerJoin('roles', 'roles.id', 'userRoles.roleId')
      .select('roles.permissions')
      .where('userRoles.userId', '=', userId);
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

