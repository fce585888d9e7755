/**
 * Usage control across processes (issue 11): three `latchkey serve` processes on one PostgreSQL
 * behind a client that spreads its requests over them, as a load balancer would.
 * - Rate limits: 30 concurrent clients, 300 verifications of one key limited to 100 per 10 s:
 *   through Redis exactly 100 pass; without Redis (counts synchronised through the database)
 *   at most 3 × 100, the documented bound, and the count is reported.
 * - Credits: 1,000 concurrent verifications of a key with 500 credits: exactly 500 pass.
 * Needs Redis on 127.0.0.1:6379 (.ci/run starts it): fails, never skips, without it.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/store/store.js';
import type { UsagePatch } from '../src/store/repos/access-keys-repo.js';
import { assertBuilt, createCliWorld, initTenant, type CliWorld } from './support/cli.js';
import { http, startServerProcess, stopAllServers, type ServerProcess } from './support/process-server.js';

const WINDOW_MS = 10_000;
/** Three servers to start, up to a window to wait for, then the burst: on a loaded two-core machine. */
const TEST_TIMEOUT_MS = 120_000;
const PROCESSES = 3;

interface Setup {
  world: CliWorld;
  servers: ServerProcess[];
  token: string;
  verifier: string;
}

/** A tenant, a key with `usage` and a verifier, then three servers on the database. */
async function setUp(usage: UsagePatch, env: Record<string, string>): Promise<Setup> {
  assertBuilt();
  const world = await createCliWorld('postgres');
  worlds.push(world);
  await initTenant(world);
  const key = await world.json(['keys', 'create', '--tenant', 'acme', '--name', 'metered']);
  const verifier = (await world.json(['keys', 'create', '--tenant', 'acme', '--verifier'])).token as string;
  const store = createStore({ databaseUrl: world.env.LATCHKEY_DATABASE_URL!, dataDir: world.dataDir });
  try {
    await store.transaction((tx) => tx.accessKeys.update(key.tenantId, key.accessKeyId, 'enabled', { usage }, new Date()));
  } finally {
    await store.close();
  }
  const servers = await Promise.all(Array.from({ length: PROCESSES }, () => startServerProcess({ ...world.env, LATCHKEY_LOG_LEVEL: 'info', ...env })));
  return { world, servers, token: key.token, verifier };
}

/** `total` verifications from `clients` concurrent clients, each request to the next server in turn; the answers. */
async function burst(setup: Setup, total: number, clients: number): Promise<any[]> {
  const answers: any[] = [];
  let next = 0;
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const server = setup.servers[i % setup.servers.length]!;
      const res = await http(`${server.url}/v1/verify`, { bearer: setup.verifier, body: { token: setup.token } });
      if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${JSON.stringify(res.body)}`);
      answers.push(res.body);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return answers;
}

/** Waits for the start of a 10 s window, so the whole burst falls in one window. */
async function atWindowStart(): Promise<number> {
  const into = Date.now() % WINDOW_MS;
  if (into > 200) await new Promise((r) => setTimeout(r, WINDOW_MS - into + 20));
  return Math.floor(Date.now() / WINDOW_MS);
}

const worlds: CliWorld[] = [];
afterEach(async () => {
  await stopAllServers();
  for (const world of worlds.splice(0)) await world.cleanup();
});

const LIMIT: UsagePatch = { ratelimits: [{ name: 'per-10s', limit: 100, durationMs: WINDOW_MS }] };

describe('usage control across 3 processes on PostgreSQL', () => {
  it(
    'with Redis: 30 concurrent clients against 100 per 10 s get exactly 100 admitted',
    async () => {
      const setup = await setUp(LIMIT, { LATCHKEY_REDIS_URL: 'redis://127.0.0.1:6379', LATCHKEY_REDIS_PREFIX: `latchkey-test-${randomBytes(6).toString('hex')}:` });
      for (const server of setup.servers) expect(server.output()).toContain('rate limits are counted in Redis');
      const window = await atWindowStart();
      const answers = await burst(setup, 300, 30);
      expect(Math.floor(Date.now() / WINDOW_MS), 'the burst stayed in one window').toBe(window);
      const admitted = answers.filter((a) => a.valid).length;
      console.info(`[usage controls] Redis mode, 3 processes, 30 clients, 300 requests, limit 100/10 s: ${admitted} admitted`);
      expect(admitted).toBe(100);
      expect(answers.filter((a) => !a.valid).every((a) => a.code === 'RATE_LIMITED' && a.ratelimits[0].remaining === 0)).toBe(true);
      const metrics = await fetch(`${setup.servers[0]!.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^latchkey_ratelimit_mode\{mode="redis"\} 1$/m);
      expect(metrics).toMatch(/^latchkey_ratelimit_redis_fallbacks_total 0$/m);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'without Redis: admitted within the documented bound (at most 3 × 100), counts synchronised through the database',
    async () => {
      const setup = await setUp(LIMIT, {});
      for (const server of setup.servers) expect(server.output()).toContain('synchronised through the database');
      const window = await atWindowStart();
      const answers = await burst(setup, 300, 30);
      expect(Math.floor(Date.now() / WINDOW_MS), 'the burst stayed in one window').toBe(window);
      const admitted = answers.filter((a) => a.valid).length;
      console.info(`[usage controls] database mode (no Redis), 3 processes, 30 clients, 300 requests, limit 100/10 s: ${admitted} admitted (bound ${PROCESSES * 100})`);
      expect(admitted).toBeGreaterThanOrEqual(100);
      expect(admitted).toBeLessThanOrEqual(PROCESSES * 100);
      // Once synchronised, every process knows the window is spent.
      await new Promise((r) => setTimeout(r, 500));
      const after = await burst(setup, 30, 3);
      if (Math.floor(Date.now() / WINDOW_MS) === window) expect(after.filter((a) => a.valid)).toHaveLength(0);
      const metrics = await fetch(`${setup.servers[1]!.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^latchkey_ratelimit_mode\{mode="database"\} 1$/m);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'credits: 1,000 concurrent verifications of a key with 500 credits give exactly 500 successes',
    async () => {
      const setup = await setUp({ credits: { remaining: 500, refill: null } }, {});
      const answers = await burst(setup, 1000, 1000);
      const passed = answers.filter((a) => a.valid);
      console.info(`[usage controls] credits, 3 processes, 1,000 concurrent verifications, 500 credits: ${passed.length} successes`);
      expect(passed).toHaveLength(500);
      expect(answers.filter((a) => !a.valid).every((a) => a.code === 'USAGE_EXCEEDED' && a.credits.remaining === 0)).toBe(true);
      expect(new Set(passed.map((a) => a.credits.remaining)).size).toBe(500);
    },
    TEST_TIMEOUT_MS,
  );
});
