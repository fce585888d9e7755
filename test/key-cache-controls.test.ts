/**
 * The key cache holds each key's usage controls (its own, its identity's, the tenant defaults,
 * merged), null for a key without any; an identity change evicts exactly the keys with its
 * externalId, found through an index, in this process at once and in others at their next poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import type { KeyUsageFields } from '../src/core/key-controls.js';
import { KeyCache } from '../src/services/key-cache.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

const NONE: KeyUsageFields = { ratelimits: null, ipAllowlist: null, meta: null, externalId: null, credits: null };
const REQUESTS = { name: 'requests', limit: 100, durationMs: 10_000 };

describe.each(DATABASE_KINDS)('usage controls in the key cache on %s', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function cacheOn(): Promise<KeyCache> {
    const cache = new KeyCache({ store: t.store, max: 100 });
    await cache.start();
    return cache;
  }

  it('a key without controls has null; its own controls, its identity’s and the tenant defaults merge', async () => {
    const tenant = await seedTenant(t.store, { policy: { ...DEFAULT_POLICY, defaultRatelimits: { access: [], api: [REQUESTS] }, defaultIpAllowlist: ['10.0.0.0/8'] } });
    const plainTenant = await seedTenant(t.store);
    const owner = (await seedUser(t.store, tenant.id)).id;
    const plainOwner = (await seedUser(t.store, plainTenant.id)).id;
    const plain = (await seedKey(t.store, { tenantId: plainTenant.id, ownerId: plainOwner })).key.accessKeyId;
    const defaults = (await seedKey(t.store, { tenantId: tenant.id, ownerId: owner })).key.accessKeyId;
    const own = (
      await seedKey(t.store, {
        tenantId: tenant.id,
        ownerId: owner,
        usage: {
          ...NONE,
          ratelimits: [],
          ipAllowlist: ['2001:db8::/32'],
          meta: { plan: 'pro' },
          externalId: 'cust-1',
          credits: { remaining: 5, refill: { interval: 'daily', amount: 5 }, lastRefillAt: null },
        },
      })
    ).key.accessKeyId;
    await t.store.transaction((tx) =>
      tx.identities.put(tenant.id, 'cust-1', { ratelimits: [{ name: 'shared', limit: 1000, durationMs: 60_000 }], meta: null, credits: { remaining: 9, refill: null } }, new Date()),
    );

    const cache = await cacheOn();
    expect((await cache.get(plain))?.controls).toBeNull();
    expect((await cache.get(defaults))?.controls).toEqual({
      ratelimits: [REQUESTS],
      identityRatelimits: [],
      hasCredits: false,
      creditsRefill: null,
      identityHasCredits: false,
      identityCreditsRefill: null,
      ipAllowlist: ['10.0.0.0/8'],
      meta: null,
      externalId: null,
    });
    expect((await cache.get(own))?.controls).toEqual({
      ratelimits: [],
      identityRatelimits: [{ name: 'shared', limit: 1000, durationMs: 60_000 }],
      hasCredits: true,
      creditsRefill: { interval: 'daily', amount: 5 },
      identityHasCredits: true,
      identityCreditsRefill: null,
      ipAllowlist: ['2001:db8::/32'],
      meta: { plan: 'pro' },
      externalId: 'cust-1',
    });
    expect(cache.indexSizes.identities).toBe(1);
  });

  it('an identity change evicts its keys only, here at commit and in another process at its next poll', async () => {
    const tenant = await seedTenant(t.store);
    const owner = (await seedUser(t.store, tenant.id)).id;
    const a = (await seedKey(t.store, { tenantId: tenant.id, ownerId: owner, usage: { ...NONE, externalId: 'acme' } })).key.accessKeyId;
    const b = (await seedKey(t.store, { tenantId: tenant.id, ownerId: owner, usage: { ...NONE, externalId: 'acme' } })).key.accessKeyId;
    const other = (await seedKey(t.store, { tenantId: tenant.id, ownerId: owner, usage: { ...NONE, externalId: 'globex' } })).key.accessKeyId;
    const here = await cacheOn();
    const there = await cacheOn();
    const stop = t.store.onCommit((changes) => {
      for (const change of changes) here.evict(change);
    });
    try {
      for (const cache of [here, there]) for (const id of [a, b, other]) expect((await cache.get(id))?.controls?.identityHasCredits).toBe(false);

      await t.store.transaction((tx) => tx.identities.put(tenant.id, 'acme', { ratelimits: null, meta: null, credits: { remaining: 1, refill: null } }, new Date()));
      expect([a, b, other].map((id) => here.peek(id) !== undefined)).toEqual([false, false, true]);
      expect([a, b, other].map((id) => there.peek(id) !== undefined)).toEqual([true, true, true]);
      await there.poll();
      expect([a, b, other].map((id) => there.peek(id) !== undefined)).toEqual([false, false, true]);
      expect((await there.get(a))?.controls?.identityHasCredits).toBe(true);

      await t.store.transaction((tx) => tx.identities.delete(tenant.id, 'acme'));
      expect(here.peek(a)).toBeUndefined();
      expect((await here.get(a))?.controls?.identityHasCredits).toBe(false);
    } finally {
      stop();
    }
  });

  it('a key whose controls all go is held as null again after its change', async () => {
    const tenant = await seedTenant(t.store);
    const owner = (await seedUser(t.store, tenant.id)).id;
    const id = (await seedKey(t.store, { tenantId: tenant.id, ownerId: owner, usage: { ...NONE, meta: { team: 'a' } } })).key.accessKeyId;
    const cache = await cacheOn();
    expect((await cache.get(id))?.controls?.meta).toEqual({ team: 'a' });
    await t.store.transaction((tx) => tx.accessKeys.update(tenant.id, id, 'enabled', { usage: { meta: null } }, new Date()));
    await cache.poll();
    expect((await cache.get(id))?.controls).toBeNull();
  });
});
