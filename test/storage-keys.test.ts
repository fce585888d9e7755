/** Storage contract, part 4: creating access keys within the quota, and reading them back. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { generateAccessKeyId } from '../src/crypto/random.js';
import { DATABASE_KINDS, newAccessKey, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

/**
 * Holds back every insert into access_keys (other sessions may still read), so parallel creates
 * pile up at the quota boundary. `waitForBlocked(n)` proves n sessions really wait at once,
 * each on its own connection; `release()` lets them all go.
 */
async function holdKeyInserts(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE access_keys IN EXCLUSIVE MODE');
  let released = false;
  return {
    async waitForBlocked(n: number): Promise<void> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        // Activity statistics are a snapshot per transaction, and this client sits in one.
        await client.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
        );
        if ((rows[0]?.n ?? 0) >= n) return;
        if (Date.now() > deadline) throw new Error(`only ${rows[0]?.n} sessions were blocked, expected ${n} running in parallel`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      await client.query('COMMIT').catch(() => {});
      await client.end();
    },
  };
}

describe.each(DATABASE_KINDS)('storage on %s: creating and reading access keys', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const ownerIn = async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id);
    return { tenant, owner };
  };

  it("refuses a key beyond the owner's limit and stores nothing for it", async () => {
    const { tenant, owner } = await ownerIn();
    await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id }, 2);
    await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id }, 2);
    const third = newAccessKey({ tenantId: tenant.id, ownerId: owner.id });
    expect(await t.store.transaction((tx) => tx.accessKeys.insertWithinQuota(third, 2))).toBe('limit-reached');
    expect(await t.store.accessKeys.find(tenant.id, third.key.accessKeyId)).toBeNull();
    expect(await t.store.accessKeys.countHeld(owner.id)).toBe(2);

    // The limit is per owner: a colleague in the same tenant still has room.
    const colleague = await seedUser(t.store, tenant.id);
    expect(await t.store.transaction((tx) => tx.accessKeys.insertWithinQuota(newAccessKey({ tenantId: tenant.id, ownerId: colleague.id }), 2))).toBe('inserted');
  });

  it('does not count deleted keys against the limit, but does count disabled ones', async () => {
    const { tenant, owner } = await ownerIn();
    const a = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id }, 2);
    await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, state: 'disabled' }, 2);
    expect(await t.store.transaction((tx) => tx.accessKeys.insertWithinQuota(newAccessKey({ tenantId: tenant.id, ownerId: owner.id }), 2))).toBe('limit-reached');

    expect(await t.store.transaction((tx) => tx.accessKeys.update(tenant.id, a.key.accessKeyId, 'enabled', { state: 'deleted' }, new Date()))).toBe(true);
    expect(await t.store.accessKeys.countHeld(owner.id)).toBe(1);
    expect(await t.store.transaction((tx) => tx.accessKeys.insertWithinQuota(newAccessKey({ tenantId: tenant.id, ownerId: owner.id }), 2))).toBe('inserted');
    expect(await t.store.transaction((tx) => tx.accessKeys.insertWithinQuota(newAccessKey({ tenantId: tenant.id, ownerId: owner.id }), 2))).toBe('limit-reached');
  });

  it('inserts any number of keys when the limit is null', async () => {
    const { tenant, owner } = await ownerIn();
    for (let i = 0; i < 6; i++) await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id }, null);
    expect(await t.store.accessKeys.countHeld(owner.id)).toBe(6);
  });

  it('lets exactly 2 of 10 parallel creates through a limit of 2', async () => {
    const { tenant, owner } = await ownerIn();
    const inputs = Array.from({ length: 10 }, () => newAccessKey({ tenantId: tenant.id, ownerId: owner.id }));
    const gate = kind === 'postgres' ? await holdKeyInserts(t.databaseUrl!) : null;
    let outcomes: ('inserted' | 'limit-reached')[];
    try {
      const pending = inputs.map((input) => t.store.transaction((tx) => tx.accessKeys.insertWithinQuota(input, 2)));
      // PostgreSQL: all ten transactions are open at once on separate pool connections.
      await gate?.waitForBlocked(10);
      await gate?.release();
      outcomes = await Promise.all(pending);
    } finally {
      await gate?.release();
    }
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'limit-reached')).toHaveLength(8);

    const rows = await t.store.db.selectFrom('accessKeys').select('id').where('ownerId', '=', owner.id).execute();
    const insertedIds = inputs.filter((_, i) => outcomes[i] === 'inserted').map((input) => input.key.accessKeyId);
    expect(rows.map((r) => r.id).sort()).toEqual(insertedIds.sort());
  });

  it('finds a key with its secrets, roles and groups, only within its tenant', async () => {
    const { tenant, owner } = await ownerIn();
    const other = await seedTenant(t.store);
    const seeded = await seedKey(t.store, {
      tenantId: tenant.id,
      ownerId: owner.id,
      name: 'deploy bot',
      type: 'access',
      expiresAt: null,
      secrets: { secretVersion: 3 },
    });
    // A key never used has no last-used address either.
    expect(await t.store.accessKeys.find(tenant.id, seeded.key.accessKeyId)).toEqual({ ...seeded, key: { ...seeded.key, lastUsedIp: null } });
    expect(await t.store.accessKeys.find(other.id, seeded.key.accessKeyId)).toBeNull();
    expect(await t.store.accessKeys.find(tenant.id, generateAccessKeyId())).toBeNull();
  });

  it("reads for verification the key with its owner's and tenant's current facts", async () => {
    const policy = { ...DEFAULT_POLICY, memberKeyLimit: 9, allowNeverExpires: false };
    const tenant = await seedTenant(t.store, { policy });
    const owner = await seedUser(t.store, tenant.id, { role: 'admin', programmaticAccess: true });
    const seeded = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });

    const k = seeded.key;
    const sec = seeded.secrets;
    expect(await t.store.accessKeys.findForVerification(k.accessKeyId)).toEqual({
      id: k.accessKeyId,
      tenantId: tenant.id,
      ownerId: owner.id,
      type: k.type,
      state: k.state,
      expiresAt: k.expiresAt?.getTime() ?? null,
      secretDigest: sec.secretDigest,
      secretEnvelope: sec.secretEnvelope,
      secretVersion: sec.secretVersion,
      previousSecretDigest: sec.previousSecretDigest,
      previousSecretEnvelope: sec.previousSecretEnvelope,
      previousSecretExpiresAt: sec.previousSecretExpiresAt?.getTime() ?? null,
      ownerStatus: 'active',
      ownerRole: 'admin',
      ownerProgrammaticAccess: true,
      tenantStatus: 'active',
      policy: JSON.stringify(policy),
      links: [],
      controls: { ratelimits: null, ipAllowlist: null, meta: null, externalId: null, hasCredits: false, creditsRefill: null, identity: null },
    });

    await t.store.transaction((tx) => tx.users.update(tenant.id, owner.id, { status: 'disabled', role: 'member', programmaticAccess: false }, new Date()));
    await t.store.transaction((tx) => tx.tenants.updatePolicy(tenant.id, DEFAULT_POLICY));
    expect(await t.store.accessKeys.findForVerification(seeded.key.accessKeyId)).toMatchObject({
      ownerStatus: 'disabled',
      ownerRole: 'member',
      ownerProgrammaticAccess: false,
      policy: JSON.stringify(DEFAULT_POLICY),
    });
    expect(await t.store.accessKeys.findForVerification(generateAccessKeyId())).toBeNull();
  });

  it('reports a disabled tenant to verification', async () => {
    const tenant = await seedTenant(t.store, { status: 'disabled' });
    const owner = await seedUser(t.store, tenant.id);
    const { key } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    expect((await t.store.accessKeys.findForVerification(key.accessKeyId))?.tenantStatus).toBe('disabled');
  });

  it('refuses a write that changes verification outside store.transaction, before writing anything', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id);
    const { key } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    await expect(t.store.accessKeys.update(tenant.id, key.accessKeyId, 'enabled', { state: 'disabled' }, new Date())).rejects.toThrow(/store\.transaction/);
    await expect(t.store.users.update(tenant.id, owner.id, { status: 'disabled' }, new Date())).rejects.toThrow(/store\.transaction/);
    await expect(t.store.accessKeys.insertWithinQuota(newAccessKey({ tenantId: tenant.id, ownerId: owner.id }), null)).rejects.toThrow();
    expect((await t.store.accessKeys.find(tenant.id, key.accessKeyId))?.key.state).toBe('enabled');
    expect((await t.store.users.find(tenant.id, owner.id))?.status).toBe('active');
    expect(await t.store.accessKeys.countHeld(owner.id)).toBe(1);
  });

  it('tells commit listeners what a transaction changed, once it committed, and nothing after a rollback', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id);
    const { key } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    const heard: unknown[] = [];
    const stop = t.store.onCommit((changes) => heard.push(...changes));
    try {
      await expect(
        t.store.transaction(async (tx) => {
          await tx.accessKeys.update(tenant.id, key.accessKeyId, 'enabled', { state: 'disabled' }, new Date());
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(heard).toEqual([]);
      expect((await t.store.accessKeys.find(tenant.id, key.accessKeyId))?.key.state).toBe('enabled');
      await t.store.transaction(async (tx) => {
        await tx.accessKeys.update(tenant.id, key.accessKeyId, 'enabled', { name: 'renamed' }, new Date());
        await tx.users.update(tenant.id, owner.id, { name: 'Renamed' }, new Date());
        await tx.users.update(tenant.id, owner.id, { status: 'disabled' }, new Date());
      });
      expect(heard).toEqual([
        { tenantId: tenant.id, accessKeyId: key.accessKeyId },
        { tenantId: tenant.id, userId: owner.id },
      ]);
    } finally {
      stop();
    }
  });
});
