/**
 * `npm run bench:scale`: does verification stay flat as keys grow? At 1k, 100k and 1M keys, on
 * SQLite and PostgreSQL, it reports the server's start time and resident memory, the key-cache
 * miss (in this process: event loop held per miss on SQLite, time to answer on PostgreSQL), the
 * heap one cached key costs, and, with tokens drawn at random from the whole set, throughput
 * and p99 cold (the first seconds after start, every key uncached) and warm (after a pass over
 * every key), as a ratio to the bare route measured right after.
 *
 * Settings (environment): BENCH_SCALE_SIZES (default 1000,100000,1000000), BENCH_DATABASES
 * (sqlite,postgres), BENCH_DURATION (s per run, default 10), BENCH_CONNECTIONS (50),
 * BENCH_DATABASE_URL (the PostgreSQL server for the throwaway databases). The key cache is
 * sized to hold every key (LATCHKEY_KEY_CACHE_SIZE, at least its default): see the README,
 * "Sizing the key cache".
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseToken } from '../src/core/key-format.js';
import { KeyCache } from '../src/services/key-cache.js';
import { createStore, type Store } from '../src/store/store.js';
import type { ServerStats } from './child-protocol.js';
import { startBareChild, startVerifyChild, type ServerChild } from './children.js';
import { createBenchDatabase, displayUrl, type DatabaseKind } from './databases.js';
import { runLoad, type LoadOptions, type LoadResult } from './load.js';
import { fmt, table } from './report.js';
import { weighKeyCache } from './cache-weight.js';
import { SCALE_PERMISSION, seedScale } from './scale-seed.js';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number from 1, got "${raw}"`);
  return value;
}

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '1000,100000,1000000').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 100) throw new Error(`BENCH_SCALE_SIZES: "${s}" is not a whole number of keys from 100`);
  return n;
});
const DURATION = setting('BENCH_DURATION', 10);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',').map((s) => s.trim()) as DatabaseKind[];
for (const kind of DATABASES) if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`BENCH_DATABASES: unknown database "${kind}" (sqlite, postgres)`);
const DEFAULT_CACHE_SIZE = 200_000;
/** Misses timed in this process, and keys loaded to weigh a cached key. */
const MISSES = 1_000;
const WEIGHED = 100_000;

const log = (line = '') => process.stdout.write(`${line}\n`);
const errors: string[] = [];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

interface Run extends LoadResult {
  server: ServerStats;
}

