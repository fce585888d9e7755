/** Storage contract, part 3: roles, groups, their links, and the permissions they grant. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group, Role } from '../src/core/model.js';
import { generateId } from '../src/crypto/random.js';
import type { Store } from '../src/store/store.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

let clock = Date.UTC(2032, 0, 1);
const tick = () => {
  clock += 1000;
  return new Date(clock);
};

async function seedRole(store: Store, tenantId: string, permissions: string[], name = `role-${generateId('role').slice(-8)}`): Promise<Role> {
  const at = tick();
  const role: Role = { id: generateId('role'), tenantId, name, description: `grants ${permissions.join(', ')}`, permissions, createdAt: at, updatedAt: at };
  await store.transaction((tx) => tx.roles.insert(role));
  return role;
}

async function seedGroup(store: Store, tenantId: string, links: { roleIds?: string[]; userIds?: string[] } = {}): Promise<Group> {
  const at = tick();
  const group: Group = {
    id: generateId('group'),
    tenantId,
    name: `group-${generateId('group').slice(-8)}`,
    description: 'a team',
    roleIds: [...(links.roleIds ?? [])].sort(),
    userIds: [...(links.userIds ?? [])].sort(),
    createdAt: at,
    updatedAt: at,
  };
  await store.transaction((tx) => tx.groups.insert(group));
  return group;
}

describe.each(DATABASE_KINDS)('storage on %s: roles and groups', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('creates, reads, renames and deletes a role, only within its tenant', async () => {
    const tenant = await seedTenant(t.store);
    const other = await seedTenant(t.store);
    const role = await seedRole(t.store, tenant.id, ['storage:read', 'billing:*']);
    expect(await t.store.roles.find(tenant.id, role.id)).toEqual(role);
    expect(await t.store.roles.find(other.id, role.id)).toBeNull();

    const updated: Role = { ...role, name: 'readers', description: 'reads', permissions: ['storage:read'], updatedAt: tick() };
    await t.store.transaction((tx) => tx.roles.update(updated));
    expect(await t.store.roles.find(tenant.id, role.id)).toEqual(updated);
    await t.store.transaction((tx) => tx.roles.update({ ...updated, tenantId: other.id, name: 'hijacked' }));
    expect(await t.store.roles.find(tenant.id, role.id)).toEqual(updated);

    await t.store.transaction((tx) => tx.roles.delete(other.id, role.id));
    expect(await t.store.roles.find(tenant.id, role.id)).toEqual(updated);
    await t.store.transaction((tx) => tx.roles.delete(tenant.id, role.id));
    expect(await t.store.roles.find(tenant.id, role.id)).toBeNull();
  });

  it('refuses two roles with one name in a tenant, but not across tenants', async () => {
    const a = await seedTenant(t.store);
    const b = await seedTenant(t.store);
    await seedRole(t.store, a.id, [], 'operators');
    const error = await seedRole(t.store, a.id, [], 'operators').then(
      () => null,
      (e: unknown) => e,
    );
    expect(t.store.dialect.isUniqueViolation(error)).toBe(true);
    await expect(seedRole(t.store, b.id, [], 'operators')).resolves.toMatchObject({ tenantId: b.id });
  });

  it('lists roles and groups newest first, page by page', async () => {
    const tenant = await seedTenant(t.store);
    const roles = [];
    for (let i = 0; i < 5; i++) roles.push(await seedRole(t.store, tenant.id, [`svc${i}:read`]));
    const first = await t.store.roles.list(tenant.id, { cursor: null, limit: 3 });
    expect(first.items.map((r) => r.id)).toEqual([roles[4]!.id, roles[3]!.id, roles[2]!.id]);
    expect(first.nextCursor).not.toBeNull();
    const groups = [await seedGroup(t.store, tenant.id), await seedGroup(t.store, tenant.id)];
    const g = await t.store.groups.list(tenant.id, { cursor: null, limit: 1 });
    expect(g.items.map((x) => x.id)).toEqual([groups[1]!.id]);
    expect(g.nextCursor).not.toBeNull();
  });

  it('keeps a group with its roles and members, and replaces them on update', async () => {
    const tenant = await seedTenant(t.store);
    const r1 = await seedRole(t.store, tenant.id, ['a:read']);
    const r2 = await seedRole(t.store, tenant.id, ['b:read']);
    const u1 = await seedUser(t.store, tenant.id);
    const u2 = await seedUser(t.store, tenant.id);
    const group = await seedGroup(t.store, tenant.id, { roleIds: [r1.id, r2.id], userIds: [u1.id] });
    expect(await t.store.groups.find(tenant.id, group.id)).toEqual(group);
    expect(await t.store.users.groupIds(u1.id)).toEqual([group.id]);

    const updated: Group = { ...group, name: 'renamed', roleIds: [r2.id], userIds: [u2.id], updatedAt: tick() };
    await t.store.transaction((tx) => tx.groups.update(updated));
    expect(await t.store.groups.find(tenant.id, group.id)).toEqual(updated);
    expect(await t.store.users.groupIds(u1.id)).toEqual([]);
    expect(await t.store.users.groupIds(u2.id)).toEqual([group.id]);
    expect(await t.store.groups.permissionsOf([group.id])).toEqual(['b:read']);
  });

  it('grants a user the permissions of direct roles and of roles via groups', async () => {
    const tenant = await seedTenant(t.store);
    const direct = await seedRole(t.store, tenant.id, ['storage:read', 'storage:list']);
    const viaGroup = await seedRole(t.store, tenant.id, ['billing:*']);
    const user = await seedUser(t.store, tenant.id);
    const bystander = await seedUser(t.store, tenant.id);
    expect(await t.store.users.grantedPermissions(user.id)).toEqual([]);

    await t.store.transaction((tx) => tx.users.setRoles(tenant.id, user.id, [direct.id]));
    await seedGroup(t.store, tenant.id, { roleIds: [viaGroup.id], userIds: [user.id] });
    expect(await t.store.users.roleIds(user.id)).toEqual([direct.id]);
    expect((await t.store.users.grantedPermissions(user.id)).sort()).toEqual(['billing:*', 'storage:list', 'storage:read']);
    expect(await t.store.users.grantedPermissions(bystander.id)).toEqual([]);
    expect((await t.store.roles.permissionsOf([direct.id, viaGroup.id])).sort()).toEqual(['billing:*', 'storage:list', 'storage:read']);

    await t.store.transaction((tx) => tx.users.setRoles(tenant.id, user.id, []));
    expect(await t.store.users.grantedPermissions(user.id)).toEqual(['billing:*']);
  });

  it('deleting a role removes it from groups, users and keys, and its permissions with it', async () => {
    const tenant = await seedTenant(t.store);
    const doomed = await seedRole(t.store, tenant.id, ['danger:*']);
    const kept = await seedRole(t.store, tenant.id, ['safe:read']);
    const user = await seedUser(t.store, tenant.id);
    await t.store.transaction((tx) => tx.users.setRoles(tenant.id, user.id, [doomed.id, kept.id]));
    const group = await seedGroup(t.store, tenant.id, { roleIds: [doomed.id, kept.id], userIds: [user.id] });
    const { key } = await seedKey(t.store, { tenantId: tenant.id, ownerId: user.id, roleIds: [doomed.id, kept.id].sort() });

    await t.store.transaction((tx) => tx.roles.delete(tenant.id, doomed.id));
    expect(await t.store.users.roleIds(user.id)).toEqual([kept.id]);
    expect((await t.store.groups.find(tenant.id, group.id))?.roleIds).toEqual([kept.id]);
    expect((await t.store.accessKeys.find(tenant.id, key.accessKeyId))?.key.roleIds).toEqual([kept.id]);
    expect(await t.store.users.grantedPermissions(user.id)).toEqual(['safe:read']);
  });

  it('deleting a group removes its memberships and key assignments', async () => {
    const tenant = await seedTenant(t.store);
    const role = await seedRole(t.store, tenant.id, ['reports:read']);
    const user = await seedUser(t.store, tenant.id);
    const group = await seedGroup(t.store, tenant.id, { roleIds: [role.id], userIds: [user.id] });
    const { key } = await seedKey(t.store, { tenantId: tenant.id, ownerId: user.id, groupIds: [group.id] });

    await t.store.transaction((tx) => tx.groups.delete(tenant.id, group.id));
    expect(await t.store.groups.find(tenant.id, group.id)).toBeNull();
    expect(await t.store.users.groupIds(user.id)).toEqual([]);
    expect((await t.store.accessKeys.find(tenant.id, key.accessKeyId))?.key.groupIds).toEqual([]);
    expect(await t.store.users.grantedPermissions(user.id)).toEqual([]);
    expect(await t.store.roles.find(tenant.id, role.id)).toEqual(role);
  });

  it('existing() keeps only the IDs that belong to the tenant', async () => {
    const tenant = await seedTenant(t.store);
    const other = await seedTenant(t.store);
    const mine = await seedRole(t.store, tenant.id, []);
    const theirs = await seedRole(t.store, other.id, []);
    const myGroup = await seedGroup(t.store, tenant.id);
    const theirGroup = await seedGroup(t.store, other.id);
    expect(await t.store.roles.existing(tenant.id, [mine.id, theirs.id, generateId('role')])).toEqual([mine.id]);
    expect(await t.store.roles.existing(tenant.id, [])).toEqual([]);
    expect(await t.store.groups.existing(tenant.id, [theirGroup.id, myGroup.id, generateId('group')])).toEqual([myGroup.id]);
    expect(await t.store.groups.existing(other.id, [myGroup.id])).toEqual([]);
  });

  // Tenant isolation at the store boundary: an ID from another tenant must change nothing there.
  it("deleting another tenant's role by ID leaves that role and its links intact", async () => {
    const victim = await seedTenant(t.store);
    const attacker = await seedTenant(t.store);
    const role = await seedRole(t.store, victim.id, ['secret:read']);
    const user = await seedUser(t.store, victim.id);
    await t.store.transaction((tx) => tx.users.setRoles(victim.id, user.id, [role.id]));
    const group = await seedGroup(t.store, victim.id, { roleIds: [role.id] });

    expect(await t.store.transaction((tx) => tx.roles.delete(attacker.id, role.id))).toBe(false);
    expect(await t.store.roles.find(victim.id, role.id)).toEqual(role);
    expect((await t.store.groups.find(victim.id, group.id))?.roleIds).toEqual([role.id]);
    expect(await t.store.users.grantedPermissions(user.id)).toEqual(['secret:read']);
  });

  const victimGroup = async () => {
    const victim = await seedTenant(t.store);
    const attacker = await seedTenant(t.store);
    const role = await seedRole(t.store, victim.id, ['secret:read']);
    const user = await seedUser(t.store, victim.id);
    const group = await seedGroup(t.store, victim.id, { roleIds: [role.id], userIds: [user.id] });
    return { victim, attacker, user, group };
  };

  it("updating another tenant's group by ID leaves its roles and members intact", async () => {
    const { victim, attacker, user, group } = await victimGroup();
    expect(await t.store.transaction((tx) => tx.groups.update({ ...group, tenantId: attacker.id, roleIds: [], userIds: [] }))).toBe(false);
    expect(await t.store.groups.find(victim.id, group.id)).toEqual(group);
    expect(await t.store.users.grantedPermissions(user.id)).toEqual(['secret:read']);
  });

  it("deleting another tenant's group by ID leaves its roles and members intact", async () => {
    const { victim, attacker, user, group } = await victimGroup();
    expect(await t.store.transaction((tx) => tx.groups.delete(attacker.id, group.id))).toBe(false);
    expect(await t.store.groups.find(victim.id, group.id)).toEqual(group);
    expect(await t.store.users.grantedPermissions(user.id)).toEqual(['secret:read']);
  });
});
