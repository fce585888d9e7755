/** Storage contract: the bulk writer of access records and last-used times, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../src/core/model.js';
import { timeOrderedIdSource } from '../src/crypto/random.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

const nextId = timeOrderedIdSource('accessRecord');

function record(tenantId: string, accessKeyId: string, atMs: number, overrides: Partial<AccessRecord> = {}): AccessRecord {
  return {
    id: nextId(atMs),
    tenantId,
    accessKeyId,
    at: new Date(atMs),
    outcome: 'success',
    code: null,
    sourceIp: '192.0.2.10',
    userAgent: 'storage-test/1.0',
    scheme: 'bearer',
    permission: 'storage:read',
    detail: null,
    ...overrides,
  };
}

describe.each(DATABASE_KINDS)('storage on %s: access records and last-used times in bulk', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const keyIn = async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id);
    const { key } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    return { tenant, key };
  };

  it('writes a large batch whole, every field as given, and lists it newest first', async () => {
    const { tenant, key } = await keyIn();
    const at = Date.UTC(2030, 0, 1);
    const records = Array.from({ length: 2_500 }, (_, i) =>
      record(tenant.id, key.accessKeyId, at + i, i % 3 === 0 ? { outcome: 'failure', code: 'SECRET_MISMATCH', detail: { via: 'management-api', route: 'GET /v1/me' } } : {}),
    );
    await t.store.accessRecords.insertMany(records);
    const page = await t.store.accessRecords.listForKey(tenant.id, key.accessKeyId, { cursor: null, limit: 3, since: new Date(at - 1) });
    expect(page.items).toEqual([records[2_499], records[2_498], records[2_497]]);
    const failures = await t.store.accessRecords.listForKey(tenant.id, key.accessKeyId, { cursor: null, limit: 1, since: new Date(at - 1), outcome: 'failure' });
    expect(failures.items).toEqual([records[2_499 - (2_499 % 3)]]);
    expect(failures.items[0]!.detail).toEqual({ via: 'management-api', route: 'GET /v1/me' });
  });

  it('writes nothing of a batch that cannot be written whole', async () => {
    const { tenant, key } = await keyIn();
    const at = Date.UTC(2030, 1, 1);
    const first = record(tenant.id, key.accessKeyId, at);
    await t.store.accessRecords.insertMany([first]);
    // The same ID again in the middle of a new batch: the batch fails, and none of it lands.
    const batch = [record(tenant.id, key.accessKeyId, at + 1), { ...first, at: new Date(at + 2) }, record(tenant.id, key.accessKeyId, at + 3)];
    await expect(t.store.accessRecords.insertMany(batch)).rejects.toThrow();
    const page = await t.store.accessRecords.listForKey(tenant.id, key.accessKeyId, { cursor: null, limit: 10, since: new Date(at - 1) });
    expect(page.items).toEqual([first]);
    // The writer keeps working after a failed batch.
    await t.store.accessRecords.insertMany([batch[0]!, batch[2]!]);
    expect((await t.store.accessRecords.listForKey(tenant.id, key.accessKeyId, { cursor: null, limit: 10, since: new Date(at - 1) })).items).toHaveLength(3);
  });

  it('raises last-used times and never lowers them', async () => {
    const { tenant, key: a } = await keyIn();
    const owner = await seedUser(t.store, tenant.id);
    const { key: b } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    const at = Date.UTC(2030, 2, 1);
    await t.store.accessKeys.touchLastUsed([
      { accessKeyId: a.accessKeyId, at: new Date(at) },
      { accessKeyId: b.accessKeyId, at: new Date(at + 5_000) },
    ]);
    await t.store.accessKeys.touchLastUsed([
      { accessKeyId: a.accessKeyId, at: new Date(at + 1_000) },
      { accessKeyId: b.accessKeyId, at: new Date(at + 1_000) },
    ]);
    expect((await t.store.accessKeys.find(tenant.id, a.accessKeyId))?.key.lastUsedAt).toEqual(new Date(at + 1_000));
    expect((await t.store.accessKeys.find(tenant.id, b.accessKeyId))?.key.lastUsedAt).toEqual(new Date(at + 5_000));
  });

  it('what was handed to the writer before close() is in the database after it', async () => {
    const other = await openTestStore(kind);
    try {
      const tenant = await seedTenant(other.store);
      const owner = await seedUser(other.store, tenant.id);
      const { key } = await seedKey(other.store, { tenantId: tenant.id, ownerId: owner.id });
      const at = Date.UTC(2030, 3, 1);
      const writes = [0, 1, 2].map((i) => other.store.accessRecords.insertMany(Array.from({ length: 300 }, (_, j) => record(tenant.id, key.accessKeyId, at + i * 1000 + j))));
      await other.store.close();
      await Promise.all(writes);
      const reopened = await import('../src/store/store.js').then(({ createStore }) => createStore({ databaseUrl: other.databaseUrl, dataDir: other.dataDir }));
      try {
        const all = await reopened.accessRecords.listForKey(tenant.id, key.accessKeyId, { cursor: null, limit: 100, since: new Date(at - 1) });
        expect(all.items[0]!.at).toEqual(new Date(at + 2_299));
        const count = await reopened.db
          .selectFrom('accessRecords')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(count.n)).toBe(900);
      } finally {
        await reopened.close();
      }
    } finally {
      await other.cleanup();
    }
  });
});
