/**
 * Another process holding SQLite's write lock (the CLI writing while the server runs) never
 * blocks the server's event loop: cached verifications keep answering at once, /readyz too, and
 * management writes wait for the lock without blocking anything, then succeed once it is gone or
 * answer 503 STORE_BUSY when it outlasts their deadline.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../src/core/errors.js';
import { SQLITE_FILE } from '../src/store/store.js';
import { createInProcessCli, initTenant, withoutActingNote, type InProcessCliWorld } from './support/cli.js';
import { openHttp, verify, type Harness, type IssuedKey, type Response, type Tenant } from './support/http.js';
import { holdSqliteWriteLock } from './support/sqlite-locker.js';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * The bar: the lock may not push cached verification's p99 over 50 ms. The machine's own noise
 * (other suites sharing two cores) is measured the same way just before the lock and just after
 * it, and twice the worse of the two is allowed on top, so the test measures what the lock adds
 * and stays steady on a busy machine; without the fix the lock added seconds (p99 ≈ 4,000 ms).
 */
const P99_BAR_MS = 50;

/**
 * Verifications started on a fixed schedule (every `everyMs`) whether or not the previous one
 * answered, each timed from when it was due: a stalled event loop delays every request due
 * during the stall, so the stall shows in the percentiles instead of hiding as one slow sample.
 */
async function verifyOnSchedule(h: Harness, token: string, forMs: number, everyMs: number): Promise<number[]> {
  const start = performance.now();
  const answers: Promise<number>[] = [];
  for (let due = start; due - start < forMs; due += everyMs) {
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const dueAt = due;
    answers.push(
      verify(h, token).then((answer) => {
        if (answer.valid !== true) throw new Error(`a cached key stopped verifying: ${JSON.stringify(answer)}`);
        return performance.now() - dueAt;
      }),
    );
  }
  return (await Promise.all(answers)).sort((a, b) => a - b);
}

describe('SQLite locked by another process', () => {
  let h: Harness;
  let tenant: Tenant;
  let key: IssuedKey;
  let uncached: IssuedKey;
  let file: string;

  let noise = 0;

  beforeAll(async () => {
    h = await openHttp('sqlite');
    tenant = await h.bootstrap();
    key = await h.createKey(tenant.admin, { name: 'cached' });
    uncached = await h.createKey(tenant.admin, { name: 'first verified during the lock' });
    expect(await verify(h, key.token)).toMatchObject({ valid: true });
    file = join(h.testStore.dataDir, SQLITE_FILE);
    noise = percentile(await verifyOnSchedule(h, key.token, 2_000, 20), 99);
  });

  afterAll(async () => {
    await h?.close();
  });

  const rename = (name: string) => h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: tenant.admin, body: { name } });
  const timed = async <T>(work: Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = performance.now();
    const result = await work;
    return { result, ms: performance.now() - started };
  };

  it('keeps cached verification p99 under 50 ms (over the machine noise) during a 10 s BEGIN IMMEDIATE; management writes answer 503 STORE_BUSY within 5 s', async () => {
    const locker = await holdSqliteWriteLock(file, 10_000);
    // Writes keep arriving through the lock, as people keep using the console.
    const writes: Promise<{ result: Response; ms: number }>[] = [];
    const writer = (async () => {
      for (let i = 0; i < 3; i++) {
        writes.push(timed(rename(`renamed while locked ${i}`)));
        await sleep(2_500);
      }
    })();
    const latencies = await verifyOnSchedule(h, key.token, 9_000, 20);
    const ready = await timed(h.request({ method: 'GET', url: '/readyz' }));
    // A key not cached yet is read from the database: reads do not wait for the lock, nor behind
    // the writes that do.
    const firstUse = await timed(h.request({ method: 'POST', url: '/v1/verify', body: { token: uncached.token } }));
    await writer;
    const answered = await Promise.all(writes);
    await locker.released;
    const noiseAfter = percentile(await verifyOnSchedule(h, key.token, 2_000, 20), 99);

    const figures = { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) };
    console.log(
      'cached verification during a 10 s external lock (ms):',
      figures,
      'p99 without the lock, before and after:',
      [noise, noiseAfter],
      'writes (ms):',
      answered.map((w) => [w.result.status, Math.round(w.ms)]),
    );
    expect(figures.p99).toBeLessThan(P99_BAR_MS + 2 * Math.max(noise, noiseAfter));
    for (const { result, ms } of answered) {
      expect(result.status).toBe(503);
      expect(result.body.error).toMatchObject({ code: 'STORE_BUSY', message: expect.stringMatching(/locked by another process/) });
      expect(ms).toBeLessThan(5_000);
    }
    // Readiness reads; a reader never waits for a writer, so the server stays ready.
    expect({ status: ready.result.status, fast: ready.ms < 2_000 }).toEqual({ status: 200, fast: true });
    expect({ status: firstUse.result.status, valid: firstUse.result.body.valid, fast: firstUse.ms < 500 }).toEqual({ status: 200, valid: true, fast: true });

    // Nothing was half-written, and writes work again at once.
    const after = await rename('after the lock');
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ name: 'after the lock' });
  }, 30_000);

  it('lets a management write wait for a short lock without blocking verification, then succeed', async () => {
    const locker = await holdSqliteWriteLock(file, 3_000);
    const write = timed(rename('renamed after waiting'));
    const latencies = await verifyOnSchedule(h, key.token, 2_500, 10);
    const { result, ms } = await write;
    await locker.released;
    console.log('write during a 3 s external lock answered', result.status, 'after', Math.round(ms), 'ms; verification p90', percentile(latencies, 90), 'p99', percentile(latencies, 99));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ name: 'renamed after waiting' });
    // The p99 bar is the 10 s test's; here only that the wait blocked nothing (a blocked event
    // loop would have delayed nearly every verification by the whole wait).
    expect(percentile(latencies, 90)).toBeLessThan(P99_BAR_MS + 2 * noise);
    const read = await h.request({ method: 'GET', url: `/v1/access-keys/${key.accessKeyId}`, as: tenant.admin });
    expect(read.body).toMatchObject({ name: 'renamed after waiting' });
  }, 30_000);
});

describe('the CLI while another process holds the lock', () => {
  let world: InProcessCliWorld;

  beforeAll(async () => {
    world = await createInProcessCli('sqlite');
    await initTenant(world);
  });

  afterAll(async () => {
    await world?.cleanup();
  });

  it('says STORE_BUSY after waiting 4 s, then writes once the lock is gone', async () => {
    const locker = await holdSqliteWriteLock(join(world.dataDir, SQLITE_FILE), 6_000);
    const started = performance.now();
    const busy = await world.run(['keys', 'create', '--tenant', 'acme', '--name', 'while locked']);
    const ms = performance.now() - started;
    await locker.released;
    expect({ code: busy.code, stderr: withoutActingNote(busy.stderr).trim() }).toEqual({ code: 1, stderr: `latchkey: STORE_BUSY: ${ERROR_CATALOG.STORE_BUSY.message}` });
    expect(ms).toBeGreaterThanOrEqual(3_900);
    expect(ms).toBeLessThan(5_000);
    const after = await world.run(['keys', 'create', '--tenant', 'acme', '--name', 'after the lock', '--json']);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ name: 'after the lock' });
  }, 30_000);
});
