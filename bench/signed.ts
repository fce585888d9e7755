/**
 * The signed part of the bench: POST /v1/verify bodies holding requests signed with AWS
 * Signature V4 by the AWS SDK's own signer (@smithy/signature-v4), signed right before each run
 * so they stay inside the 5-minute skew window, and the rounds that put them side by side with
 * the bare route (which gets the very same bodies, so JSON parsing costs both the same).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseToken } from '../src/core/key-format.js';
import type { ServerChild } from './children.js';
import type { BenchRequest, LoadOptions } from './load.js';
import { fmt, spread, type MeasuredRun, type RoundPair, type Spread } from './report.js';
import { BENCH_PERMISSION } from './seed.js';

export const TARGET_SIGNED_RATIO = 0.7;

interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** The verifier token of the key's tenant. */
  verifier: string;
}

export function credentialsOf(tokens: readonly string[], count: number, verifierOf: (index: number) => string): Credential[] {
  const picked: Credential[] = [];
  const step = Math.max(1, Math.floor(tokens.length / count));
  for (let i = 0; i < tokens.length && picked.length < count; i += step) {
    const parsed = parseToken(tokens[i]!);
    if (!parsed.ok) throw new Error(`bench: seeded token ${i} does not parse`);
    picked.push({ accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secret, verifier: verifierOf(i) });
  }
  return picked;
}

/** One signed POST per key, as an API would pass it to POST /v1/verify (the body given, so it is hashed too). */
export async function signedBodies(credentials: readonly Credential[], at: Date): Promise<BenchRequest[]> {
  const bodies: BenchRequest[] = [];
  for (const [i, { verifier, ...credentials_ }] of credentials.entries()) {
    const signer = new SignatureV4({ credentials: credentials_, region: 'eu-west-1', service: 'orders', sha256: Sha256 });
    const body = JSON.stringify({ item: `sku-${i}`, quantity: 1 + (i % 5) });
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname: 'api.example.com',
      path: '/v1/orders',
      query: { dryRun: 'false' },
      headers: { host: 'api.example.com', 'content-type': 'application/json', 'user-agent': 'aws-sdk-js/3 bench' },
      body,
    });
    const signed = (await signer.sign(request, { signingDate: at })) as HttpRequest;
    const headers = Object.entries(signed.headers);
    bodies.push({ body: JSON.stringify({ request: { method: 'POST', url: '/v1/orders?dryRun=false', headers, body }, permission: BENCH_PERMISSION }), verifier });
  }
  return bodies;
}

export interface SignedReport {
  keys: number;
  signingSeconds: number;
  warmUp: MeasuredRun;
  rounds: RoundPair[];
  summary: { signed: { rps: Spread; p50: number; p99: number }; bare: { rps: Spread; p50: number; p99: number }; ratio: Spread };
  target: boolean;
}

type Measure = (server: ServerChild, load: Omit<LoadOptions, 'url'>, label: string) => Promise<MeasuredRun>;

export async function benchSigned(options: {
  kind: string;
  verify: ServerChild;
  bare: ServerChild;
  tokens: readonly string[];
  verifierOf: (index: number) => string;
  keys: number;
  rounds: number;
  duration: number;
  connections: number;
  measure: Measure;
  log: (line: string) => void;
}): Promise<SignedReport> {
  const { verify, bare, measure, log } = options;
  const credentials = credentialsOf(options.tokens, options.keys, options.verifierOf);
  let signingSeconds = 0;
  const sign = async () => {
    const started = performance.now();
    const bodies = await signedBodies(credentials, new Date());
    signingSeconds += (performance.now() - started) / 1000;
    return bodies;
  };
  log(`signed (SigV4): ${credentials.length.toLocaleString('en-US')} keys, one request each signed by @smithy/signature-v4 before every run; bare gets the same bodies`);
  const warmUp = await measure(verify, { bodies: await sign(), connections: options.connections, amount: credentials.length, order: 'sequential' }, `${options.kind} signed warm-up`);
  log(`  signed warm-up (derives each key's signing key): ${fmt.rps(warmUp.requestsPerSecond)} req/s, p99 ${fmt.ms(warmUp.latencyMs.p99)} ms`);
  const rounds: RoundPair[] = [];
  for (let r = 1; r <= options.rounds; r++) {
    const bodies = await sign();
    const base = { bodies, connections: options.connections, duration: options.duration, order: 'random' as const };
    const verifyFirst = r % 2 === 1;
    const runs: Partial<Record<'verify' | 'bare', MeasuredRun>> = {};
    for (const server of verifyFirst ? [verify, bare] : [bare, verify]) {
      runs[server.name as 'verify' | 'bare'] = await measure(server, base, `${options.kind} signed round ${r} (${server.name})`);
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
      `  signed round ${r} (${pair.order}): sigv4 ${fmt.rps(pair.verify.requestsPerSecond)} req/s p99 ${fmt.ms(pair.verify.latencyMs.p99)} ms | ` +
        `bare ${fmt.rps(pair.bare.requestsPerSecond)} req/s p99 ${fmt.ms(pair.bare.latencyMs.p99)} ms | ratio ${fmt.ratio(pair.ratio)}`,
    );
  }
  const median = (values: number[]) => spread(values).median;
  const ratio = spread(rounds.map((p) => p.ratio));
  return {
    keys: credentials.length,
    signingSeconds,
    warmUp,
    rounds,
    summary: {
      signed: { rps: spread(rounds.map((p) => p.verify.requestsPerSecond)), p50: median(rounds.map((p) => p.verify.latencyMs.p50)), p99: median(rounds.map((p) => p.verify.latencyMs.p99)) },
      bare: { rps: spread(rounds.map((p) => p.bare.requestsPerSecond)), p50: median(rounds.map((p) => p.bare.latencyMs.p50)), p99: median(rounds.map((p) => p.bare.latencyMs.p99)) },
      ratio,
    },
    target: ratio.median >= TARGET_SIGNED_RATIO,
  };
}
