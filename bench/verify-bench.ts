/**
 * `npm run bench`: POST /v1/verify on the real server against a bare Fastify route, side by side
 * in one run, on SQLite and on PostgreSQL, with 100k real keys stored — bearer tokens, then
 * requests signed with AWS Signature V4 by the AWS SDK (see signed.ts).
 *
 * Each server runs in its own child process; autocannon (in this process) drives them one after
 * the other, several rounds, alternating which goes first, so drifts in machine load hit both.
 * Settings (environment): BENCH_KEYS, BENCH_DURATION (s per run), BENCH_ROUNDS, BENCH_CONNECTIONS,
 * BENCH_DATABASES (sqlite,postgres), BENCH_SIGNED_KEYS (keys that sign a request each; 0 skips
 * the signed rounds), BENCH_DATABASE_URL (PostgreSQL server to create the
 * throwaway database on; default postgres://postgres@127.0.0.1:5432/test).
 * Exits non-zero on errors only (failed requests, refused tokens, lost access records); missed
 * performance targets are reported, not fatal.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { postgresCpuSeconds } from './database-cpu.js';
import { parseToken } from '../src/core/key-format.js';
import { createStore } from '../src/store/store.js';
import { startBareChild, startVerifyChild, type ServerChild } from './children.js';
import { applyControls, benchControls, pickKeys, TARGET_CONTROLS_RATIO, type ControlsReport, type ControlsScenario } from './controls.js';
import { adminPostgresUrl, createBenchDatabase, displayUrl, type BenchDatabase, type DatabaseKind } from './databases.js';
import { runLoad, type LoadOptions, type LoadResult } from './load.js';
import { fmt, mainThreadMicros, spread, table, TARGET_P99_MS, TARGET_RATIO, verdict, type MeasuredRun, type RoundPair } from './report.js';
import { BENCH_PERMISSION, seedKeys, type SeedResult } from './seed.js';
import { benchSigned, TARGET_SIGNED_RATIO, type SignedReport } from './signed.js';

function setting(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number from ${min}, got "${raw}"`);
  return value;
}

const SETTINGS = {
  keys: setting('BENCH_KEYS', 100_000),
  duration: setting('BENCH_DURATION', 10),
  rounds: setting('BENCH_ROUNDS', 3),
  connections: setting('BENCH_CONNECTIONS', 50),
  signedKeys: setting('BENCH_SIGNED_KEYS', 1000, 0),
  /** Keys per usage-control scenario (0 skips them). */
  controlledKeys: setting('BENCH_CONTROLLED_KEYS', 1000, 0),
  databases: (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',').map((s) => s.trim()) as DatabaseKind[],
};
for (const kind of SETTINGS.databases) {
  if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`BENCH_DATABASES: unknown database "${kind}" (sqlite, postgres)`);
}

/** Problems that make the run fail (as opposed to missed targets). */
const errors: string[] = [];
const log = (line = '') => process.stdout.write(`${line}\n`);

function accessKeyIdOf(token: string): string {
  const parsed = parseToken(token);
  if (!parsed.ok) throw new Error('bench: a seeded token does not parse');
  return parsed.accessKeyId;
}

function checkRun(label: string, result: LoadResult): void {
  const bad = result.errors + result.non2xx + result.invalid;
  if (bad > 0) {
    errors.push(`${label}: ${result.errors} connection errors (${result.timeouts} timeouts), ${result.non2xx} non-2xx answers, ${result.invalid} answers that were not valid:true`);
  }
}

async function waitForDrain(server: ServerChild): Promise<{ seconds: number; pendingAtEnd: number; cpuSeconds: number }> {
  const started = performance.now();
  const first = await server.stats();
  // Write what the run left (the interval between usage writes stretches under load, up to 30 s).
  await server.flush();
  let pending = (await server.stats()).pendingRecords;
  while (pending > 0) {
    if (performance.now() - started > 120_000) throw new Error(`${server.name}: ${pending} access records still unwritten after 120 s`);
    await new Promise((r) => setTimeout(r, 50));
    pending = (await server.stats()).pendingRecords;
  }
  // CPU since the run's mark, the writing of its deferred usage data included.
  return { seconds: (performance.now() - started) / 1000, pendingAtEnd: first.pendingRecords, cpuSeconds: (await server.stats()).cpuSeconds };
}

