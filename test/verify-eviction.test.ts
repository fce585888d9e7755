/**
 * A write evicts the cached keys whose answer it can change, and no others: a user's keys for
 * that user, the keys resolved through a role or group for that role or group, the whole tenant
 * only for its policy. A new name or email evicts nothing. Checked in the writing process (the
 * unit of work evicts after commit) and through the change log (what other processes poll).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/services/actor.js';
import type { CachedKey } from '../src/services/key-cache.js';
import { DATABASE_KINDS, openTestStore, type TestStore } from './support/databases.js';
import { createTenant, openRuntime, PASSWORD, type Runtime } from './support/verify-cluster.js';

describe.each(DATABASE_KINDS)('cache eviction by what changed, on %s', (kind) => {
  let t: TestStore;
  let runtime: Runtime;
  let admin: Actor;
  let otherTenantAdmin: Actor;
  const unique = () => randomBytes(4).toString('hex');
  const context = { sourceIp: '203.0.113.10', userAgent: 'eviction-test' };

  beforeAll(async () => {
    t = await openTestStore(kind);
    // No background polling: the test polls itself, so what it sees is deterministic.
    runtime = await openRuntime(t.store, { masterKey: randomBytes(32), background: false });
    await runtime.services.keyCache.start();
    admin = await createTenant(runtime.services);
    otherTenantAdmin = await createTenant(runtime.services);
  });

  afterAll(async () => {
    await runtime?.close();
    await t?.cleanup();
  });

  const services = () => runtime.services;
  const role = (permissions: string[]) => services().roles.createRole(admin, { name: `r-${unique()}`, permissions });
  const member = async (roleIds: string[] = []) => (await services().users.create(admin, { email: `m${unique()}@example.test`, password: PASSWORD, programmaticAccess: true, roleIds })).user;

  /** Keys verified once, so each is in the cache; returns the cached entries to compare identity with later. */
  async function cached(...tokens: { token: string; key: { accessKeyId: string } }[]): Promise<Map<string, CachedKey>> {
    await services().keyCache.poll();
    const entries = new Map<string, CachedKey>();
    for (const issued of tokens) {
      expect(await services().verification.verify({ kind: 'token', token: issued.token }, context)).toMatchObject({ valid: true });
      entries.set(issued.key.accessKeyId, services().keyCache.peek(issued.key.accessKeyId)!);
    }
    return entries;
  }

  /** After the write and a poll of the change log: which of the keys are still the very same cache entries. */
  async function kept(entries: Map<string, CachedKey>): Promise<string[]> {
    const stillCached = () => [...entries].filter(([id, entry]) => services().keyCache.peek(id) === entry).map(([id]) => id);
    const inProcess = stillCached();
    await services().keyCache.poll();
    // The change log says no more than what this process evicted at commit.
    expect(stillCached()).toEqual(inProcess);
    return inProcess;
  }

  it("renaming a user, or changing their email or password, keeps every cached key, the user's own included", async () => {
    const owner = await member();
    const own = await services().keys.create(admin, { name: 'owned', userId: owner.id });
    const other = await services().keys.create(admin, { name: 'the admin’s' });
    const entries = await cached(own, other);
    await services().users.update(admin, owner.id, { name: `Renamed ${unique()}`, email: `renamed-${unique()}@example.test` });
    await services().users.update(admin, owner.id, { roleIds: [] });
    expect(await kept(entries)).toEqual([own.key.accessKeyId, other.key.accessKeyId]);
  });

  it("disabling a user evicts that user's keys only", async () => {
    const [ann, bob] = [await member(), await member()];
    const annKey = await services().keys.create(admin, { name: 'ann', userId: ann.id });
    const bobKey = await services().keys.create(admin, { name: 'bob', userId: bob.id });
    const entries = await cached(annKey, bobKey);
    await services().users.update(admin, ann.id, { status: 'disabled' });
    expect(await kept(entries)).toEqual([bobKey.key.accessKeyId]);
  });

  it('a role evicts the keys resolved through it (key, owner or group) when its permissions change, and none when only renamed', async () => {
    const storage = await role(['storage:read']);
    const unrelated = await role(['billing:read']);
    const holder = await member([storage.id]);
    const grouped = await member();
    await services().roles.createGroup(admin, { name: `g-${unique()}`, roleIds: [storage.id], userIds: [grouped.id] });
    const bystander = await member([unrelated.id]);
    const viaOwner = await services().keys.create(admin, { name: 'owner holds it', userId: holder.id });
    const viaGroup = await services().keys.create(admin, { name: 'owner’s group holds it', userId: grouped.id });
    const viaKey = await services().keys.create(admin, { name: 'narrowed by it', roleIds: [storage.id] });
    const unaffected = await services().keys.create(admin, { name: 'unrelated', userId: bystander.id });
    let entries = await cached(viaOwner, viaGroup, viaKey, unaffected);

    await services().roles.updateRole(admin, storage.id, { name: `renamed-${unique()}`, description: 'same permissions' });
    expect(await kept(entries)).toHaveLength(4);

    await services().roles.updateRole(admin, storage.id, { permissions: ['storage:read', 'storage:list'] });
    expect(await kept(entries)).toEqual([unaffected.key.accessKeyId]);

    entries = await cached(viaOwner, viaGroup, viaKey, unaffected);
    await services().users.update(admin, holder.id, { roleIds: [] });
    expect(await kept(entries)).toEqual([viaGroup.key.accessKeyId, viaKey.key.accessKeyId, unaffected.key.accessKeyId]);
  });

  it("a group evicts its members' keys when its links change, a new member's too, and none when only renamed", async () => {
    const storage = await role(['storage:read']);
    const [inside, joining, outside] = [await member(), await member(), await member()];
    const group = await services().roles.createGroup(admin, { name: `g-${unique()}`, roleIds: [storage.id], userIds: [inside.id] });
    const insideKey = await services().keys.create(admin, { name: 'inside', userId: inside.id });
    const joiningKey = await services().keys.create(admin, { name: 'joining', userId: joining.id });
    const outsideKey = await services().keys.create(admin, { name: 'outside', userId: outside.id });
    const entries = await cached(insideKey, joiningKey, outsideKey);

    await services().roles.updateGroup(admin, group.id, { name: `renamed-${unique()}` });
    expect(await kept(entries)).toHaveLength(3);

    await services().roles.updateGroup(admin, group.id, { userIds: [inside.id, joining.id] });
    expect(await kept(entries)).toEqual([outsideKey.key.accessKeyId]);
  });

  it("a policy change evicts the whole tenant's keys, and no other tenant's", async () => {
    const mine = await services().keys.create(admin, { name: 'mine' });
    const theirs = await services().keys.create(otherTenantAdmin, { name: 'theirs' });
    const entries = await cached(mine, theirs);
    const policy = await services().tenants.getPolicy(admin);
    await services().tenants.putPolicy(admin, { ...policy, replayProtection: !policy.replayProtection });
    expect(await kept(entries)).toEqual([theirs.key.accessKeyId]);
  });
});
