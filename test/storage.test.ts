/** Storage contract, part 1: schema lifecycle, tenants, and durability across restarts. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantPolicy } from '../src/core/policy.js';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { generateId } from '../src/crypto/random.js';
import { createStore, type Store } from '../src/store/store.js';
import { createPostgresDatabase, DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

/** An empty database of the given kind, not yet migrated; `open()` may be called repeatedly. */
async function emptyDatabase(kind: 'sqlite' | 'postgres') {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-empty-'));
  const database = kind === 'postgres' ? await createPostgresDatabase() : null;
  const opened: Store[] = [];
  return {
    open(): Store {
      const store = createStore({ databaseUrl: database?.url ?? null, dataDir });
      opened.push(store);
      return store;
    },
    async dispose() {
      for (const store of opened) await store.close().catch(() => {});
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const ALL_MIGRATIONS = [
  '001-initial',
  '002-meta',
  '003-step-up-notifications',
  '004-seen-signatures',
  '005-derived-csrf',
  '006-change-subjects',
  '007-audit-via',
  '008-usage-rings',
  '009-recovery',
  '010-usage-controls',
  '012-unused-keys',
  '013-ratelimit-windows',
  '014-imported-keys',
  '015-leaks',
  '016-hours-from-minutes',
];

describe.each(DATABASE_KINDS)('storage on %s: lifecycle and tenants', (kind) => {
  describe('migrations', () => {
    it('apply on an empty database, and a second migrate() applies nothing', async () => {
      const empty = await emptyDatabase(kind);
      try {
        const store = empty.open();
        expect(await store.migrate()).toEqual(ALL_MIGRATIONS);
        expect(await store.migrate()).toEqual([]);
        // The schema is usable: a tenant written now reads back.
        const tenant = await seedTenant(store);
        expect((await store.tenants.findById(tenant.id))?.slug).toBe(tenant.slug);

        // Another process starting on the same database finds nothing to do.
        const second = empty.open();
        expect(await second.migrate()).toEqual([]);
        expect(await second.tenants.count()).toBe(1);
      } finally {
        await empty.dispose();
      }
    });
  });

  describe('tenants', () => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore(kind);
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('finds a tenant by id, and by slug whatever its case', async () => {
      const tenant = await seedTenant(t.store, { slug: `acme-${generateId('tenant').slice(-6)}`, name: 'Acme Inc.' });
      expect(await t.store.tenants.findById(tenant.id)).toEqual(tenant);
      expect(await t.store.tenants.findByIdOrSlug(tenant.id)).toEqual(tenant);
      expect(await t.store.tenants.findByIdOrSlug(tenant.slug)).toEqual(tenant);
      expect(await t.store.tenants.findByIdOrSlug(tenant.slug.toUpperCase())).toEqual(tenant);
    });

    it('answers null for an unknown id or slug', async () => {
      await seedTenant(t.store);
      expect(await t.store.tenants.findById(generateId('tenant'))).toBeNull();
      expect(await t.store.tenants.findByIdOrSlug('no-such-tenant')).toBeNull();
      expect(await t.store.tenants.findByIdOrSlug(generateId('tenant'))).toBeNull();
    });

    it('refuses a second tenant with the same slug as a unique violation', async () => {
      const tenant = await seedTenant(t.store);
      const error = await seedTenant(t.store, { slug: tenant.slug }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(t.store.dialect.isUniqueViolation(error)).toBe(true);
    });

    it('keeps every policy rule an admin sets, including nulls and false', async () => {
      const policy: TenantPolicy = {
        memberKeyLimit: 5,
        adminKeyLimit: 12,
        defaultValidityDays: null,
        allowNeverExpires: false,
        deleteRequiresDisabled: false,
        accessRecordRetentionDays: 30,
        accessRecordsPerKey: 250,
        secretReveal: 'after-step-up',
        stepUp: 'totp',
        stepUpMinutes: 5,
        expiryReminderDays: 0,
        replayProtection: true,
        disableUnusedAfterDays: 180,
        defaultRatelimits: { access: [], api: [{ name: 'requests', limit: 100, durationMs: 10_000 }] },
        defaultIpAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
        leakResponse: 'flag',
      };
      const tenant = await seedTenant(t.store, { policy });
      expect((await t.store.tenants.findById(tenant.id))?.policy).toEqual(policy);

      const next: TenantPolicy = { ...DEFAULT_POLICY, memberKeyLimit: null, defaultValidityDays: 90 };
      await t.store.transaction((tx) => tx.tenants.updatePolicy(tenant.id, next));
      expect((await t.store.tenants.findById(tenant.id))?.policy).toEqual(next);
    });

    it('fills rules missing from a stored policy with their defaults', async () => {
      const tenant = await seedTenant(t.store);
      await t.store.transaction((tx) => tx.tenants.updatePolicy(tenant.id, { memberKeyLimit: 7 } as TenantPolicy));
      expect((await t.store.tenants.findById(tenant.id))?.policy).toEqual({ ...DEFAULT_POLICY, memberKeyLimit: 7 });
    });

    it('counts and lists every tenant', async () => {
      const before = await t.store.tenants.count();
      const a = await seedTenant(t.store);
      const b = await seedTenant(t.store);
      expect(await t.store.tenants.count()).toBe(before + 2);
      expect((await t.store.tenants.listAll()).map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    });
  });

  describe('durability', () => {
    it('keeps its data when the store is closed and opened again', async () => {
      const t = await openTestStore(kind);
      try {
        const tenant = await seedTenant(t.store);
        const user = await seedUser(t.store, tenant.id, { role: 'admin', email: 'durable@example.test' });
        const { key, secrets } = await seedKey(t.store, { tenantId: tenant.id, ownerId: user.id });
        await t.store.close();

        const reopened = createStore({ databaseUrl: t.databaseUrl, dataDir: t.dataDir });
        try {
          expect(await reopened.migrate()).toEqual([]);
          expect(await reopened.tenants.findById(tenant.id)).toEqual(tenant);
          expect(await reopened.users.find(tenant.id, user.id)).toEqual(user);
          expect(await reopened.accessKeys.find(tenant.id, key.accessKeyId)).toEqual({ key: { ...key, lastUsedIp: null }, secrets });
        } finally {
          await reopened.close();
        }
      } finally {
        await t.cleanup();
      }
    });
  });
});

// Several Latchkey processes share one PostgreSQL and each migrates at start; SQLite has one process.
describe('storage on postgres: migrations at a shared start', () => {
  it('run once when several processes start at the same moment', async () => {
    const empty = await emptyDatabase('postgres');
    try {
      const stores = [empty.open(), empty.open(), empty.open()];
      const applied = await Promise.all(stores.map((s) => s.migrate()));
      expect(applied.flat()).toEqual(ALL_MIGRATIONS);
      await seedTenant(stores[0]!);
      expect(await stores[2]!.tenants.count()).toBe(1);
    } finally {
      await empty.dispose();
    }
  });
});
