/** Storage contract: usage credits are spent atomically, with due refills, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestRefillAt } from '../src/core/credit-refill.js';
import type { CreditRefill } from '../src/core/usage-controls.js';
import { createStore, type Store } from '../src/store/store.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2031, 4, 10, 12, 0, 0);

describe.each(DATABASE_KINDS)('credits on %s', (kind) => {
  let t: TestStore;
  let tenantId: string;
  let ownerId: string;

  beforeAll(async () => {
    t = await openTestStore(kind);
    const tenant = await seedTenant(t.store);
    tenantId = tenant.id;
    ownerId = (await seedUser(t.store, tenantId)).id;
  });
  afterAll(() => t.cleanup());

  async function keyWith(remaining: number | null, refill: CreditRefill | null = null): Promise<string> {
    const credits = remaining === null ? null : { remaining, refill, lastRefillAt: null };
    const seeded = await seedKey(t.store, { tenantId, ownerId, usage: { ratelimits: null, ipAllowlist: null, meta: null, externalId: null, credits } });
    return seeded.key.accessKeyId;
  }

  it('takes the cost while enough is left, then refuses without going below zero', async () => {
    const accessKeyId = await keyWith(5);
    const spend = (cost: number) => t.store.credits.spend({ tenantId, accessKeyId, cost, now: NOW, dueRefillAt: null });
    expect(await spend(3)).toEqual({ ok: true, remaining: 2 });
    expect(await spend(3)).toEqual({ ok: false, remaining: 2 });
    expect(await spend(0)).toEqual({ ok: true, remaining: 2 });
    expect(await spend(2)).toEqual({ ok: true, remaining: 0 });
    expect(await spend(1)).toEqual({ ok: false, remaining: 0 });
    expect((await t.store.credits.find({ tenantId, accessKeyId }))?.remaining).toBe(0);
  });

  it('answers unlimited for a key without credits, and for another tenant’s key', async () => {
    const accessKeyId = await keyWith(null);
    expect(await t.store.credits.spend({ tenantId, accessKeyId, cost: 1, now: NOW, dueRefillAt: null })).toEqual({ ok: true, remaining: null });
    const limited = await keyWith(1);
    const other = await seedTenant(t.store);
    expect(await t.store.credits.spend({ tenantId: other.id, accessKeyId: limited, cost: 1, now: NOW, dueRefillAt: null })).toEqual({ ok: true, remaining: null });
    expect((await t.store.credits.find({ tenantId, accessKeyId: limited }))?.remaining).toBe(1);
  });

  it('applies a due refill in the same statement, once per refill time', async () => {
    const refill: CreditRefill = { interval: 'daily', amount: 10 };
    const accessKeyId = await keyWith(1, refill);
    // The key was stored with its refill clock at its creation (seed time, 2030): a refill is due now.
    const due = latestRefillAt(refill, NOW);
    expect(await t.store.credits.spend({ tenantId, accessKeyId, cost: 4, now: NOW, dueRefillAt: due })).toEqual({ ok: true, remaining: 6 });
    // Same day: no second refill.
    expect(await t.store.credits.spend({ tenantId, accessKeyId, cost: 4, now: NOW + 1_000, dueRefillAt: due })).toEqual({ ok: true, remaining: 2 });
    expect(await t.store.credits.spend({ tenantId, accessKeyId, cost: 4, now: NOW + 2_000, dueRefillAt: due })).toEqual({ ok: false, remaining: 2 });
    // Next day: refilled to the amount (not added to what was left).
    const tomorrow = NOW + DAY;
    expect(await t.store.credits.spend({ tenantId, accessKeyId, cost: 4, now: tomorrow, dueRefillAt: latestRefillAt(refill, tomorrow) })).toEqual({ ok: true, remaining: 6 });
    const stored = await t.store.credits.find({ tenantId, accessKeyId });
    expect(stored).toEqual({ remaining: 6, refill, lastRefillAt: tomorrow });
  });

  it('refuses a cost above a due refill’s amount and leaves the row as it was', async () => {
    const refill: CreditRefill = { interval: 'monthly', amount: 3, refillDay: 31 };
    const accessKeyId = await keyWith(0, refill);
    const due = latestRefillAt(refill, NOW);
    expect(await t.store.credits.spend({ tenantId, accessKeyId, cost: 5, now: NOW, dueRefillAt: due })).toEqual({ ok: false, remaining: 3 });
    const stored = await t.store.credits.find({ tenantId, accessKeyId });
    expect(stored?.remaining).toBe(0);
    expect(stored?.lastRefillAt).not.toBe(NOW);
  });

  it('spends an identity’s credits by tenant and externalId', async () => {
    await t.store.transaction((tx) => tx.identities.put(tenantId, 'cust-1', { ratelimits: null, meta: null, credits: { remaining: 2, refill: null } }, new Date(NOW)));
    const spend = () => t.store.credits.spend({ tenantId, externalId: 'cust-1', cost: 1, now: NOW, dueRefillAt: null });
    expect(await spend()).toEqual({ ok: true, remaining: 1 });
    expect(await spend()).toEqual({ ok: true, remaining: 0 });
    expect(await spend()).toEqual({ ok: false, remaining: 0 });
  });

  it('adds (down to zero at most) and sets credits in one statement', async () => {
    const accessKeyId = await keyWith(5);
    const owner = { tenantId, accessKeyId };
    expect((await t.store.transaction((tx) => tx.credits.change(owner, { add: 7 }, NOW))) as { remaining: number }).toMatchObject({ remaining: 12 });
    expect((await t.store.transaction((tx) => tx.credits.change(owner, { add: -20 }, NOW))) as { remaining: number }).toMatchObject({ remaining: 0 });
    expect((await t.store.transaction((tx) => tx.credits.change(owner, { set: 40 }, NOW))) as { remaining: number }).toMatchObject({ remaining: 40 });
    const unlimited = await keyWith(null);
    expect(await t.store.transaction((tx) => tx.credits.change({ tenantId, accessKeyId: unlimited }, { add: 1 }, NOW))).toBe('unlimited');
    expect(await t.store.transaction((tx) => tx.credits.change({ tenantId, accessKeyId: 'LKAAAAAAAAAAAAAAAAAA' }, { set: 1 }, NOW))).toBeNull();
  });

  it('lets exactly 500 of 1,000 concurrent spends of 1 through against 500 credits', async () => {
    const accessKeyId = await keyWith(500);
    // A pool of its own on PostgreSQL, so the spends really run on many connections at once.
    const busy = kind === 'postgres' ? createStore({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, poolSize: 20 }) : t.store;
    try {
      // 1,000 spends, 60 in flight at any moment (three times the pool: every connection busy on the same row), not 1,000
      // at once: those would wait for a connection past the pool's acquire timeout (1.5 s) on a loaded machine.
      const results = await inFlight(1_000, 60, () => busy.credits.spend({ tenantId, accessKeyId, cost: 1, now: NOW, dueRefillAt: null }));
      expect(results.filter((r) => r.ok)).toHaveLength(500);
      expect(new Set(results.filter((r) => r.ok).map((r) => r.remaining)).size).toBe(500);
      expect((await t.store.credits.find({ tenantId, accessKeyId }))?.remaining).toBe(0);
    } finally {
      if (busy !== t.store) await busy.close();
    }
  });

  if (kind === 'sqlite') {
    it('lets exactly 500 through when two stores share the file', async () => {
      const accessKeyId = await keyWith(500);
      const second: Store = createStore({ databaseUrl: null, dataDir: t.dataDir });
      try {
        const stores = [t.store, second];
        const results = await Promise.all(Array.from({ length: 1_000 }, (_, i) => stores[i % 2]!.credits.spend({ tenantId, accessKeyId, cost: 1, now: NOW, dueRefillAt: null })));
        expect(results.filter((r) => r.ok)).toHaveLength(500);
        expect((await t.store.credits.find({ tenantId, accessKeyId }))?.remaining).toBe(0);
      } finally {
        await second.close();
      }
    });
  }
});

/** Runs `count` calls of `task`, at most `width` at a time; the results in call order. */
async function inFlight<T>(count: number, width: number, task: () => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}