/** One run against one server, with that server's CPU and event-loop use during it. */
async function measure(server: ServerChild, load: Omit<LoadOptions, 'url'>, label: string): Promise<MeasuredRun> {
  await server.mark();
  // The database's CPU only for verify runs: the bare route never touches it.
  const databaseBefore = server.name === 'verify' && currentKind === 'postgres' ? postgresCpuSeconds() : null;
  const result = await runLoad({ ...load, url: server.url });
  const stats = await server.stats();
  checkRun(label, result);
  const run: MeasuredRun = { ...result, server: stats };
  if (server.name === 'verify') {
    run.drain = await waitForDrain(server);
    const databaseAfter = databaseBefore === null ? null : postgresCpuSeconds();
    if (databaseAfter !== null) run.databaseCpuSeconds = databaseAfter - databaseBefore!;
  }
  return run;
}

interface DatabaseReport {
  database: DatabaseKind;
  location: string;
  seed: Omit<SeedResult, 'tokens' | 'tokenTenants' | 'verifiers'> & { keys: number };
  coldPass: MeasuredRun;
  rounds: RoundPair[];
  fixedRate: { rate: number; verify: MeasuredRun; bare: MeasuredRun };
  /** SigV4-signed requests against the bare route (absent with BENCH_SIGNED_KEYS=0). */
  signed: SignedReport | null;
  /** Usage control (issue 11): one rate limit and an IP rule; credits on PostgreSQL. */
  controls: ControlsReport[];
  summary: {
    verify: { rps: ReturnType<typeof spread>; p50: number; p99: number };
    bare: { rps: ReturnType<typeof spread>; p50: number; p99: number };
    ratio: ReturnType<typeof spread>;
    ratioOfMedians: number;
  };
  accessRecords: { written: number; verifyResponses: number; verifyRequestsSent: number; keysWithLastUsed: number };
  targets: { ratio: boolean; p99Saturated: boolean; p99FixedRate: boolean };
}

/** The database being benched: on PostgreSQL, verify runs also read the database server's CPU. */
let currentKind: DatabaseKind | null = null;

