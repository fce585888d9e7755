/**
 * CPU per verification in-process, without HTTP: the route's own runner (what the socket fast
 * path calls, verifier check, answer text and usage recording included) on a real runtime over a
 * fresh SQLite directory, CPU time over all the process's threads (the usage writer's included),
 * in samples of 20,000 calls whose median is reported. No load generator shares the CPUs, so
 * it resolves changes of a few per cent that the saturated HTTP bench (`npm run bench`) cannot
 * on a noisy machine; compare builds by running it on each, alternately.
 *
 *   npm run bench:cpu -- [--keys 20000] [--seconds 8] [--scenarios bearer,signed,controls]
 *
 * bearer: tokens of all keys in turn, each with its tenant's verifier; signed: SigV4 requests
 * signed by the AWS SDK's signer (2,000 keys); controls: the keys given one rate limit and an IP
 * allowlist (1,000 keys), as `npm run bench` gives them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { parseToken } from '../src/core/key-format.js';
import { createMetrics } from '../src/http/metrics.js';
import { verifyRunner, type VerifyCall } from '../src/http/routes/verify.js';
import { createLogger } from '../src/logger.js';
import { openRuntime } from '../src/main.js';
import { createStore } from '../src/store/store.js';
import { applyControls, pickKeys } from './controls.js';
import { BENCH_PERMISSION, seedKeys } from './seed.js';
import { credentialsOf, signedBodies } from './signed.js';

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '8' },
    scenarios: { type: 'string', default: 'bearer,signed,controls' },
  },
});
const KEYS = Number(values.keys);
const SECONDS = Number(values.seconds);
const SCENARIOS = values.scenarios.split(',');
const SAMPLE = 20_000;
const CONTROLLED = 1_000;

const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-bench-cpu-'));
const masterKey = randomBytes(32);
const store = createStore({ databaseUrl: null, dataDir });
await store.migrate();
const seeded = await seedKeys(store, masterKey, { keys: KEYS, tenants: 4, keysPerUser: 100 });
const controlled = pickKeys(seeded.tokens, CONTROLLED, 1);
const idOf = (token: string) => {
  const parsed = parseToken(token);
  if (!parsed.ok) throw new Error('bench: a seeded token does not parse');
  return parsed.accessKeyId;
};
await applyControls(
  store,
  controlled.map((i) => idOf(seeded.tokens[i]!)),
  'limit + IP',
);
await store.close();

process.env.LATCHKEY_DATA_DIR = dataDir;
process.env.LATCHKEY_MASTER_KEY = masterKey.toString('base64');
process.env.LATCHKEY_LOG_LEVEL = 'error';
const config = loadConfig();
const runtime = await openRuntime(config, createLogger('error', process.stderr));
const run = verifyRunner({ services: runtime.services, metrics: createMetrics(runtime.services), config });

interface Call {
  text: string;
  authorization: string;
}
const verifierOf = (i: number) => `Bearer ${seeded.verifiers[seeded.tokenTenants[i]!]!}`;
const bearerCall = (i: number): Call => ({ text: JSON.stringify({ token: seeded.tokens[i], permission: BENCH_PERMISSION }), authorization: verifierOf(i) });

async function callsOf(scenario: string): Promise<Call[]> {
  if (scenario === 'bearer') return seeded.tokens.map((_, i) => bearerCall(i));
  if (scenario === 'controls') return controlled.map(bearerCall);
  if (scenario === 'signed') {
    const credentials = credentialsOf(seeded.tokens, 2_000, (i) => seeded.verifiers[seeded.tokenTenants[i]!]!);
    return (await signedBodies(credentials, new Date())).map((b) => ({ text: b.body, authorization: `Bearer ${b.verifier}` }));
  }
  throw new Error(`bench:cpu: unknown scenario ${scenario}`);
}

/** One call as the fast path makes it: the body parsed from its text, the caller's address and agent. */
const callOf = (call: Call): VerifyCall => ({ body: JSON.parse(call.text), ip: '127.0.0.1', userAgent: 'bench-cpu/1', authorization: call.authorization });

const results: Record<string, { medianMicros: number; minMicros: number; samples: number; withWritesMicros: number }> = {};
for (const scenario of SCENARIOS) {
  const calls = await callsOf(scenario);
  // First pass: every key read into the cache (a miss answers with a promise), every answer valid.
  for (const call of calls) {
    const text = await run(callOf(call));
    if (!text.includes('"valid":true')) throw new Error(`bench:cpu: ${scenario} answered ${text}`);
  }
  // Everything the first pass left is written first, so the whole-run figure below counts only these calls' writes.
  await runtime.services.recorder.flush();
  const samples: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const whole = process.cpuUsage();
  let next = 0;
  while (performance.now() < until || samples.length < 3) {
    const before = process.cpuUsage();
    for (let i = 0; i < SAMPLE; i++) {
      // A stride through the calls, so consecutive calls are different keys.
      next = (next + 7_919) % calls.length;
      if (typeof run(callOf(calls[next]!)) !== 'string') throw new Error('bench:cpu: a cached key answered asynchronously');
    }
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / SAMPLE);
    // Let the usage writer's replies and timers in between samples.
    await new Promise((resolve) => setImmediate(resolve));
  }
  // The median sample mostly misses the usage writes (they run every few seconds, in the writer
  // thread): the whole run, its usage written to the database, says what a verification costs in all.
  await runtime.services.recorder.flush();
  const all = process.cpuUsage(whole);
  const withWritesMicros = +((all.user + all.system) / (samples.length * SAMPLE)).toFixed(1);
  samples.sort((a, b) => a - b);
  results[scenario] = { medianMicros: +samples[samples.length >> 1]!.toFixed(1), minMicros: +samples[0]!.toFixed(1), samples: samples.length, withWritesMicros };
  process.stderr.write(
    `${scenario}: ${results[scenario]!.medianMicros} µs CPU a verification (median of ${samples.length} samples of ${SAMPLE.toLocaleString('en-US')}; min ${results[scenario]!.minMicros}); ${withWritesMicros} µs with its usage written (whole run)\n`,
  );
}
await runtime.close();
await rm(dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ node: process.version, keys: KEYS, results }, null, 2)}\n`);
