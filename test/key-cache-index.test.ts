/**
 * The key cache at scale: a change evicts exactly the keys that depend on it, found through
 * indexes (never a scan); the indexes follow the cache when its bound pushes keys out; a key in
 * use is not the one pushed out; and a slow background refresh, a bounded number per tick,
 * catches a change the log never told (while entries that did not change are kept, not reloaded).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/core/model.js';
import { generateId } from '../src/crypto/random.js';
import { KeyCache, REFRESH_MAX_PER_TICK } from '../src/services/key-cache.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

describe.each(DATABASE_KINDS)('key cache indexes and refresh on %s', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function role(tenantId: string, permissions: string[]): Promise<Role> {
    const at = new Date();
    const r: Role = { id: generateId('role'), tenantId, name: `r-${generateId('role').slice(-6)}`, description: '', permissions, createdAt: at, updatedAt: at };
    await t.store.transaction((tx) => tx.roles.insert(r));
    return r;
  }

  async function group(tenantId: string, roleIds: string[], userIds: string[]): Promise<string> {
    const at = new Date();
    const id = generateId('group');
    await t.store.transaction((tx) => tx.groups.insert({ id, tenantId, name: `g-${id.slice(-6)}`, description: '', roleIds, userIds, createdAt: at, updatedAt: at }));
    return id;
  }

  async function member(tenantId: string, roleIds: string[] = []): Promise<string> {
    const user = await seedUser(t.store, tenantId);
    if (roleIds.length > 0) await t.store.transaction((tx) => tx.users.setRoles(tenantId, user.id, roleIds));
    return user.id;
  }

  const key = async (tenantId: string, ownerId: string, own: { roleIds?: string[]; groupIds?: string[] } = {}) => (await seedKey(t.store, { tenantId, ownerId, ...own })).key.accessKeyId;

  async function cacheOf(max: number, ...ids: string[]): Promise<KeyCache> {
    const cache = new KeyCache({ store: t.store, max });
    await cache.start();
    for (const id of ids) expect(await cache.get(id)).not.toBeNull();
    return cache;
  }

  const cachedAmong = (cache: KeyCache, ids: Record<string, string>) =>
    Object.entries(ids)
      .filter(([, id]) => cache.peek(id) !== undefined)
      .map(([name]) => name);

  it('a role change evicts exactly the keys resolved through it: the owner’s role, the key’s own, a group’s', async () => {
    const tenant = await seedTenant(t.store);
    const r = await role(tenant.id, ['storage:read']);
    const other = await role(tenant.id, ['billing:read']);
    const viaGroupOwner = await member(tenant.id);
    const g = await group(tenant.id, [r.id], [viaGroupOwner]);
    const ids = {
      ownerHolds: await key(tenant.id, await member(tenant.id, [r.id])),
      keyHolds: await key(tenant.id, await member(tenant.id, [r.id, other.id]), { roleIds: [r.id] }),
      keyGroupHolds: await key(tenant.id, await member(tenant.id, [r.id]), { groupIds: [g] }),
      ownerGroupHolds: await key(tenant.id, viaGroupOwner),
      unrelated: await key(tenant.id, await member(tenant.id, [other.id])),
      narrowedElsewhere: await key(tenant.id, await member(tenant.id, [other.id]), { roleIds: [other.id] }),
    };
    const cache = await cacheOf(100, ...Object.values(ids));

    cache.evict({ tenantId: tenant.id, roleId: r.id });
    expect(cachedAmong(cache, ids)).toEqual(['unrelated', 'narrowedElsewhere']);
    // A group change reaches the same way (nothing left of it here), and the other role's keys go with it.
    cache.evict({ tenantId: tenant.id, groupId: g });
    expect(cachedAmong(cache, ids)).toEqual(['unrelated', 'narrowedElsewhere']);
    cache.evict({ tenantId: tenant.id, roleId: other.id });
    expect(cachedAmong(cache, ids)).toEqual([]);
    expect(cache.indexSizes).toEqual({ owners: 0, roles: 0, groups: 0, identities: 0 });
  });

  it('a user change evicts that user’s keys, a tenant change the tenant’s, and another tenant keeps its own', async () => {
    const [tenant, neighbour] = [await seedTenant(t.store), await seedTenant(t.store)];
    const [ann, bob] = [await member(tenant.id), await member(tenant.id)];
    const ids = {
      ann1: await key(tenant.id, ann),
      ann2: await key(tenant.id, ann),
      ann3: await key(tenant.id, ann),
      bob: await key(tenant.id, bob),
      neighbour: await key(neighbour.id, await member(neighbour.id)),
    };
    const cache = await cacheOf(100, ...Object.values(ids));
    // The middle of the owner's list, then its ends.
    cache.evict({ tenantId: tenant.id, accessKeyId: ids.ann2 });
    expect(cachedAmong(cache, ids)).toEqual(['ann1', 'ann3', 'bob', 'neighbour']);
    cache.evict({ tenantId: tenant.id, userId: ann });
    expect(cachedAmong(cache, ids)).toEqual(['bob', 'neighbour']);
    cache.evict({ tenantId: tenant.id, tenant: true });
    expect(cachedAmong(cache, ids)).toEqual(['neighbour']);
    expect(cache.indexSizes).toMatchObject({ owners: 1 });
  });

  it('a tenant change retires the facts its keys share: each reloads on next use, with the new policy, and parallel reads share one', async () => {
    const tenant = await seedTenant(t.store);
    const owners = [await member(tenant.id), await member(tenant.id)];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await key(tenant.id, owners[i % 2]!));
    const cache = new KeyCache({ store: t.store, max: 100 });
    await cache.start();
    // Read in parallel (on PostgreSQL truly at once): still one shared tenant object, none retired.
    const entries = await Promise.all(ids.map((id) => cache.get(id)));
    expect(new Set(ids.map((id) => cache.peek(id)?.tenant)).size).toBe(1);
    expect(entries.every((e) => e !== null && cache.peek(e.accessKeyId) === e)).toBe(true);

    await t.store.transaction((tx) => tx.tenants.updatePolicy(tenant.id, { ...tenant.policy, replayProtection: true }));
    cache.evict({ tenantId: tenant.id, tenant: true });
    for (const id of ids) expect(cache.peek(id)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect((await cache.get(ids[0]!))?.policy.replayProtection).toBe(true);
  });

  it('keys pushed out by the bound leave the indexes with them, and a key in use is not the one pushed out', async () => {
    const tenant = await seedTenant(t.store);
    const r = await role(tenant.id, ['storage:read']);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await key(tenant.id, await member(tenant.id, [r.id]), { roleIds: [r.id] }));
    const cache = await cacheOf(3, ids[0]!, ids[1]!, ids[2]!);
    cache.peek(ids[0]!); // in use: survives the next push
    for (const id of ids.slice(3)) await cache.get(id);

    expect(cache.size).toBe(3);
    expect(ids.filter((id) => cache.peek(id) !== undefined)).toEqual([ids[0], ids[4], ids[5]]);
    // Only what is cached is indexed: one owner entry and one role-holder entry per cached key.
    expect(cache.indexSizes).toEqual({ owners: 3, roles: 2, groups: 0, identities: 0 });
    cache.evict({ tenantId: tenant.id, roleId: r.id });
    expect(cache.size).toBe(0);
    expect(cache.indexSizes).toEqual({ owners: 0, roles: 0, groups: 0, identities: 0 });
  });

  it('a fresher read of an owner that disagrees with the cached keys of that owner replaces them all', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await member(tenant.id);
    const [a, b] = [await key(tenant.id, owner), await key(tenant.id, owner)];
    const cache = await cacheOf(100, a);
    // Changed without a change row, as if the log had lost it: the next read of the owner's other key sees it.
    await t.store.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', owner).execute();
    expect((await cache.get(b))?.usable.ownerStatus).toBe('disabled');
    expect(cache.peek(a)).toBeUndefined();
  });

  it('the background refresh reads a bounded number per tick, keeps what did not change and drops what did', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await member(tenant.id);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await key(tenant.id, owner));
    const cache = await cacheOf(100, ...ids);
    const before = new Map(ids.map((id) => [id, cache.peek(id)]));
    // A change the log never told: only the backstop can see it.
    await t.store.db.updateTable('accessKeys').set({ state: 'disabled' }).where('id', '=', ids[7]!).execute();

    // The whole cache once per period: a dozen keys need one read a tick, never the whole cache at once.
    expect(cache.refreshBudget()).toBe(1);
    expect(await cache.refresh(5)).toEqual({ checked: 5, dropped: 0 });
    expect(await cache.refresh(5)).toEqual({ checked: 5, dropped: 1 });
    expect(cache.peek(ids[7]!)).toBeUndefined();
    expect((await cache.get(ids[7]!))?.usable.state).toBe('disabled');
    // Every other entry is still the very same object (its signing keys and answers kept).
    for (const id of ids.filter((_, i) => i !== 7)) expect(cache.peek(id)).toBe(before.get(id));
    // The hand goes round: the next ticks start where this one stopped, then over again.
    expect(await cache.refresh(5)).toEqual({ checked: 5, dropped: 0 });
    expect(REFRESH_MAX_PER_TICK).toBeLessThanOrEqual(100);
  });
});
