/**
 * Usage control scenarios of `npm run bench` (issue 11), beside the bare route in the same run:
 * - "limit + IP": keys with one rate limit (too large to refuse anything: the cost of counting
 *   is what is measured) and an IP allowlist the load generator's address falls in;
 * - "credits" (PostgreSQL): keys with credits, spent in the database on every verification.
 * The controls are written into the seeded rows before the servers start.
 */
import type { Store } from '../src/store/store.js';
import type { ServerChild } from './children.js';
import type { BenchRequest, LoadOptions } from './load.js';
import { fmt, spread, type MeasuredRun, type RoundPair, type Spread } from './report.js';
import { BENCH_PERMISSION } from './seed.js';

/** The bar for a key with one rate limit and an IP rule, on one process. */
export const TARGET_CONTROLS_RATIO = 0.7;

export type ControlsScenario = 'limit + IP' | 'credits';

export interface ControlsReport {
  scenario: ControlsScenario;
  keys: number;
  warmUp: MeasuredRun;
  rounds: RoundPair[];
  summary: { verify: { rps: Spread; p50: number; p99: number }; bare: { rps: Spread; p50: number; p99: number }; ratio: Spread };
  /** Only for "limit + IP" (credits: reported, no bar). */
  target: boolean | null;
}

/** Every `step`-th seeded key from `offset` (distinct keys for each scenario, none of the others'). */
export function pickKeys(tokens: readonly string[], count: number, offset: number): number[] {
  const step = Math.max(1, Math.floor(tokens.length / count));
  const picked: number[] = [];
  for (let i = offset % step; i < tokens.length && picked.length < count; i += step) picked.push(i);
  return picked;
}

/** Writes the scenario's controls into the picked keys' rows (the servers are not running yet: nothing cached). */
export async function applyControls(store: Store, accessKeyIds: readonly string[], scenario: ControlsScenario): Promise<void> {
  const values =
    scenario === 'limit + IP'
      ? { ratelimits: JSON.stringify([{ name: 'per-minute', limit: 1_000_000_000, durationMs: 60_000 }]), ipAllowlist: JSON.stringify(['127.0.0.0/8', '::1/128']) }
      : { creditsRemaining: 1_000_000_000_000 };
  for (let i = 0; i < accessKeyIds.length; i += 500) {
    await store.db
      .updateTable('accessKeys')
      .set(values)
      .where('id', 'in', accessKeyIds.slice(i, i + 500))
      .execute();
  }
}

type Measure = (server: ServerChild, load: Omit<LoadOptions, 'url'>, label: string) => Promise<MeasuredRun>;

export async function benchControls(options: {
  kind: string;
  scenario: ControlsScenario;
  verify: ServerChild;
  bare: ServerChild;
  tokens: readonly string[];
  verifiers: readonly string[];
  rounds: number;
  duration: number;
  connections: number;
  measure: Measure;
  log: (line: string) => void;
}): Promise<ControlsReport> {
  const { verify, bare, measure, log, scenario } = options;
  const bodies: BenchRequest[] = options.tokens.map((token, i) => ({ body: JSON.stringify({ token, permission: BENCH_PERMISSION }), verifier: options.verifiers[i]! }));
  log(
    `${scenario}: ${bodies.length.toLocaleString('en-US')} keys with ${scenario === 'credits' ? 'credits (one guarded UPDATE per verification)' : 'one rate limit and an IP allowlist'}; bare gets the same bodies`,
  );
  const warmUp = await measure(verify, { bodies, connections: options.connections, amount: bodies.length, order: 'sequential' }, `${options.kind} ${scenario} warm-up`);
  const rounds: RoundPair[] = [];
  for (let r = 1; r <= options.rounds; r++) {
    const base = { bodies, connections: options.connections, duration: options.duration, order: 'random' as const };
    const verifyFirst = r % 2 === 1;
    const runs: Partial<Record<'verify' | 'bare', MeasuredRun>> = {};
    for (const server of verifyFirst ? [verify, bare] : [bare, verify]) {
      runs[server.name as 'verify' | 'bare'] = await measure(server, base, `${options.kind} ${scenario} round ${r} (${server.name})`);
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
      `  ${scenario} round ${r} (${pair.order}): verify ${fmt.rps(pair.verify.requestsPerSecond)} req/s p99 ${fmt.ms(pair.verify.latencyMs.p99)} ms | ` +
        `bare ${fmt.rps(pair.bare.requestsPerSecond)} req/s p99 ${fmt.ms(pair.bare.latencyMs.p99)} ms | ratio ${fmt.ratio(pair.ratio)}`,
    );
  }
  const median = (values: number[]) => spread(values).median;
  const ratio = spread(rounds.map((p) => p.ratio));
  return {
    scenario,
    keys: bodies.length,
    warmUp,
    rounds,
    summary: {
      verify: { rps: spread(rounds.map((p) => p.verify.requestsPerSecond)), p50: median(rounds.map((p) => p.verify.latencyMs.p50)), p99: median(rounds.map((p) => p.verify.latencyMs.p99)) },
      bare: { rps: spread(rounds.map((p) => p.bare.requestsPerSecond)), p50: median(rounds.map((p) => p.bare.latencyMs.p50)), p99: median(rounds.map((p) => p.bare.latencyMs.p99)) },
      ratio,
    },
    target: scenario === 'limit + IP' ? ratio.median >= TARGET_CONTROLS_RATIO : null,
  };
}