async function measure(server: ServerChild, load: Omit<LoadOptions, 'url'>, label: string): Promise<Run> {
  await server.mark();
  const result = await runLoad({ ...load, url: server.url });
  const stats = await server.stats();
  if (result.errors + result.non2xx + result.invalid > 0) errors.push(`${label}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.invalid} refused good tokens`);
  if (server.name === 'verify') {
    // Let the access records of this run be written before the next one starts.
    const deadline = performance.now() + 120_000;
    while ((await server.stats()).pendingRecords > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
  return { ...result, server: stats };
}

/** In this process, on the seeded database: what a miss costs, and what a cached key weighs. */
async function probeCache(store: Store, tokens: readonly string[]): Promise<{ missUs: { p50: number; p99: number; max: number }; bytesPerKey: number; weighed: number }> {
  const ids = tokens.map((token) => {
    const parsed = parseToken(token);
    if (!parsed.ok) throw new Error('a seeded token does not parse');
    return parsed.accessKeyId;
  });
  const weighed = Math.min(ids.length, WEIGHED);
  const weight = await weighKeyCache(store, ids.slice(0, weighed));
  if (weight.cached !== weighed) throw new Error(`the key cache holds ${weight.cached} keys, ${weighed} were loaded`);
  // Below ten thousand keys the figure is lost in the noise of the collector.
  const bytesPerKey = weighed < 10_000 ? Number.NaN : weight.bytesPerKey;
  const timed = new KeyCache({ store, max: MISSES + 1 });
  await timed.start();
  await timed.get(ids[0]!);
  const times: number[] = [];
  // Distinct keys (IDs are random, so these are spread over the whole table): every one a miss.
  for (const id of ids.slice(1, MISSES + 1)) {
    const started = performance.now();
    await timed.get(id);
    times.push((performance.now() - started) * 1000);
  }
  times.sort((a, b) => a - b);
  return { missUs: { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times[times.length - 1]! }, bytesPerKey, weighed };
}

interface SizeReport {
  database: DatabaseKind;
  keys: number;
  seedSeconds: number;
  cacheSize: number;
  startSeconds: number;
  rssMb: { started: number; warm: number };
  miss: Awaited<ReturnType<typeof probeCache>>;
  cold: Run;
  fill: { seconds: number; requestsPerSecond: number };
  warm: Run;
  bare: Run;
  warmRatio: number;
  coldRatio: number;
}

async function benchSize(kind: DatabaseKind, keys: number): Promise<SizeReport> {
  const database = await createBenchDatabase(kind);
  log(`\n=== ${kind}, ${keys.toLocaleString('en-US')} keys: ${database.databaseUrl ? displayUrl(database.databaseUrl) : `${database.dataDir} (SQLite file)`}`);
  const children: ServerChild[] = [];
  try {
    const masterKey = randomBytes(32);
    const store = createStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    let tokens: string[];
    let tokenTenants: number[];
    let verifiers: string[];
    let seedSeconds: number;
    let miss: SizeReport['miss'];
    try {
      await store.migrate();
      const seeded = await seedScale(store, masterKey, { keys, tenants: 4, keysPerUser: 100 });
      tokens = seeded.tokens;
      tokenTenants = seeded.tokenTenants;
      verifiers = seeded.verifiers;
      seedSeconds = seeded.seconds;
      log(`seeded in ${seedSeconds.toFixed(1)} s (${seeded.users.toLocaleString('en-US')} users in 4 tenants)`);
      miss = await probeCache(store, tokens);
      log(
        `key-cache miss in-process: p50 ${miss.missUs.p50.toFixed(0)} µs, p99 ${miss.missUs.p99.toFixed(0)} µs, max ${miss.missUs.max.toFixed(0)} µs; ` +
          (Number.isNaN(miss.bytesPerKey) ? 'too few keys to weigh one' : `${miss.bytesPerKey.toFixed(0)} bytes per cached key (${miss.weighed.toLocaleString('en-US')} loaded)`),
      );
    } finally {
      await store.close();
    }
    // Each asked as an API would ask: with the verifier key of the token's tenant.
    const bodies = tokens.map((token, i) => ({ body: JSON.stringify({ token, permission: SCALE_PERMISSION }), verifier: verifiers[tokenTenants[i]!]! }));
    tokens = [];
    tokenTenants = [];
    const cacheSize = Math.max(DEFAULT_CACHE_SIZE, keys);
    const startedAt = performance.now();
    const verify = await startVerifyChild(database, masterKey, { LATCHKEY_KEY_CACHE_SIZE: String(cacheSize) });
    children.push(verify);
    const startSeconds = (performance.now() - startedAt) / 1000;
    const started = await verify.stats();
    const bare = await startBareChild();
    children.push(bare);
    log(`verify server ready in ${startSeconds.toFixed(2)} s, ${started.rssMb.toFixed(0)} MB resident`);

    const base = { bodies, connections: CONNECTIONS };
    const cold = await measure(verify, { ...base, duration: DURATION, order: 'random' }, `${kind} ${keys} cold`);
    log(
      `cold (${DURATION} s from start, random keys): ${fmt.rps(cold.requestsPerSecond)} req/s, p99 ${fmt.ms(cold.latencyMs.p99)} ms, ${cold.server.cachedKeys.toLocaleString('en-US')} keys cached`,
    );
    const fillStarted = performance.now();
    const fillRun = await measure(verify, { ...base, amount: bodies.length, order: 'sequential' }, `${kind} ${keys} fill`);
    const fill = { seconds: (performance.now() - fillStarted) / 1000, requestsPerSecond: fillRun.requestsPerSecond };
    log(`fill: every key once in ${fill.seconds.toFixed(1)} s (${fmt.rps(fill.requestsPerSecond)} req/s)`);
    const bareWarmUp = await measure(bare, { ...base, duration: 3, order: 'random' }, `${kind} ${keys} bare warm-up`);
    void bareWarmUp;
    const warm = await measure(verify, { ...base, duration: DURATION, order: 'random' }, `${kind} ${keys} warm`);
    const bareRun = await measure(bare, { ...base, duration: DURATION, order: 'random' }, `${kind} ${keys} bare`);
    const report: SizeReport = {
      database: kind,
      keys,
      seedSeconds,
      cacheSize,
      startSeconds,
      rssMb: { started: started.rssMb, warm: warm.server.rssMb },
      miss,
      cold,
      fill,
      warm,
      bare: bareRun,
      warmRatio: warm.requestsPerSecond / bareRun.requestsPerSecond,
      coldRatio: cold.requestsPerSecond / bareRun.requestsPerSecond,
    };
    log(
      `warm: ${fmt.rps(warm.requestsPerSecond)} req/s, p99 ${fmt.ms(warm.latencyMs.p99)} ms, event loop held at most ${fmt.ms(warm.server.eventLoopDelayMs.max)} ms | ` +
        `bare ${fmt.rps(bareRun.requestsPerSecond)} req/s | ratio ${fmt.ratio(report.warmRatio)} | ${warm.server.rssMb.toFixed(0)} MB resident, ${warm.server.cachedKeys.toLocaleString('en-US')} keys cached`,
    );
    for (const child of children.splice(0)) await child.stop();
    return report;
  } finally {
    for (const child of children) child.kill();
    await database.drop().catch((error: unknown) => errors.push(`could not drop the ${kind} bench database: ${(error as Error).message}`));
  }
}

function printSummary(reports: SizeReport[]): void {
  log('\n=== Summary (tokens drawn at random from all keys; ratio to the bare route measured right after)');
  log(
    table(
      ['database', 'keys', 'start s', 'RSS MB start/warm', 'B/key', 'miss p50/p99 µs', 'cold req/s', 'cold p99', 'warm req/s', 'warm p99', 'bare req/s', 'warm ratio'],
      reports.map((r) => [
        r.database,
        r.keys.toLocaleString('en-US'),
        r.startSeconds.toFixed(2),
        `${r.rssMb.started.toFixed(0)}/${r.rssMb.warm.toFixed(0)}`,
        Number.isNaN(r.miss.bytesPerKey) ? '—' : r.miss.bytesPerKey.toFixed(0),
        `${r.miss.missUs.p50.toFixed(0)}/${r.miss.missUs.p99.toFixed(0)}`,
        fmt.rps(r.cold.requestsPerSecond),
        fmt.ms(r.cold.latencyMs.p99),
        fmt.rps(r.warm.requestsPerSecond),
        fmt.ms(r.warm.latencyMs.p99),
        fmt.rps(r.bare.requestsPerSecond),
        fmt.ratio(r.warmRatio),
      ]),
    ),
  );
  for (const kind of DATABASES) {
    const of = reports.filter((r) => r.database === kind).sort((a, b) => a.keys - b.keys);
    if (of.length < 2) continue;
    const [smallest, largest] = [of[0]!, of[of.length - 1]!];
    const drop = 1 - largest.warmRatio / smallest.warmRatio;
    log(`${kind}: warm ratio at ${largest.keys.toLocaleString('en-US')} keys is ${fmt.pct(drop)} below ${smallest.keys.toLocaleString('en-US')} keys (bar: within 15%)`);
  }
}

const reports: SizeReport[] = [];
log(`bench:scale — sizes ${SIZES.join(', ')}; ${DATABASES.join(', ')}; ${DURATION} s runs at ${CONNECTIONS} connections; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
for (const kind of DATABASES) for (const keys of SIZES) reports.push(await benchSize(kind, keys));
printSummary(reports);
// Next to the sources (this file runs from dist/bench), as verify-bench writes its own.
const resultsDir = new URL('../../bench/results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
const file = new URL(`scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, resultsDir);
writeFileSync(file, `${JSON.stringify({ sizes: SIZES, databases: DATABASES, duration: DURATION, connections: CONNECTIONS, loadAverageAtStart: loadavg(), reports, errors }, null, 2)}\n`);
log(`\nwritten ${file.pathname}`);
if (errors.length > 0) {
  for (const e of errors) log(`ERROR: ${e}`);
  process.exitCode = 1;
}
