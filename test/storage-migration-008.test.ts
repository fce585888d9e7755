/**
 * Migration 008 on a database that holds access records in the 007 shape (one row per attempt):
 * every old row is counted, the latest N per key and outcome stay in detail, the old table goes,
 * and the recorder carries on writing into the rings it left.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeOrderedIdSource } from '../src/crypto/random.js';
import { createLogger } from '../src/logger.js';
import { AccessRecorder } from '../src/services/access-recorder.js';
import { createStore, latchkeyMigrator, MIGRATION_NAMES, type Store } from '../src/store/store.js';
import { DATABASE_KINDS, createPostgresDatabase, seedKey, seedTenant, seedUser } from './support/databases.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOUR = 3_600_000;
const nextId = timeOrderedIdSource('accessRecord');

describe.each(DATABASE_KINDS)('migration 008 on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-m008-'));
    const database = kind === 'postgres' ? await createPostgresDatabase() : null;
    store = createStore({ databaseUrl: database?.url ?? null, dataDir });
    cleanup = async () => {
      await store.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    };
    const { error } = await latchkeyMigrator(store.db, store.dialect, '007-audit-via').migrateToLatest();
    if (error) throw error;
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('folds every old row into the counters, keeps the latest 100 per key and outcome, and the recorder carries on', async () => {
    const tenant = await seedTenant(store);
    const owner = await seedUser(store, tenant.id);
    const { key } = await seedKey(store, { tenantId: tenant.id, ownerId: owner.id });
    const { key: idle } = await seedKey(store, { tenantId: tenant.id, ownerId: owner.id });
    const now = Date.now();
    const db = store.db as Kysely<any>;
    const old: { id: string; at: number; outcome: 'success' | 'failure'; code: string | null; sourceIp: string }[] = [];
    // 250 successes and 130 failures over three days; the last 40 of each within the last hour.
    for (let i = 0; i < 250; i++) old.push({ id: '', at: now - (i < 40 ? 10 * 60_000 + i * 1000 : 3 * 24 * HOUR - i * 60_000), outcome: 'success', code: null, sourceIp: `192.0.2.${i % 200}` });
    for (let i = 0; i < 130; i++)
      old.push({
        id: '',
        at: now - (i < 40 ? 20 * 60_000 + i * 1000 : 2 * 24 * HOUR - i * 60_000),
        outcome: 'failure',
        code: i % 2 ? 'KEY_DISABLED' : 'SECRET_MISMATCH',
        sourceIp: '203.0.113.7',
      });
    for (const r of old) r.id = nextId(r.at);
    const rows = old.map((r) => ({
      id: r.id,
      tenantId: tenant.id,
      accessKeyId: key.accessKeyId,
      at: r.at,
      outcome: r.outcome,
      code: r.code,
      sourceIp: r.sourceIp,
      userAgent: 'old/1',
      scheme: 'bearer',
      permission: null,
      detail: r.outcome === 'failure' ? '{"via":"management-api"}' : null,
    }));
    for (let i = 0; i < rows.length; i += 100)
      await db
        .insertInto('access_records')
        .values(rows.slice(i, i + 100))
        .execute();

    // 008 and every migration after it, 016 included (it takes the minute rows' counts off the hour rows 008 filled).
    expect(await store.migrate()).toEqual(MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf('008-usage-rings')));
    expect(MIGRATION_NAMES).toContain('016-hours-from-minutes');

    const latest = (outcome: 'success' | 'failure') =>
      old
        .filter((r) => r.outcome === outcome)
        .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
        .slice(0, 100);
    const list = async (outcome: 'success' | 'failure') => (await store.accessRecords.listForKey(tenant.id, key.accessKeyId, { cursor: null, limit: 100, since: new Date(0), outcome })).items;
    expect((await list('success')).map((r) => r.id)).toEqual(latest('success').map((r) => r.id));
    expect((await list('failure')).map((r) => r.id)).toEqual(latest('failure').map((r) => r.id));
    expect((await list('failure'))[0]).toMatchObject({ tenantId: tenant.id, userAgent: 'old/1', detail: { via: 'management-api' }, scheme: 'bearer' });

    const sums = (counters: { code: string; counts: number[] }[]) => {
      const by: Record<string, number> = {};
      for (const c of counters) by[c.code] = (by[c.code] ?? 0) + c.counts.reduce((a, b) => a + b, 0);
      return by;
    };
    expect(sums(await store.usage.keyRows(key.accessKeyId, 'hours', 0))).toEqual({ OK: 250, SECRET_MISMATCH: 65, KEY_DISABLED: 65 });
    // Minute counts only for the last day: the 40 + 40 recent ones.
    expect(sums(await store.usage.keyRows(key.accessKeyId, 'minutes', 0))).toEqual({ OK: 40, SECRET_MISMATCH: 20, KEY_DISABLED: 20 });
    expect(await store.usage.keyRows(idle.accessKeyId, 'hours', 0)).toEqual([]);
    const newestSuccess = latest('success')[0]!;
    expect((await store.accessKeys.find(tenant.id, key.accessKeyId))!.key.lastUsedIp).toBe(newestSuccess.sourceIp);

    // The recorder writes on from where the migration left each ring: the oldest kept record goes.
    const recorder = new AccessRecorder({ store, logger: createLogger('silent'), flushMs: 60_000 });
    const fresh = {
      id: nextId(now + 1000),
      tenantId: tenant.id,
      accessKeyId: key.accessKeyId,
      at: new Date(now + 1000),
      outcome: 'success' as const,
      code: null,
      sourceIp: '198.51.100.1',
      userAgent: 'new/2',
      scheme: 'bearer',
      permission: null,
      detail: null,
    };
    recorder.record(fresh, true);
    await recorder.close();
    const after = await list('success');
    expect(after).toHaveLength(100);
    expect(after[0]).toEqual(fresh);
    expect(after.map((r) => r.id).slice(1)).toEqual(
      latest('success')
        .slice(0, 99)
        .map((r) => r.id),
    );
    expect(sums(await store.usage.keyRows(key.accessKeyId, 'hours', 0)).OK).toBe(251);
  });
});
