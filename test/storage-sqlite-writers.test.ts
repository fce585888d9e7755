/**
 * SQLite has one writer at a time, and Latchkey has two connections that write: the store's and
 * the usage writer's (access records, last-used times), which commits on its own schedule. A
 * management transaction that reads before it writes must not fail because the other connection
 * committed in between (in WAL mode a deferred read transaction cannot be upgraded then: SQLITE_BUSY
 * at once, whatever the busy timeout). So the store's transactions take the write lock first.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { SQLITE_FILE } from '../src/store/store.js';
import { openTestStore, seedTenant, type TestStore } from './support/databases.js';

describe('SQLite: a transaction and the other writing connection', () => {
  let t: TestStore;
  let other: Database.Database;

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    other = new Database(join(t.dataDir, SQLITE_FILE));
    other.pragma('busy_timeout = 0');
  });

  afterAll(async () => {
    other?.close();
    await t?.cleanup();
  });

  it('commits a read-then-write transaction although another connection tried to write in between', async () => {
    const tenant = await seedTenant(t.store);
    const policy = { ...DEFAULT_POLICY, memberKeyLimit: 7 };
    let otherWrite: 'committed' | 'waited' = 'committed';
    await t.store.transaction(async (tx) => {
      expect(await tx.tenants.findById(tenant.id)).not.toBeNull();
      // The usage writer's flush, landing while the transaction is between its read and its write.
      try {
        other.prepare('update tenants set name = ? where id = ?').run('renamed by the other connection', tenant.id);
      } catch (error) {
        expect((error as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
        otherWrite = 'waited';
      }
      await tx.tenants.updatePolicy(tenant.id, policy);
    });
    // The transaction held the write lock from its start, so the other writer had to wait (and retries later).
    expect(otherWrite).toBe('waited');
    expect((await t.store.tenants.findById(tenant.id))?.policy.memberKeyLimit).toBe(7);
  });
});
