/**
 * A change that took its number before another but committed after it (PostgreSQL hands out
 * sequence numbers at insert time) still reaches every process's key cache.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyCache } from '../src/services/key-cache.js';
import { openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

describe('key cache on PostgreSQL: changes committed out of order', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('postgres');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('evicts a key whose change committed after a later-numbered one had already been read', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id);
    const { key: a } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    const { key: b } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    const cache = new KeyCache({ store: t.store, max: 100 });
    await cache.start();
    expect((await cache.get(a.accessKeyId))?.key.accessKeyId).toBe(a.accessKeyId);
    expect((await cache.get(b.accessKeyId))?.key.accessKeyId).toBe(b.accessKeyId);

    // A slow writer takes the next change number for key A and has not committed yet…
    const slow = new pg.Client({ connectionString: t.databaseUrl! });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query('INSERT INTO changes (tenant_id, access_key_id, at) VALUES ($1, $2, $3)', [tenant.id, a.accessKeyId, Date.now()]);
      // …while a fast one commits a change for key B with a higher number.
      await t.store.changes.append({ tenantId: tenant.id, accessKeyId: b.accessKeyId }, new Date());
      await cache.poll();
      expect(cache.peek(b.accessKeyId)).toBeUndefined();
      expect(cache.peek(a.accessKeyId)?.key.accessKeyId).toBe(a.accessKeyId);

      await slow.query('COMMIT');
      await cache.poll();
      expect(cache.peek(a.accessKeyId)).toBeUndefined();
    } finally {
      await slow.end();
    }
  });
});
