/**
 * Rate limits on PostgreSQL without Redis: each process counts on its own and synchronises
 * through the database (database-limiter.ts). Two limiters on one real database stand for two
 * processes (each has only its own memory, as processes do); SQLite runs the same store contract.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { DatabaseRateLimiter } from '../src/services/usage-controls/database-limiter.js';
import type { LimitRef } from '../src/services/usage-controls/rate-limiter.js';
import { DATABASE_KINDS, openTestStore, type TestStore } from './support/databases.js';

const T0 = Date.UTC(2030, 0, 1);
const limit = (n: number): LimitRef[] => [{ counter: 'k:AK1:per-10s:10000', group: 't1', name: 'per-10s', limit: n, durationMs: 10_000 }];

describe.each(DATABASE_KINDS)('DatabaseRateLimiter on %s', (kind) => {
  let db: TestStore | null = null;
  afterEach(async () => {
    await db?.cleanup();
    db = null;
  });

  const open = (store: TestStore['store'], now: () => number) => new DatabaseRateLimiter({ store, syncMs: 100, logger: createLogger('silent'), now });

  it('overshoots by at most what the others admitted between syncs, and after a sync every process sees the total', async () => {
    db = await openTestStore(kind);
    let now = T0 + 1_000;
    const a = open(db.store, () => now);
    const b = open(db.store, () => now);
    const admitted = (l: DatabaseRateLimiter, n: number) => Array.from({ length: n }, () => l.check(limit(100), 1, now).admitted).filter(Boolean).length;
    // Before any sync each process alone holds the limit: 100 each at most (the documented bound, 2 × 100).
    expect(admitted(a, 150)).toBe(100);
    expect(admitted(b, 30)).toBe(30);
    await a.sync();
    await b.sync();
    await a.sync();
    // Both now know of the 130 admitted in the window: nothing more fits.
    expect(a.check(limit(100), 1, now)).toMatchObject({ admitted: false, states: [{ remaining: 0 }] });
    expect(b.check(limit(100), 1, now)).toMatchObject({ admitted: false, states: [{ remaining: 0 }] });
    const row = await db.store.db.selectFrom('ratelimitWindows').select(['count', 'windowStart']).executeTakeFirstOrThrow();
    expect({ count: Number(row.count), windowStart: Number(row.windowStart) }).toEqual({ count: 130, windowStart: T0 });
    // Once the window and the next are over, the rows go.
    now = T0 + 30_000;
    expect(await db.store.ratelimitWindows.purgeExpired(now)).toBe(1);
  });

  it('a process that admitted nothing still learns the others count at its sync', async () => {
    db = await openTestStore(kind);
    const now = T0 + 2_000;
    const a = open(db.store, () => now);
    const b = open(db.store, () => now);
    expect(b.check(limit(10), 0, now).states[0]!.remaining).toBe(10);
    for (let i = 0; i < 7; i++) a.check(limit(10), 1, now);
    await a.sync();
    await b.sync();
    expect(b.check(limit(10), 0, now).states[0]!.remaining).toBe(3);
    expect(b.check(limit(10), 3, now).admitted).toBe(true);
    expect(b.check(limit(10), 1, now).admitted).toBe(false);
  });

  it('keeps what it admitted while the database cannot be reached, and sends it once it can', async () => {
    db = await openTestStore(kind);
    const now = T0 + 3_000;
    const lines: string[] = [];
    const a = new DatabaseRateLimiter({ store: db.store, syncMs: 100, logger: createLogger('warn', { write: (l: string) => void lines.push(l) }), now: () => now });
    let down = true;
    const real = db.store.ratelimitWindows;
    const flaky = {
      ...db.store,
      ratelimitWindows: { add: (d: never) => (down ? Promise.reject(new Error('connection refused')) : real.add(d)), purgeExpired: async () => 0 },
    } as unknown as TestStore['store'];
    const cut = new DatabaseRateLimiter({ store: flaky, syncMs: 100, logger: createLogger('warn', { write: (l: string) => void lines.push(l) }), now: () => now });
    for (let i = 0; i < 4; i++) cut.check(limit(10), 1, now);
    await cut.sync();
    expect(cut.syncFailures).toBe(1);
    expect(lines.join('')).toContain('cannot be synchronised through the database');
    // Still counted locally: 6 more at most.
    expect(cut.check(limit(10), 0, now).states[0]!.remaining).toBe(6);
    await a.sync();
    expect(a.check(limit(10), 0, now).states[0]!.remaining).toBe(10);
    down = false;
    await cut.sync();
    await a.sync();
    expect(a.check(limit(10), 0, now).states[0]!.remaining).toBe(6);
    expect(lines.join('')).toContain('synchronised through the database again');
  });
});
