/**
 * Credits spent by a burst of verifications in one process (CreditBatcher over the real store):
 * one statement in flight per key, the exact count spent, every request told its own remaining.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CreditBatcher } from '../src/services/usage-controls/credit-batcher.js';
import type { CreditSpend } from '../src/services/usage-controls/usage-gate.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

describe.each(DATABASE_KINDS)('credit spends batched per key on %s', (kind) => {
  let db: TestStore | null = null;
  afterEach(async () => {
    await db?.cleanup();
    db = null;
  });

  it('600 concurrent spends of 1 against 250 credits: exactly 250 pass, one statement in flight at a time', async () => {
    db = await openTestStore(kind);
    const store = db.store;
    const tenant = await seedTenant(store);
    const user = await seedUser(store, tenant.id);
    const { key } = await seedKey(store, { tenantId: tenant.id, ownerId: user.id });
    await store.transaction((tx) => tx.accessKeys.update(tenant.id, key.accessKeyId, 'enabled', { usage: { credits: { remaining: 250, refill: null } } }, new Date()));
    let inFlight = 0;
    let most = 0;
    const batcher = new CreditBatcher(async (spend) => {
      most = Math.max(most, ++inFlight);
      try {
        return await store.credits.spend(spend);
      } finally {
        inFlight--;
      }
    });
    const spend = (cost: number): CreditSpend => ({ tenantId: tenant.id, accessKeyId: key.accessKeyId, cost, now: Date.now(), dueRefillAt: null });
    const results = await Promise.all(Array.from({ length: 600 }, () => batcher.spend(spend(1))));
    const passed = results.filter((r) => r.ok);
    expect(passed).toHaveLength(250);
    expect(new Set(passed.map((r) => r.remaining))).toEqual(new Set(Array.from({ length: 250 }, (_, i) => i)));
    expect(results.filter((r) => !r.ok).every((r) => r.remaining === 0)).toBe(true);
    expect(most).toBe(1);
    expect((await store.credits.find({ tenantId: tenant.id, accessKeyId: key.accessKeyId }))?.remaining).toBe(0);
  });

  it('a batch that does not fit as a whole is spent one by one: only the requests whose cost does not fit are refused', async () => {
    db = await openTestStore(kind);
    const store = db.store;
    const tenant = await seedTenant(store);
    const user = await seedUser(store, tenant.id);
    const { key } = await seedKey(store, { tenantId: tenant.id, ownerId: user.id });
    await store.transaction((tx) => tx.accessKeys.update(tenant.id, key.accessKeyId, 'enabled', { usage: { credits: { remaining: 10, refill: null } } }, new Date()));
    const batcher = new CreditBatcher((s) => store.credits.spend(s));
    const spend = (cost: number): CreditSpend => ({ tenantId: tenant.id, accessKeyId: key.accessKeyId, cost, now: Date.now(), dueRefillAt: null });
    const results = await Promise.all([4, 8, 5, 1].map((cost) => batcher.spend(spend(cost))));
    expect(results).toEqual([
      { ok: true, remaining: 6 },
      { ok: false, remaining: 6 },
      { ok: true, remaining: 1 },
      { ok: true, remaining: 0 },
    ]);
  });
  it('a database that cannot be reached fails every waiting spend (verification answers 503), and the next spend tries again', async () => {
    db = await openTestStore(kind);
    const store = db.store;
    const tenant = await seedTenant(store);
    const user = await seedUser(store, tenant.id);
    const { key } = await seedKey(store, { tenantId: tenant.id, ownerId: user.id });
    let down = true;
    const batcher = new CreditBatcher((s) => (down ? Promise.reject(new Error('connection refused')) : store.credits.spend(s)));
    const spend: CreditSpend = { tenantId: tenant.id, accessKeyId: key.accessKeyId, cost: 1, now: Date.now(), dueRefillAt: null };
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => batcher.spend(spend)));
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    down = false;
    // No credits set on the key: unlimited.
    expect(await batcher.spend(spend)).toEqual({ ok: true, remaining: null });
  });
});