async function benchDatabase(kind: DatabaseKind): Promise<DatabaseReport> {
  currentKind = kind;
  const database: BenchDatabase = await createBenchDatabase(kind);
  const location = database.databaseUrl ? displayUrl(database.databaseUrl) : `${database.dataDir} (SQLite file)`;
  log(`\n=== ${kind}: ${location}`);
  const children: ServerChild[] = [];
  try {
    const masterKey = randomBytes(32);
    const seedStore = createStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    let seeded: SeedResult;
    // Keys given usage controls, per scenario (the plain rounds draw from all keys, so a few of theirs are controlled too).
    const scenarios: ControlsScenario[] = SETTINGS.controlledKeys === 0 ? [] : kind === 'postgres' ? ['limit + IP', 'credits'] : ['limit + IP'];
    const controlled = new Map<ControlsScenario, number[]>();
    try {
      await seedStore.migrate();
      seeded = await seedKeys(seedStore, masterKey, { keys: SETTINGS.keys, tenants: 4, keysPerUser: 100 });
      for (const [n, scenario] of scenarios.entries()) {
        const picked = pickKeys(seeded.tokens, SETTINGS.controlledKeys, n + 1);
        controlled.set(scenario, picked);
        await applyControls(
          seedStore,
          picked.map((i) => accessKeyIdOf(seeded.tokens[i]!)),
          scenario,
        );
      }
    } finally {
      await seedStore.close();
    }
    log(
      `seeded ${SETTINGS.keys.toLocaleString('en-US')} keys (${seeded.users} users in ${seeded.tenants} tenants) in ${seeded.seconds.total.toFixed(1)} s ` +
        `(key material ${seeded.seconds.crypto.toFixed(1)} s, insert ${seeded.seconds.insert.toFixed(1)} s)`,
    );
    // Each asked as an API would ask: with the verifier key of the token's tenant.
    const bodies = seeded.tokens.map((token, i) => ({ body: JSON.stringify({ token, permission: BENCH_PERMISSION }), verifier: seeded.verifiers[seeded.tokenTenants[i]!]! }));

    const verify = await startVerifyChild(database, masterKey);
    children.push(verify);
    const bare = await startBareChild();
    children.push(bare);

    const base = { bodies, connections: SETTINGS.connections };
    // Warm-up: every key once, in order (fills the key cache, warms the JIT); its figures show the cold-cache cost.
    log(`warm-up: each of the ${bodies.length.toLocaleString('en-US')} tokens once through verify (cold cache), 3 s on bare`);
    const coldPass = await measure(verify, { ...base, amount: bodies.length, order: 'sequential' }, `${kind} warm-up (verify)`);
    await measure(bare, { ...base, duration: 3, order: 'random' }, `${kind} warm-up (bare)`);
    log(`  cold pass: ${fmt.rps(coldPass.requestsPerSecond)} req/s, p99 ${fmt.ms(coldPass.latencyMs.p99)} ms`);

    log(`measuring: ${SETTINGS.rounds} rounds × ${SETTINGS.duration} s per server, ${SETTINGS.connections} connections, tokens drawn at random from all keys; the order alternates each round`);
    const rounds: RoundPair[] = [];
    for (let r = 1; r <= SETTINGS.rounds; r++) {
      const verifyFirst = r % 2 === 1;
      const runs: Partial<Record<'verify' | 'bare', MeasuredRun>> = {};
      for (const server of verifyFirst ? [verify, bare] : [bare, verify]) {
        runs[server.name as 'verify' | 'bare'] = await measure(server, { ...base, duration: SETTINGS.duration, order: 'random' }, `${kind} round ${r} (${server.name})`);
      }
      const pair: RoundPair = {
        round: r,
        order: verifyFirst ? 'verify, bare' : 'bare, verify',
        verify: runs.verify!,
        bare: runs.bare!,
        ratio: runs.verify!.requestsPerSecond / runs.bare!.requestsPerSecond,
      };
      rounds.push(pair);
      log(
        `  round ${r} (${pair.order}): verify ${fmt.rps(pair.verify.requestsPerSecond)} req/s p99 ${fmt.ms(pair.verify.latencyMs.p99)} ms | ` +
          `bare ${fmt.rps(pair.bare.requestsPerSecond)} req/s p99 ${fmt.ms(pair.bare.latencyMs.p99)} ms | ratio ${fmt.ratio(pair.ratio)}`,
      );
    }

    const bareRps = spread(rounds.map((p) => p.bare.requestsPerSecond));
    const verifyRps = spread(rounds.map((p) => p.verify.requestsPerSecond));
    // Latency without queueing: both servers at the same rate, half what the slower one sustains.
    const rate = Math.max(100, Math.round(Math.min(bareRps.median, verifyRps.median) / 2 / 100) * 100);
    log(`latency at equal offered load: ${fmt.rps(rate)} req/s (half the slower server's median) for ${SETTINGS.duration} s each`);
    const fixedVerify = await measure(verify, { ...base, duration: SETTINGS.duration, rate, order: 'random' }, `${kind} fixed rate (verify)`);
    const fixedBare = await measure(bare, { ...base, duration: SETTINGS.duration, rate, order: 'random' }, `${kind} fixed rate (bare)`);

    const signed =
      SETTINGS.signedKeys === 0
        ? null
        : await benchSigned({
            kind,
            verify,
            bare,
            tokens: seeded.tokens,
            verifierOf: (i) => seeded.verifiers[seeded.tokenTenants[i]!]!,
            keys: SETTINGS.signedKeys,
            rounds: SETTINGS.rounds,
            duration: SETTINGS.duration,
            connections: SETTINGS.connections,
            measure,
            log,
          });

    const controls: ControlsReport[] = [];
    for (const [scenario, picked] of controlled) {
      controls.push(
        await benchControls({
          kind,
          scenario,
          verify,
          bare,
          tokens: picked.map((i) => seeded.tokens[i]!),
          verifiers: picked.map((i) => seeded.verifiers[seeded.tokenTenants[i]!]!),
          rounds: SETTINGS.rounds,
          duration: SETTINGS.duration,
          connections: SETTINGS.connections,
          measure,
          log,
        }),
      );
    }

    for (const child of children.splice(0)) await child.stop();

    const check = createStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
    let written = 0;
    let keysWithLastUsed = 0;
    try {
      // Every attempt is counted in its key's minute counters (the rings keep only the latest N).
      const row = await check.db
        .selectFrom('usageMinutes')
        .select((eb) => eb.fn.sum<number | string | null>('total').as('n'))
        .executeTakeFirstOrThrow();
      written = Number(row.n ?? 0);
      const used = await check.db
        .selectFrom('accessKeys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('lastUsedAt', 'is not', null)
        .executeTakeFirstOrThrow();
      keysWithLastUsed = Number(used.n);
    } finally {
      await check.close();
    }
    const verifyRuns = [
      coldPass,
      ...rounds.map((p) => p.verify),
      fixedVerify,
      ...(signed ? [signed.warmUp, ...signed.rounds.map((p) => p.verify)] : []),
      ...controls.flatMap((c) => [c.warmUp, ...c.rounds.map((p) => p.verify)]),
    ];
    const verifyResponses = verifyRuns.reduce((s, r) => s + r.requests, 0);
    // Requests in flight when a run stopped may be answered (and recorded) but not counted as answered.
    const verifyRequestsSent = verifyRuns.reduce((s, r) => s + r.sent, 0);
    // Every answered verification is counted once (the verifier's own check only marks its key used).
    if (written < verifyResponses || written > verifyRequestsSent) {
      errors.push(`${kind}: ${written} attempts counted for ${verifyResponses} verify responses (every attempt must be counted once)`);
    }

    const median = (values: number[]) => spread(values).median;
    const ratio = spread(rounds.map((p) => p.ratio));
    const summary = {
      verify: { rps: verifyRps, p50: median(rounds.map((p) => p.verify.latencyMs.p50)), p99: median(rounds.map((p) => p.verify.latencyMs.p99)) },
      bare: { rps: bareRps, p50: median(rounds.map((p) => p.bare.latencyMs.p50)), p99: median(rounds.map((p) => p.bare.latencyMs.p99)) },
      ratio,
      ratioOfMedians: verifyRps.median / bareRps.median,
    };
    return {
      database: kind,
      location,
      seed: { keys: SETTINGS.keys, tenants: seeded.tenants, users: seeded.users, seconds: seeded.seconds },
      coldPass,
      rounds,
      fixedRate: { rate, verify: fixedVerify, bare: fixedBare },
      signed,
      controls,
      summary,
      accessRecords: { written, verifyResponses, verifyRequestsSent, keysWithLastUsed },
      targets: { ratio: ratio.median >= TARGET_RATIO, p99Saturated: summary.verify.p99 < TARGET_P99_MS, p99FixedRate: fixedVerify.latencyMs.p99 < TARGET_P99_MS },
    };
  } finally {
    for (const child of children) child.kill();
    await database.drop().catch((error: unknown) => errors.push(`could not drop the ${kind} bench database: ${(error as Error).message}`));
  }
}

function printSummary(reports: DatabaseReport[]): void {
  log('\n=== Summary (median of the rounds; min–max in brackets)');
  const rows: string[][] = [];
  for (const r of reports) {
    const s = r.summary;
    rows.push([
      `${r.database} verify`,
      `${fmt.rps(s.verify.rps.median)} [${fmt.rps(s.verify.rps.min)}–${fmt.rps(s.verify.rps.max)}]`,
      fmt.ms(s.verify.p50),
      fmt.ms(s.verify.p99),
      fmt.ms(r.fixedRate.verify.latencyMs.p50),
      fmt.ms(r.fixedRate.verify.latencyMs.p99),
      `${fmt.ratio(s.ratio.median)} [${fmt.ratio(s.ratio.min)}–${fmt.ratio(s.ratio.max)}]`,
    ]);
    rows.push([
      `${r.database} bare`,
      `${fmt.rps(s.bare.rps.median)} [${fmt.rps(s.bare.rps.min)}–${fmt.rps(s.bare.rps.max)}]`,
      fmt.ms(s.bare.p50),
      fmt.ms(s.bare.p99),
      fmt.ms(r.fixedRate.bare.latencyMs.p50),
      fmt.ms(r.fixedRate.bare.latencyMs.p99),
      '',
    ]);
  }
  log(table(['server', 'req/s', 'p50 ms', 'p99 ms', `p50 ms @rate`, `p99 ms @rate`, 'ratio verify/bare'], rows));
  log("(@rate: both servers at the same fixed offered load, half the slower server's saturated throughput)");
  const signedRows: string[][] = [];
  for (const r of reports) {
    if (!r.signed) continue;
    const s = r.signed.summary;
    signedRows.push([
      `${r.database} sigv4 verify`,
      `${fmt.rps(s.signed.rps.median)} [${fmt.rps(s.signed.rps.min)}–${fmt.rps(s.signed.rps.max)}]`,
      fmt.ms(s.signed.p50),
      fmt.ms(s.signed.p99),
      `${fmt.ratio(s.ratio.median)} [${fmt.ratio(s.ratio.min)}–${fmt.ratio(s.ratio.max)}]`,
    ]);
    signedRows.push([`${r.database} bare (same bodies)`, `${fmt.rps(s.bare.rps.median)} [${fmt.rps(s.bare.rps.min)}–${fmt.rps(s.bare.rps.max)}]`, fmt.ms(s.bare.p50), fmt.ms(s.bare.p99), '']);
  }
  if (signedRows.length > 0) {
    log('\nSigned requests (AWS SigV4 signed by the AWS SDK, body included, permission checked)');
    log(table(['server', 'req/s', 'p50 ms', 'p99 ms', 'ratio sigv4/bare'], signedRows));
  }
  const controlRows: string[][] = [];
  for (const r of reports) {
    for (const c of r.controls) {
      const s = c.summary;
      controlRows.push([
        `${r.database} ${c.scenario}`,
        `${fmt.rps(s.verify.rps.median)} [${fmt.rps(s.verify.rps.min)}–${fmt.rps(s.verify.rps.max)}]`,
        fmt.ms(s.verify.p50),
        fmt.ms(s.verify.p99),
        `${fmt.ratio(s.ratio.median)} [${fmt.ratio(s.ratio.min)}–${fmt.ratio(s.ratio.max)}]`,
      ]);
    }
  }
  if (controlRows.length > 0) {
    log('\nUsage control (one rate limit and an IP allowlist; credits spent in PostgreSQL on each verification)');
    log(table(['server', 'req/s', 'p50 ms', 'p99 ms', 'ratio verify/bare'], controlRows));
  }
  log('\nNoise: run-to-run coefficient of variation of req/s across rounds');
  for (const r of reports) log(`  ${r.database}: verify ${fmt.pct(r.summary.verify.rps.cv)}, bare ${fmt.pct(r.summary.bare.rps.cv)}, ratio ${fmt.pct(r.summary.ratio.cv)}`);
  log(
    "\nServer CPU during the saturated rounds (event-loop busy share and the main thread's busy time per answer, CPU time per request over all the process's threads — for verify until the run's usage data was written, and on a local PostgreSQL the database's over the same span — longest stall, and the CPU the load generator itself used, in cores: near 1.00 it is saturated too)",
  );
  for (const r of reports) {
    const per = (runs: MeasuredRun[]) => {
      // The verify server's CPU runs until its deferred usage writes for the run are done.
      const cpu = runs.reduce((s, x) => s + (x.drain?.cpuSeconds ?? x.server.cpuSeconds), 0);
      const n = runs.reduce((s, x) => s + x.requests, 0);
      const elu = spread(runs.map((x) => x.server.eventLoopUtilization)).median;
      const stall = Math.max(...runs.map((x) => x.server.eventLoopDelayMs.max));
      // A local PostgreSQL's CPU over the same spans (verify runs only): the usage writes' cost to the database.
      const database = runs.length > 0 && runs.every((x) => x.databaseCpuSeconds !== undefined) ? runs.reduce((s, x) => s + x.databaseCpuSeconds!, 0) : null;
      const databasePart = database === null ? '' : ` (+ ${((database / n) * 1e6).toFixed(0)} µs of PostgreSQL's)`;
      const generator = spread(runs.map((x) => x.loadGeneratorCores)).median;
      return (
        `busy ${fmt.pct(elu)} (main thread ${mainThreadMicros(runs).toFixed(0)} µs/req), ${((cpu / n) * 1e6).toFixed(0)} µs CPU/req${databasePart}, ` +
        `longest event-loop stall ${fmt.ms(stall)} ms, load generator ${generator.toFixed(2)} cores`
      );
    };
    log(`  ${r.database}: verify ${per(r.rounds.map((p) => p.verify))}; bare ${per(r.rounds.map((p) => p.bare))}`);
    if (r.signed) log(`  ${r.database} signed: sigv4 ${per(r.signed.rounds.map((p) => p.verify))}; bare ${per(r.signed.rounds.map((p) => p.bare))}`);
    const backlog = Math.max(...r.rounds.map((p) => p.verify.drain?.pendingAtEnd ?? 0));
    const drain = Math.max(...r.rounds.map((p) => p.verify.drain?.seconds ?? 0));
    log(
      `  ${r.database}: attempts counted ${r.accessRecords.written.toLocaleString('en-US')} for ${r.accessRecords.verifyResponses.toLocaleString('en-US')} verify responses; largest backlog at the end of a run ${backlog.toLocaleString('en-US')} (written within ${drain.toFixed(2)} s); ${r.accessRecords.keysWithLastUsed.toLocaleString('en-US')} keys have a last-used time`,
    );
  }
  log('\nGarbage-collection pauses of the main thread at the fixed rate (scavenges: count, median, longest; mark-compacts: count, longest)');
  for (const r of reports) {
    const gc = (run: MeasuredRun) => {
      const { minor, major } = run.server.gc;
      return `scavenges ${minor.count} × ${fmt.ms(minor.p50)} ms (longest ${fmt.ms(minor.max)}), mark-compacts ${major.count} (longest ${fmt.ms(major.max)} ms)`;
    };
    log(`  ${r.database}: verify ${gc(r.fixedRate.verify)}; bare ${gc(r.fixedRate.bare)}`);
  }
  log('\nTargets');
  for (const r of reports) {
    log(
      `  ${r.database}: ratio ≥ ${TARGET_RATIO}: ${verdict(r.targets.ratio)} (${fmt.ratio(r.summary.ratio.median)}); ` +
        `p99 < ${TARGET_P99_MS} ms saturated at ${SETTINGS.connections} connections: ${verdict(r.targets.p99Saturated)} (${fmt.ms(r.summary.verify.p99)} ms); ` +
        `at ${fmt.rps(r.fixedRate.rate)} req/s: ${verdict(r.targets.p99FixedRate)} (${fmt.ms(r.fixedRate.verify.latencyMs.p99)} ms); ` +
        `the bare route itself: p99 ${fmt.ms(r.summary.bare.p99)} ms saturated, ${fmt.ms(r.fixedRate.bare.latencyMs.p99)} ms at the same rate`,
    );
    if (r.signed) {
      // A signed round saturates the verify server's main thread, so its time a request caps the ratio whatever else the machine does.
      const micros = mainThreadMicros(r.signed.rounds.map((p) => p.verify));
      const bareRps = r.signed.summary.bare.rps.median;
      log(
        `  ${r.database}: signed ratio ≥ ${TARGET_SIGNED_RATIO}: ${verdict(r.signed.target)} (${fmt.ratio(r.signed.summary.ratio.median)}); ` +
          `its main thread spends ${micros.toFixed(0)} µs a signed request, which caps the ratio at ${fmt.ratio(1e6 / micros / bareRps)} even 100% busy; ` +
          `the bar needs at most ${(1e6 / (TARGET_SIGNED_RATIO * bareRps)).toFixed(0)} µs`,
      );
    }
    for (const c of r.controls) {
      if (c.target !== null) log(`  ${r.database}: ${c.scenario} ratio ≥ ${TARGET_CONTROLS_RATIO}: ${verdict(c.target)} (${fmt.ratio(c.summary.ratio.median)})`);
      else log(`  ${r.database}: ${c.scenario}: ${fmt.rps(c.summary.verify.rps.median)} req/s, p99 ${fmt.ms(c.summary.verify.p99)} ms (reported, no bar)`);
    }
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  log(`Latchkey verify benchmark — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  log(
    `keys ${SETTINGS.keys.toLocaleString('en-US')}, ${SETTINGS.connections} connections, ${SETTINGS.rounds} rounds × ${SETTINGS.duration} s, ${SETTINGS.signedKeys.toLocaleString('en-US')} signing keys, databases ${SETTINGS.databases.join(', ')}` +
      (SETTINGS.databases.includes('postgres') ? `, PostgreSQL server ${displayUrl(adminPostgresUrl())}` : ''),
  );
  const reports: DatabaseReport[] = [];
  for (const kind of SETTINGS.databases) {
    try {
      reports.push(await benchDatabase(kind));
    } catch (error) {
      errors.push(`${kind}: ${(error as Error).stack ?? String(error)}`);
    }
  }
  if (reports.length > 0) printSummary(reports);
  const loadAfter = loadavg();
  log(`\nload average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (the load generator and both servers share these CPUs)`);

  const dir = new URL('../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`verify-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, dir);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt,
        finishedAt: new Date(),
        commit: gitCommit(),
        node: process.version,
        cpus: cpus().length,
        loadBefore,
        loadAfter,
        settings: SETTINGS,
        targets: { ratio: TARGET_RATIO, p99Ms: TARGET_P99_MS, signedRatio: TARGET_SIGNED_RATIO },
        reports,
        errors,
      },
      null,
      2,
    )}\n`,
  );
  log(`results written to ${file.pathname}`);
  if (errors.length > 0) {
    log('\nERRORS');
    for (const e of errors) log(`  ${e}`);
    process.exitCode = 1;
  }
}

await main();
