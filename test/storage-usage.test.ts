/**
 * Storage contract: usage data on both databases. Attempts go through the real recorder: each
 * key keeps its latest N successes and latest N failures in detail, every attempt is counted,
 * and a flush lands whole or not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../src/core/model.js';
import { timeOrderedIdSource } from '../src/crypto/random.js';
import { createLogger } from '../src/logger.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessLogStream } from '../src/services/access-log.js';
import { AccessRecorder } from '../src/services/access-recorder.js';
import { purgeExpired } from '../src/services/maintenance.js';
import { createStore } from '../src/store/store.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

const nextId = timeOrderedIdSource('accessRecord');
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

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

const failure = (code = 'SECRET_MISMATCH'): Partial<AccessRecord> => ({ outcome: 'failure', code, sourceIp: '203.0.113.66' });

describe.each(DATABASE_KINDS)('storage on %s: usage data', (kind) => {
  let t: TestStore;
  let recorder: AccessRecorder;
  beforeAll(async () => {
    t = await openTestStore(kind);
    recorder = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 60_000 });
  });
  afterAll(async () => {
    await recorder?.close();
    await t?.cleanup();
  });

  const keyIn = async (perKey?: number) => {
    const tenant = await seedTenant(t.store, perKey === undefined ? {} : { policy: { ...(await import('../src/core/policy.js')).DEFAULT_POLICY, accessRecordsPerKey: perKey } });
    const owner = await seedUser(t.store, tenant.id);
    const { key } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    return { tenant, key };
  };
  const list = (tenantId: string, accessKeyId: string, outcome?: 'success' | 'failure') =>
    t.store.accessRecords.listForKey(tenantId, accessKeyId, { cursor: null, limit: 100, since: new Date(0), ...(outcome && { outcome }) }).then((p) => p.items);
  const rowCount = async (accessKeyId: string) =>
    Number(
      (
        await t.store.db
          .selectFrom('accessRecords')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('accessKeyId', '=', accessKeyId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('stretches the write interval while writes are slow (never past the maximum) and returns to the flush interval when they are quick', async () => {
    const { tenant } = await keyIn();
    // One transaction a key: 300 keys make a write of tens of milliseconds, over a ninth of the 50 ms flush interval.
    const timed = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 50, maxDelayMs: 60, keysPerWrite: 1 });
    try {
      expect(timed.writeIntervalMs).toBe(50);
      const at = Date.UTC(2030, 5, 1);
      for (let i = 0; i < 300; i++) timed.record(record(tenant.id, `LKINTERVAL${String(i).padStart(10, '0')}`, at + i), false);
      const until = async (done: () => boolean) => {
        const deadline = Date.now() + 10_000;
        while (!done()) {
          if (Date.now() > deadline) throw new Error(`still waiting: interval ${timed.writeIntervalMs} ms, ${timed.pending} pending`);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await until(() => timed.writeIntervalMs === 60);
      expect(timed.pending).toBe(0);
      // Nothing left to write: the next write is quick and the interval is the flush interval again.
      await until(() => timed.writeIntervalMs === 50);
    } finally {
      await timed.close();
    }
  });

  it('keeps the latest N per outcome, every field as given, across flushes; the ring never grows past N', async () => {
    const { tenant, key } = await keyIn(20);
    const at = Date.UTC(2030, 0, 1);
    const made: AccessRecord[] = [];
    for (let flush = 0; flush < 3; flush++) {
      for (let i = 0; i < 15; i++) {
        const r = record(tenant.id, key.accessKeyId, at + made.length * 1000, made.length % 5 === 0 ? { ...failure(), detail: { via: 'management-api' } } : {});
        made.push(r);
        recorder.record(r, r.outcome === 'success');
      }
      await recorder.flush();
    }
    const successes = made.filter((r) => r.outcome === 'success').reverse();
    const failures = made.filter((r) => r.outcome === 'failure').reverse();
    expect(await list(tenant.id, key.accessKeyId, 'success')).toEqual(successes.slice(0, 20));
    expect(await list(tenant.id, key.accessKeyId, 'failure')).toEqual(failures);
    expect((await list(tenant.id, key.accessKeyId))[0]).toEqual(made[made.length - 1]);
    expect(await rowCount(key.accessKeyId)).toBe(20 + failures.length);
  });

  it('keeps awkward fields exactly as given: quotes, backslashes, line breaks and non-Latin text in the agent and the detail, nulls', async () => {
    const { tenant, key } = await keyIn();
    // After every hour the roll-up test below moves (it counts the minute rows of the whole table).
    const at = Date.UTC(2032, 6, 1, 12);
    const made = [
      record(tenant.id, key.accessKeyId, at, { userAgent: 'curl/8 "quoted" back\\slash\nnext line\ttab — Łódź 東京 🔑', permission: null, sourceIp: null }),
      record(tenant.id, key.accessKeyId, at + 1, {
        ...failure('SIGNATURE_MISMATCH'),
        scheme: 'sigv4',
        userAgent: null,
        detail: { region: 'eu-west-1', service: 's3', signedHeaders: 'host;x-amz-date', quote: '"\\', unicode: 'ü 🔑', empty: '' },
      }),
    ];
    for (const r of made) recorder.record(r, true);
    await recorder.flush();
    const kept = [...(await list(tenant.id, key.accessKeyId, 'success')), ...(await list(tenant.id, key.accessKeyId, 'failure'))];
    expect(kept).toEqual(made);
  });

  it('starts a write without waiting for the interval once enough counter cells or detailed records wait, and counts every attempt', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id);
    const keys = await Promise.all(Array.from({ length: 12 }, async () => (await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id })).key));
    const at = Date.UTC(2032, 8, 1, 12);
    const waitWritten = async (early: AccessRecorder) => {
      for (let i = 0; i < 200 && early.pending > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      return early.pending;
    };
    // Cells: 10 keys open 10 cells, the tenth starts the write (the hour-long interval never would).
    const byCells = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 3_600_000, earlyWrite: { records: 1_000, cells: 10 } });
    try {
      for (const key of keys.slice(0, 9)) byCells.record(record(tenant.id, key.accessKeyId, at), true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(byCells.pending).toBe(9);
      byCells.record(record(tenant.id, keys[9]!.accessKeyId, at), true);
      expect(await waitWritten(byCells)).toBe(0);
      for (const key of keys.slice(0, 10)) expect(await list(tenant.id, key.accessKeyId)).toHaveLength(1);
    } finally {
      await byCells.close();
    }
    // Records: one key (one cell) asked 30 times in a minute, the thirtieth starts the write.
    const byRecords = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 3_600_000, earlyWrite: { records: 30, cells: 1_000 } });
    try {
      for (let i = 0; i < 29; i++) byRecords.record(record(tenant.id, keys[10]!.accessKeyId, at + i), true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(byRecords.pending).toBe(29);
      byRecords.record(record(tenant.id, keys[10]!.accessKeyId, at + 29), true);
      expect(await waitWritten(byRecords)).toBe(0);
      expect(await list(tenant.id, keys[10]!.accessKeyId)).toHaveLength(30);
    } finally {
      await byRecords.close();
    }
  });

  it('a writer started anew (a restart) goes on from where each ring was: the latest N kept, nothing newer overwritten', async () => {
    const { tenant, key } = await keyIn(20);
    const at = Date.UTC(2032, 0, 1);
    const made: AccessRecord[] = [];
    const add = (into: AccessRecorder, n: number) => {
      for (let i = 0; i < n; i++) {
        const r = record(tenant.id, key.accessKeyId, at + made.length * 1000);
        made.push(r);
        into.record(r, true);
      }
    };
    add(recorder, 13);
    await recorder.flush();
    // Two more lives of the server on the same database: the first wraps the ring, the second goes round it again.
    for (const n of [9, 30]) {
      const again = createStore({ databaseUrl: t.databaseUrl, dataDir: t.dataDir });
      const restarted = new AccessRecorder({ store: again, logger: createLogger('silent'), flushMs: 60_000 });
      add(restarted, n);
      await restarted.close();
      await again.close();
      expect(await list(tenant.id, key.accessKeyId, 'success')).toEqual(made.slice(-20).reverse());
    }
    expect(await rowCount(key.accessKeyId)).toBe(20);
  });

  it('a flood of successes never pushes out the latest failures', async () => {
    const { tenant, key } = await keyIn(20);
    const at = Date.UTC(2030, 1, 1);
    const failures = [0, 1, 2].map((i) => record(tenant.id, key.accessKeyId, at + i, failure('KEY_DISABLED')));
    for (const f of failures) recorder.record(f, false);
    await recorder.flush();
    for (let i = 0; i < 5_000; i++) recorder.record(record(tenant.id, key.accessKeyId, at + 1000 + i), true);
    await recorder.flush();
    expect(await list(tenant.id, key.accessKeyId, 'failure')).toEqual([...failures].reverse());
    expect(await list(tenant.id, key.accessKeyId, 'success')).toHaveLength(20);
    expect(await rowCount(key.accessKeyId)).toBe(23);
  });

  it('counts every attempt exactly, by minute and by hour and code, detailed or not', async () => {
    const { tenant, key } = await keyIn();
    const hour = Date.UTC(2030, 2, 1, 10);
    let successes = 0;
    for (let i = 0; i < 3_000; i++) {
      recorder.record(record(tenant.id, key.accessKeyId, hour + (i % 7) * MINUTE + i), true, i % 2 === 0);
      successes++;
    }
    for (let i = 0; i < 40; i++) recorder.record(record(tenant.id, key.accessKeyId, hour + 61 * MINUTE, failure(i < 30 ? 'SECRET_MISMATCH' : 'RATE_LIMITED')), false, i < 30);
    await recorder.flush();
    // A second flush adds to the same rows.
    recorder.record(record(tenant.id, key.accessKeyId, hour + 6 * MINUTE), true);
    await recorder.flush();
    const minutes = await t.store.usage.keyRows(key.accessKeyId, 'minutes', hour);
    const ok = minutes.find((m) => m.start === hour && m.code === 'OK')!;
    expect(ok.counts.slice(0, 8)).toEqual([429, 429, 429, 429, 428, 428, 429, 0]);
    expect(ok.counts.reduce((a, b) => a + b, 0)).toBe(successes + 1);
    expect(minutes.find((m) => m.start === hour + HOUR && m.code === 'SECRET_MISMATCH')!.counts[1]).toBe(30);
    expect(minutes.find((m) => m.start === hour + HOUR && m.code === 'RATE_LIMITED')!.counts[1]).toBe(10);
    const hours = await t.store.usage.keyRows(key.accessKeyId, 'hours', Date.UTC(2030, 2, 1));
    expect(hours.find((h) => h.code === 'OK')!.counts[10]).toBe(3_001);
    expect(hours.find((h) => h.code === 'RATE_LIMITED')!.counts[11]).toBe(10);
    // Throttled attempts (stored=false) are counted but not kept in detail.
    expect(await list(tenant.id, key.accessKeyId, 'failure')).toHaveLength(30);
  });

  it('writes nothing of a flush that cannot be written whole, and keeps it for the next', async () => {
    const { tenant, key } = await keyIn();
    const at = Date.UTC(2030, 3, 1);
    // A recorder of its own: the refused flush stays in its buffer, retried at each flush.
    const recorder = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 60_000 });
    recorder.record(record(tenant.id, key.accessKeyId, at), true);
    // A record the database refuses (scheme is required) makes the whole flush fail.
    recorder.record(record(tenant.id, key.accessKeyId, at + 1, { scheme: null as unknown as string }), true);
    await recorder.flush();
    expect(recorder.pending).toBe(2);
    expect(await list(tenant.id, key.accessKeyId)).toEqual([]);
    expect(await t.store.usage.keyRows(key.accessKeyId, 'hours', 0)).toEqual([]);
  });

  it('writes a large flush in chunks of keys: a chunk that fails keeps itself and the ones after it, the ones before it land', async () => {
    const at = Date.UTC(2030, 3, 2);
    const keys = (await Promise.all([keyIn(), keyIn(), keyIn()])).sort((a, b) => (a.key.accessKeyId < b.key.accessKeyId ? -1 : 1));
    const [first, second, last] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
    // One key per write, so the three keys are three transactions, in key order.
    const chunked = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 60_000, keysPerWrite: 1 });
    for (const { tenant, key } of keys) for (let i = 0; i < 3; i++) chunked.record(record(tenant.id, key.accessKeyId, at + i * 1000), true);
    // The last key's chunk holds a record the database refuses (scheme is required).
    chunked.record(record(last.tenant.id, last.key.accessKeyId, at + 5000, { scheme: null as unknown as string }), true);
    await chunked.flush();
    expect(await list(first.tenant.id, first.key.accessKeyId)).toHaveLength(3);
    expect(await list(second.tenant.id, second.key.accessKeyId)).toHaveLength(3);
    expect(await list(last.tenant.id, last.key.accessKeyId)).toEqual([]);
    const counted = async (accessKeyId: string) => (await t.store.usage.keyRows(accessKeyId, 'minutes', 0)).reduce((n, row) => n + row.counts.reduce((a, b) => a + b, 0), 0);
    expect([await counted(first.key.accessKeyId), await counted(second.key.accessKeyId), await counted(last.key.accessKeyId)]).toEqual([3, 3, 0]);
    // Last-used times go in chunks too, every one of them written.
    const lastUsed = async (k: (typeof keys)[0]) => (await t.store.accessKeys.find(k.tenant.id, k.key.accessKeyId))!.key.lastUsedAt;
    expect([await lastUsed(first), await lastUsed(second), await lastUsed(last)]).toEqual([new Date(at + 2000), new Date(at + 2000), new Date(at + 5000)]);
    // Only the unwritten chunk waits for the next flush: nothing written is counted twice.
    expect(chunked.pending).toBe(4);
    await chunked.flush();
    expect([await counted(first.key.accessKeyId), await counted(second.key.accessKeyId)]).toEqual([3, 3]);
    expect(chunked.pending).toBe(4);
    await chunked.close().catch(() => {});
  });

  it('bounds a write by its records too: keys with many records each go in transactions of their own, a failed one keeps itself and the ones after it', async () => {
    const at = Date.UTC(2030, 3, 3);
    const keys = (await Promise.all([keyIn(), keyIn(), keyIn()])).sort((a, b) => (a.key.accessKeyId < b.key.accessKeyId ? -1 : 1));
    const [first, second, last] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
    // Every key's three records (and its counters) weigh 4: at most 4 a write, so one key a write though 2,000 keys would fit.
    const bounded = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 60_000, recordsPerWrite: 4 });
    for (const { tenant, key } of [first, second]) for (let i = 0; i < 3; i++) bounded.record(record(tenant.id, key.accessKeyId, at + i * 1000), true);
    for (let i = 0; i < 2; i++) bounded.record(record(last.tenant.id, last.key.accessKeyId, at + i * 1000), true);
    bounded.record(record(last.tenant.id, last.key.accessKeyId, at + 5000, { scheme: null as unknown as string }), true);
    await bounded.flush();
    expect(await list(first.tenant.id, first.key.accessKeyId)).toHaveLength(3);
    expect(await list(second.tenant.id, second.key.accessKeyId)).toHaveLength(3);
    expect(await list(last.tenant.id, last.key.accessKeyId)).toEqual([]);
    expect(bounded.pending).toBe(3);
    await bounded.close().catch(() => {});
  });

  it('raises last-used times with their source address and never lowers them', async () => {
    const { tenant, key: a } = await keyIn();
    const owner = await seedUser(t.store, tenant.id);
    const { key: b } = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id });
    const at = Date.UTC(2030, 2, 1);
    await t.store.accessKeys.touchLastUsed([
      { accessKeyId: a.accessKeyId, at: new Date(at), ip: '192.0.2.1' },
      { accessKeyId: b.accessKeyId, at: new Date(at + 5_000), ip: '192.0.2.2' },
    ]);
    await t.store.accessKeys.touchLastUsed([
      { accessKeyId: a.accessKeyId, at: new Date(at + 1_000), ip: '198.51.100.1' },
      { accessKeyId: b.accessKeyId, at: new Date(at + 1_000), ip: '198.51.100.2' },
    ]);
    const found = async (id: string) => (await t.store.accessKeys.find(tenant.id, id))!.key;
    expect(await found(a.accessKeyId)).toMatchObject({ lastUsedAt: new Date(at + 1_000), lastUsedIp: '198.51.100.1' });
    expect(await found(b.accessKeyId)).toMatchObject({ lastUsedAt: new Date(at + 5_000), lastUsedIp: '192.0.2.2' });
  });

  it('maintenance purges minute counts after a day, hour counts and records after the retention, and slots the policy no longer keeps', async () => {
    const { tenant, key } = await keyIn(40);
    const day = Date.UTC(2030, 5, 10);
    recorder.record(record(tenant.id, key.accessKeyId, day - 20 * DAY), true);
    for (let i = 0; i < 30; i++) recorder.record(record(tenant.id, key.accessKeyId, day + i * 1000), true);
    await recorder.flush();
    // Slots 0–30 hold the 31 records; lowering the ring to 20 leaves slots 0–19 (the old one in slot 0 is past the retention).
    await t.store.transaction((tx) => tx.tenants.updatePolicy(tenant.id, { ...tenant.policy, accessRecordsPerKey: 20, accessRecordRetentionDays: 10 }));
    const at = (ms: number) => ({ now: () => new Date(ms) });
    const purged = await purgeExpired(t.store, at(day + 2 * HOUR), createLogger('silent'));
    expect(purged.accessRecords).toBeGreaterThanOrEqual(12);
    expect((await list(tenant.id, key.accessKeyId)).map((r) => r.at.getTime())).toEqual(Array.from({ length: 19 }, (_, i) => day + (18 - i) * 1000));
    expect((await t.store.usage.keyRows(key.accessKeyId, 'hours', 0)).map((h) => h.start)).toEqual([day]);
    expect((await t.store.usage.keyRows(key.accessKeyId, 'minutes', 0)).map((h) => h.start)).toEqual([day]);
    await purgeExpired(t.store, at(day + 26 * HOUR), createLogger('silent'));
    expect(await t.store.usage.keyRows(key.accessKeyId, 'minutes', 0)).toEqual([]);
    expect(await t.store.usage.keyRows(key.accessKeyId, 'hours', 0)).toHaveLength(1);
    await purgeExpired(t.store, at(day + 11 * DAY), createLogger('silent'));
    expect(await t.store.usage.keyRows(key.accessKeyId, 'hours', 0)).toEqual([]);
    expect(await list(tenant.id, key.accessKeyId)).toEqual([]);
  });

  it('rolls minute rows up into hour rows as they age: the hour view counts each attempt once before, during and after, a late write included', async () => {
    const tenant = await seedTenant(t.store);
    const owner = await seedUser(t.store, tenant.id);
    const keys = await Promise.all([0, 1, 2].map(async () => (await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id })).key));
    const day = Date.UTC(2031, 3, 7);
    // Each key: attempts over 5 hours of the day, successes and two failure codes.
    for (const [k, key] of keys.entries()) {
      for (let h = 0; h < 5; h++) {
        for (let i = 0; i < 3 + k + h; i++) recorder.record(record(tenant.id, key.accessKeyId, day + h * HOUR + i * MINUTE), true, false);
        recorder.record(record(tenant.id, key.accessKeyId, day + h * HOUR + 30 * MINUTE, failure(h % 2 === 0 ? 'SECRET_MISMATCH' : 'KEY_DISABLED')), false, false);
      }
    }
    await recorder.flush();
    const hourView = async () => {
      const byKey: Record<string, Record<string, number[]>> = {};
      for (const key of keys) {
        byKey[key.accessKeyId] = Object.fromEntries((await t.store.usage.keyRows(key.accessKeyId, 'hours', day)).map((r) => [r.code, Array.from({ length: 24 }, (_, i) => r.counts[i] ?? 0)]));
      }
      return byKey;
    };
    const tenantView = async () =>
      Object.fromEntries(
        (await t.store.usage.tenantSums(tenant.id, 'hours', day + 2 * HOUR, DAY, HOUR)).map((s) => [`${s.accessKeyId} ${s.code}`, s.count]).sort(([a], [b]) => (a! < b! ? -1 : 1)),
      );
    const before = await hourView();
    const tenantBefore = await tenantView();
    expect(before[keys[2]!.accessKeyId]!.OK!.slice(0, 6)).toEqual([5, 6, 7, 8, 9, 0]);
    expect(before[keys[0]!.accessKeyId]!.KEY_DISABLED!.slice(0, 5)).toEqual([0, 1, 0, 1, 0]);
    expect(tenantBefore[`${keys[1]!.accessKeyId} OK`]).toBe(6 + 7 + 8);

    // The first three hours age out (cutoff 3 h after the day starts), three rows at a time: 3 keys × 3 hours × 2 codes.
    expect(await t.store.usage.rollUpMinutesBefore(day + 3 * HOUR, 3)).toBe(18);
    expect((await t.store.usage.keyRows(keys[0]!.accessKeyId, 'minutes', 0)).map((r) => r.start - day).sort((a, b) => a - b)).toEqual([3 * HOUR, 3 * HOUR, 4 * HOUR, 4 * HOUR]);
    expect(await hourView()).toEqual(before);
    expect(await tenantView()).toEqual(tenantBefore);

    // A late write into an hour already rolled up: a minute row again, counted once, and rolled up next time.
    recorder.record(record(tenant.id, keys[0]!.accessKeyId, day + HOUR + 59 * MINUTE), true, false);
    await recorder.flush();
    const late = await hourView();
    expect(late[keys[0]!.accessKeyId]!.OK!.slice(0, 5)).toEqual([3, 5, 5, 6, 7]);
    // All of it now, and again (nothing left to move); two roll-ups at once move each row once.
    const [a, b] = await Promise.all([t.store.usage.rollUpMinutesBefore(day + DAY, 2), t.store.usage.rollUpMinutesBefore(day + DAY, 2)]);
    expect(a + b).toBe(13);
    expect(await t.store.usage.rollUpMinutesBefore(day + DAY)).toBe(0);
    expect(await t.store.usage.keyRows(keys[0]!.accessKeyId, 'minutes', 0)).toEqual([]);
    expect(await hourView()).toEqual(late);
    expect((await t.store.usage.keyRows(keys[0]!.accessKeyId, 'hours', 0)).map((r) => r.start)).toEqual([day, day, day]);
  });

  it('sends every attempt to the access log, counted-only ones too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-usage-log-'));
    try {
      const { tenant, key } = await keyIn();
      const file = join(dir, 'access.jsonl');
      const logged = new AccessRecorder({ store: t.store, logger: createLogger('silent'), flushMs: 60_000, accessLog: new AccessLogStream(file) });
      const at = Date.UTC(2030, 6, 1);
      for (let i = 0; i < 30; i++) logged.record(record(tenant.id, key.accessKeyId, at + i), true);
      for (let i = 0; i < 5; i++) logged.record(record(tenant.id, key.accessKeyId, at + 100 + i, failure('RATE_LIMITED')), false, false);
      await logged.close();
      const lines = (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { stored: boolean; code: string | null; accessKeyId: string });
      expect(lines).toHaveLength(35);
      expect(lines.filter((l) => !l.stored).map((l) => l.code)).toEqual(Array(5).fill('RATE_LIMITED'));
      expect(await list(tenant.id, key.accessKeyId, 'failure')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('what was handed to the writer before close() is in the database after it', async () => {
    const other = await openTestStore(kind);
    try {
      const tenant = await seedTenant(other.store);
      const owner = await seedUser(other.store, tenant.id);
      const { key } = await seedKey(other.store, { tenantId: tenant.id, ownerId: owner.id });
      const at = Date.UTC(2030, 3, 1);
      const mine = new AccessRecorder({ store: other.store, logger: createLogger('silent'), flushMs: 60_000 });
      for (let i = 0; i < 900; i++) mine.record(record(tenant.id, key.accessKeyId, at + i), true);
      await mine.close();
      await other.store.close();
      const reopened = await import('../src/store/store.js').then(({ createStore }) => createStore({ databaseUrl: other.databaseUrl, dataDir: other.dataDir }));
      try {
        const all = await reopened.accessRecords.listForKey(tenant.id, key.accessKeyId, { cursor: null, limit: 100, since: new Date(at - 1) });
        expect(all.items[0]!.at).toEqual(new Date(at + 899));
        expect(all.items).toHaveLength(100);
        const hours = await reopened.usage.keyRows(key.accessKeyId, 'hours', 0);
        expect(hours.map((h) => h.counts.reduce((x, y) => x + y, 0))).toEqual([900]);
      } finally {
        await reopened.close();
      }
    } finally {
      await other.cleanup();
    }
  });
});
