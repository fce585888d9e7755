import type { Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import type { Group, Page, Role } from '../core/model.js';
import { membershipChanges, sameSet, userRolesChanged, type RolesChange } from '../core/notifications.js';
import { isPermissionPattern, normalize } from '../core/permissions.js';
import { generateId } from '../crypto/random.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { requireAdmin, requireKeyScope, type Actor, type Clock } from './actor.js';
import type { AuditEntry, AuditService } from './audit-service.js';
import type { NotificationsService } from './notifications-service.js';
import { parseCursor } from './paging.js';
import { requireKnown } from './require-known.js';

/** Roles (named permission sets) and groups (users that carry roles). */
export class RolesService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly audit: AuditService;
  private readonly onChange: (tenantId: string) => void;
  private readonly notifications: NotificationsService;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; onChange: (tenantId: string) => void; notifications: NotificationsService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.onChange = options.onChange;
    this.notifications = options.notifications;
  }

  async createRole(actor: Actor, input: { name: string; description?: string; permissions: string[] }): Promise<Role> {
    requireAdmin(actor, 'latchkey:roles:write');
    const now = this.clock.now();
    const role: Role = {
      id: generateId('role'),
      tenantId: actor.tenantId,
      name: checkName(input.name),
      description: input.description?.trim() ?? '',
      permissions: checkPermissions(input.permissions),
      createdAt: now,
      updatedAt: now,
    };
    // A new role is in no key's grants yet, so no change row: nothing cached can be stale.
    await this.write(actor, { action: 'role.create', targetType: 'role', targetId: role.id, details: { name: role.name, permissions: role.permissions } }, false, (trx) =>
      this.store.roles.insert(role, trx),
    );
    return role;
  }

  async listRoles(actor: Actor, query: { cursor?: string; limit: number }): Promise<Page<Role>> {
    requireKeyScope(actor, 'latchkey:roles:read');
    return this.store.roles.list(actor.tenantId, { cursor: parseCursor(query.cursor), limit: query.limit });
  }

  async getRole(actor: Actor, id: string): Promise<Role> {
    requireKeyScope(actor, 'latchkey:roles:read');
    const role = await this.store.roles.find(actor.tenantId, id);
    if (!role) throw new AppError('NOT_FOUND', 'No such role.');
    return role;
  }

  async updateRole(actor: Actor, id: string, patch: { name?: string; description?: string; permissions?: string[] }): Promise<Role> {
    requireAdmin(actor, 'latchkey:roles:write');
    const role = await this.getRole(actor, id);
    const next: Role = {
      ...role,
      name: patch.name === undefined ? role.name : checkName(patch.name),
      description: patch.description?.trim() ?? role.description,
      permissions: patch.permissions === undefined ? role.permissions : checkPermissions(patch.permissions),
      updatedAt: this.clock.now(),
    };
    await this.write(actor, { action: 'role.update', targetType: 'role', targetId: id, details: { ...patch } }, true, async (trx) => {
      if (!(await this.store.roles.update(next, trx))) throw new AppError('NOT_FOUND', 'No such role.');
    });
    return next;
  }

  async deleteRole(actor: Actor, id: string): Promise<void> {
    requireAdmin(actor, 'latchkey:roles:write');
    const role = await this.getRole(actor, id);
    await this.write(actor, { action: 'role.delete', targetType: 'role', targetId: id, details: { name: role.name } }, true, async (trx) => {
      refuseIfKeysUse('role', await this.store.roles.countLiveKeysUsing(actor.tenantId, id, trx));
      const holders = await this.store.users.holdersOfRole(actor.tenantId, id, trx);
      if (!(await this.store.roles.delete(actor.tenantId, id, trx))) throw new AppError('NOT_FOUND', 'No such role.');
      await this.tell(trx, actor, holders, { kind: 'role-deleted', role: { id, name: role.name } });
    });
  }

  async createGroup(actor: Actor, input: { name: string; description?: string; roleIds?: string[]; userIds?: string[] }): Promise<Group> {
    requireAdmin(actor, 'latchkey:roles:write');
    const now = this.clock.now();
    const group: Group = {
      id: generateId('group'),
      tenantId: actor.tenantId,
      name: checkName(input.name),
      description: input.description?.trim() ?? '',
      roleIds: await this.checkRefs(actor.tenantId, 'role', input.roleIds ?? []),
      userIds: await this.checkRefs(actor.tenantId, 'user', input.userIds ?? []),
      createdAt: now,
      updatedAt: now,
    };
    await this.write(
      actor,
      { action: 'group.create', targetType: 'group', targetId: group.id, details: { name: group.name, roleIds: group.roleIds, userIds: group.userIds } },
      true,
      async (trx) => {
        await this.store.groups.insert(group, trx);
        await this.tell(trx, actor, group.userIds, { kind: 'added-to-group', group });
      },
    );
    return group;
  }

  async listGroups(actor: Actor, query: { cursor?: string; limit: number }): Promise<Page<Group>> {
    requireKeyScope(actor, 'latchkey:roles:read');
    return this.store.groups.list(actor.tenantId, { cursor: parseCursor(query.cursor), limit: query.limit });
  }

  async getGroup(actor: Actor, id: string): Promise<Group> {
    requireKeyScope(actor, 'latchkey:roles:read');
    const group = await this.store.groups.find(actor.tenantId, id);
    if (!group) throw new AppError('NOT_FOUND', 'No such group.');
    return group;
  }

  async updateGroup(actor: Actor, id: string, patch: { name?: string; description?: string; roleIds?: string[]; userIds?: string[] }): Promise<Group> {
    requireAdmin(actor, 'latchkey:roles:write');
    const group = await this.getGroup(actor, id);
    const next: Group = {
      ...group,
      name: patch.name === undefined ? group.name : checkName(patch.name),
      description: patch.description?.trim() ?? group.description,
      roleIds: patch.roleIds === undefined ? group.roleIds : await this.checkRefs(actor.tenantId, 'role', patch.roleIds),
      userIds: patch.userIds === undefined ? group.userIds : await this.checkRefs(actor.tenantId, 'user', patch.userIds),
      updatedAt: this.clock.now(),
    };
    const members = membershipChanges(group.userIds, next.userIds);
    const rolesChanged = !sameSet(group.roleIds, next.roleIds);
    await this.write(actor, { action: 'group.update', targetType: 'group', targetId: id, details: { ...patch } }, true, async (trx) => {
      if (!(await this.store.groups.update(next, trx))) throw new AppError('NOT_FOUND', 'No such group.');
      await this.tell(trx, actor, members.added, { kind: 'added-to-group', group: next });
      await this.tell(trx, actor, members.removed, { kind: 'removed-from-group', group: next });
      // Members who just joined were told already; the others learn their group's roles changed.
      if (rolesChanged) await this.tell(trx, actor, next.userIds.filter((u) => !members.added.includes(u)), { kind: 'group-roles', group: next });
    });
    return next;
  }

  async deleteGroup(actor: Actor, id: string): Promise<void> {
    requireAdmin(actor, 'latchkey:roles:write');
    const group = await this.getGroup(actor, id);
    await this.write(actor, { action: 'group.delete', targetType: 'group', targetId: id, details: { name: group.name } }, true, async (trx) => {
      refuseIfKeysUse('group', await this.store.groups.countLiveKeysUsing(actor.tenantId, id, trx));
      if (!(await this.store.groups.delete(actor.tenantId, id, trx))) throw new AppError('NOT_FOUND', 'No such group.');
      await this.tell(trx, actor, group.userIds, { kind: 'removed-from-group', group });
    });
  }

  /**
   * The write, its change row and its audit event in one transaction (DESIGN: a change row is
   * written with the change, so no process can miss one). Role and group changes alter effective
   * permissions, so the change row (`invalidates`) makes every process drop the tenant's cached keys.
   */
  private async write(actor: Actor, entry: AuditEntry, invalidates: boolean, work: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await work(trx);
        if (invalidates) await this.store.changes.append(actor.tenantId, null, this.clock.now(), trx);
        await this.audit.record(actor, entry, trx);
      });
    } catch (error) {
      if (this.store.dialect.isUniqueViolation(error)) throw new AppError('NAME_TAKEN');
      throw error;
    }
    if (invalidates) this.onChange(actor.tenantId);
  }

  /** user.roles_changed for the users affected (never the admin who made the change). */
  private async tell(trx: Kysely<Database>, actor: Actor, userIds: string[], change: RolesChange): Promise<void> {
    await this.notifications.notify(trx, actor.tenantId, userIds, userRolesChanged(change, actor.user), { skip: actor.user.id });
  }

  private checkRefs(tenantId: string, kind: 'role' | 'user', ids: string[]): Promise<string[]> {
    return requireKnown(kind, ids, async (unique) =>
      kind === 'role' ? this.store.roles.existing(tenantId, unique) : (await this.store.users.findMany(tenantId, unique)).map((u) => u.id),
    );
  }
}

/**
 * A key with no roles or groups of its own acts with all of its owner's permissions, so deleting
 * the last role or group that narrows a key would widen it. Like a policy still attached to
 * something, a role or group in use by a live key must be taken off the keys first.
 */
function refuseIfKeysUse(kind: 'role' | 'group', keys: number): void {
  if (keys === 0) return;
  throw new AppError(
    'CONFLICT',
    `This ${kind} is assigned to ${keys} access key${keys === 1 ? '' : 's'}; take it off ${keys === 1 ? 'that key' : 'those keys'} first (deleting it could widen a key to its owner's permissions).`,
    { accessKeys: keys },
  );
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw new AppError('VALIDATION_FAILED', 'A name must be 1 to 100 characters.');
  return trimmed;
}

function checkPermissions(permissions: string[]): string[] {
  const bad = permissions.filter((p) => !isPermissionPattern(p));
  if (bad.length > 0) {
    throw new AppError('INVALID_PERMISSION', `Not a valid permission: ${bad.slice(0, 5).map((p) => JSON.stringify(p)).join(', ')}. Use lower-case service:action, optionally ending in *.`);
  }
  return normalize(permissions);
}

