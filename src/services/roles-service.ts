import { AppError } from '../core/errors.js';
import type { Group, Page, Role } from '../core/model.js';
import { membershipChanges, sameSet, userRolesChanged, type RolesChange } from '../core/notifications.js';
import { isPermissionPattern, normalize } from '../core/permissions.js';
import { generateId } from '../crypto/random.js';
import type { Store, Tx } from '../store/store.js';
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
  private readonly notifications: NotificationsService;

  constructor(options: { store: Store; clock: Clock; audit: AuditService; notifications: NotificationsService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.audit = options.audit;
    this.notifications = options.notifications;
  }

  createRole(actor: Actor, input: { name: string; description?: string; permissions: string[] }): Promise<Role> {
    return this.audit.refusable(actor, { action: 'role.create', targetType: 'role', targetId: null }, async () => {
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
      await this.write(actor, { action: 'role.create', targetType: 'role', targetId: role.id, details: { name: role.name, permissions: role.permissions } }, (tx) => tx.roles.insert(role));
      return role;
    });
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

  updateRole(actor: Actor, id: string, patch: { name?: string; description?: string; permissions?: string[] }): Promise<Role> {
    return this.audit.refusable(actor, { action: 'role.update', targetType: 'role', targetId: id }, async () => {
      requireAdmin(actor, 'latchkey:roles:write');
      const role = await this.getRole(actor, id);
      const next: Role = {
        ...role,
        name: patch.name === undefined ? role.name : checkName(patch.name),
        description: patch.description?.trim() ?? role.description,
        permissions: patch.permissions === undefined ? role.permissions : checkPermissions(patch.permissions),
        updatedAt: this.clock.now(),
      };
      await this.write(actor, { action: 'role.update', targetType: 'role', targetId: id, details: { ...patch } }, async (tx) => {
        if (!(await tx.roles.update(next))) throw new AppError('NOT_FOUND', 'No such role.');
      });
      return next;
    });
  }

  deleteRole(actor: Actor, id: string): Promise<void> {
    return this.audit.refusable(actor, { action: 'role.delete', targetType: 'role', targetId: id }, async () => {
      requireAdmin(actor, 'latchkey:roles:write');
      const role = await this.getRole(actor, id);
      await this.write(actor, { action: 'role.delete', targetType: 'role', targetId: id, details: { name: role.name } }, async (tx) => {
        refuseIfKeysUse('role', await tx.roles.liveKeysUsing(actor.tenantId, id, KEYS_NAMED));
        const holders = await tx.users.holdersOfRole(actor.tenantId, id);
        if (!(await tx.roles.delete(actor.tenantId, id))) throw new AppError('NOT_FOUND', 'No such role.');
        await this.tell(tx, actor, holders, { kind: 'role-deleted', role: { id, name: role.name } });
      });
    });
  }

  createGroup(actor: Actor, input: { name: string; description?: string; roleIds?: string[]; userIds?: string[] }): Promise<Group> {
    return this.audit.refusable(actor, { action: 'group.create', targetType: 'group', targetId: null }, async () => {
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
      await this.write(actor, { action: 'group.create', targetType: 'group', targetId: group.id, details: { name: group.name, roleIds: group.roleIds, userIds: group.userIds } }, async (tx) => {
        await tx.groups.insert(group);
        await this.tell(tx, actor, group.userIds, { kind: 'added-to-group', group });
      });
      return group;
    });
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

  updateGroup(actor: Actor, id: string, patch: { name?: string; description?: string; roleIds?: string[]; userIds?: string[] }): Promise<Group> {
    return this.audit.refusable(actor, { action: 'group.update', targetType: 'group', targetId: id }, async () => {
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
      await this.write(actor, { action: 'group.update', targetType: 'group', targetId: id, details: { ...patch } }, async (tx) => {
        if (!(await tx.groups.update(next))) throw new AppError('NOT_FOUND', 'No such group.');
        await this.tell(tx, actor, members.added, { kind: 'added-to-group', group: next });
        await this.tell(tx, actor, members.removed, { kind: 'removed-from-group', group: next });
        // Members who just joined were told already; the others learn their group's roles changed.
        if (rolesChanged)
          await this.tell(
            tx,
            actor,
            next.userIds.filter((u) => !members.added.includes(u)),
            { kind: 'group-roles', group: next },
          );
      });
      return next;
    });
  }

  deleteGroup(actor: Actor, id: string): Promise<void> {
    return this.audit.refusable(actor, { action: 'group.delete', targetType: 'group', targetId: id }, async () => {
      requireAdmin(actor, 'latchkey:roles:write');
      const group = await this.getGroup(actor, id);
      await this.write(actor, { action: 'group.delete', targetType: 'group', targetId: id, details: { name: group.name } }, async (tx) => {
        refuseIfKeysUse('group', await tx.groups.liveKeysUsing(actor.tenantId, id, KEYS_NAMED));
        if (!(await tx.groups.delete(actor.tenantId, id))) throw new AppError('NOT_FOUND', 'No such group.');
        await this.tell(tx, actor, group.userIds, { kind: 'removed-from-group', group });
      });
    });
  }

  /**
   * The write and its audit event in one unit of work; the repositories record the change rows
   * (DESIGN: a change row is written with the change, so no process can miss one).
   */
  private async write(actor: Actor, entry: AuditEntry, work: (tx: Tx) => Promise<void>): Promise<void> {
    try {
      await this.store.transaction(async (tx) => {
        await work(tx);
        await this.audit.record(actor, entry, tx);
      });
    } catch (error) {
      if (this.store.dialect.isUniqueViolation(error)) throw new AppError('NAME_TAKEN');
      throw error;
    }
  }

  /** user.roles_changed for the users affected (never the admin who made the change). */
  private async tell(tx: Tx, actor: Actor, userIds: string[], change: RolesChange): Promise<void> {
    await this.notifications.notify(tx, actor.tenantId, userIds, userRolesChanged(change, actor.user), { skip: actor.user.id });
  }

  private checkRefs(tenantId: string, kind: 'role' | 'user', ids: string[]): Promise<string[]> {
    return requireKnown(kind, ids, async (unique) => (kind === 'role' ? this.store.roles.existing(tenantId, unique) : (await this.store.users.findMany(tenantId, unique)).map((u) => u.id)));
  }
}

/**
 * A key with no roles or groups of its own acts with all of its owner's permissions, so deleting
 * the last role or group that narrows a key would widen it. Like a policy still attached to
 * something, a role or group in use by a live key must be taken off the keys first.
 */
function refuseIfKeysUse(kind: 'role' | 'group', using: { count: number; keys: { accessKeyId: string; name: string }[] }): void {
  const n = using.count;
  if (n === 0) return;
  const named = using.keys.map((k) => `${k.name} (${k.accessKeyId})`).join(', ');
  const more = n > using.keys.length ? ` and ${n - using.keys.length} more` : '';
  throw new AppError(
    'CONFLICT',
    `This ${kind} is assigned to ${n} access key${n === 1 ? '' : 's'}: ${named}${more}. Take it off ${n === 1 ? 'that key' : 'those keys'} first (deleting it could widen a key to its owner's permissions).`,
    { accessKeys: n, keys: using.keys },
  );
}

/** Keys a refused delete names (the count covers them all). */
const KEYS_NAMED = 10;

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw new AppError('VALIDATION_FAILED', 'A name must be 1 to 100 characters.');
  return trimmed;
}

function checkPermissions(permissions: string[]): string[] {
  const bad = permissions.filter((p) => !isPermissionPattern(p));
  if (bad.length > 0) {
    throw new AppError(
      'INVALID_PERMISSION',
      `Not a valid permission: ${bad
        .slice(0, 5)
        .map((p) => JSON.stringify(p))
        .join(', ')}. Use lower-case service:action, optionally ending in *.`,
    );
  }
  return normalize(permissions);
}
