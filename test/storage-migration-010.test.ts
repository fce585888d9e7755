/** Migration 010 (usage controls): keys made before it read as having none, and the change log names identities. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyCache } from '../src/services/key-cache.js';
import { createStore, latchkeyMigrator, MIGRATION_NAMES, type Store } from '../src/store/store.js';
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
    const { error } = await latchkeyMigrator(store.db, store.dialect, '009-recovery').migrateToLatest();
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
