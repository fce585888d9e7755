/** Migration 010 (usage controls): keys made before it read as having none, and the change log names identities. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, type Migration, Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyCache } from '../src/services/key-cache.js';
import { initialMigration } from '../src/store/migrations/001-initial.js';
import { metaMigration } from '../src/store/migrations/002-meta.js';
import { stepUpNotificationsMigration } from '../src/store/migrations/003-step-up-notifications.js';
import { seenSignaturesMigration } from '../src/store/migrations/004-seen-signatures.js';
import { derivedCsrfMigration } from '../src/store/migrations/005-derived-csrf.js';
import { changeSubjectsMigration } from '../src/store/migrations/006-change-subjects.js';
import { auditViaMigration } from '../src/store/migrations/007-audit-via.js';
import { usageRingsMigration } from '../src/store/migrations/008-usage-rings.js';
import { recoveryMigration } from '../src/store/migrations/009-recovery.js';
import { createStore, MIGRATION_NAMES, type Store } from '../src/store/store.js';
import { DATABASE_KINDS, createPostgresDatabase, fakeSecrets, seedTenant, seedUser } from './support/databases.js';

describe.each(DATABASE_KINDS)('migration 010 on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-m010-'));
    const database = kind === 'postgres' ? await createPostgresDatabase() : null;
    store = createStore({ databaseUrl: database?.url ?? null, dataDir });
    cleanup = async () => {
      await store.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    };
    const upTo009: Record<string, Migration> = {
      '001-initial': initialMigration(store.dialect),
      '002-meta': metaMigration(),
      '003-step-up-notifications': stepUpNotificationsMigration(),
      '004-seen-signatures': seenSignaturesMigration(),
      '005-derived-csrf': derivedCsrfMigration(),
      '006-change-subjects': changeSubjectsMigration(),
      '007-audit-via': auditViaMigration(),
      '008-usage-rings': usageRingsMigration(store.dialect),
      '009-recovery': recoveryMigration(),
    };
    const migrator = new Migrator({
      db: store.db,
      provider: { getMigrations: async () => upTo009 },
      migrationTableName: 'latchkey_migrations',
      migrationLockTableName: 'latchkey_migrations_lock',
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('gives keys made before it no usage controls, and they verify from the cache as before', async () => {
    const tenant = await seedTenant(store);
    const owner = await seedUser(store, tenant.id);
    const s = fakeSecrets();
    const at = Date.UTC(2030, 0, 1);
    await (store.db as Kysely<any>)
      .insertInto('access_keys')
      .values({
        id: 'LKOLDKEYAAAAAAAAAAAA',
        tenantId: tenant.id,
        ownerId: owner.id,
        creatorId: owner.id,
        name: 'old',
        type: 'api',
        state: 'enabled',
        secretDigest: s.secretDigest,
        secretEnvelope: s.secretEnvelope,
        secretVersion: 1,
        createdAt: at,
        updatedAt: at,
        expiresAt: null,
      })
      .execute();

    expect(await store.migrate()).toEqual(MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf('010-usage-controls')));

    const found = await store.accessKeys.find(tenant.id, 'LKOLDKEYAAAAAAAAAAAA');
    expect(found?.key.usage).toEqual({ ratelimits: null, ipAllowlist: null, meta: null, externalId: null, credits: null });
    const cache = new KeyCache({ store, max: 10 });
    await cache.start();
    const cached = await cache.get('LKOLDKEYAAAAAAAAAAAA');
    expect(cached?.controls).toBeNull();
    expect(await store.credits.spend({ tenantId: tenant.id, accessKeyId: 'LKOLDKEYAAAAAAAAAAAA', cost: 1, now: at, dueRefillAt: null })).toEqual({ ok: true, remaining: null });
    expect(await store.identities.list(tenant.id, { cursor: null, limit: 10, contains: null })).toEqual({ items: [], nextCursor: null });
  });
});
