/** One autocannon run against POST /v1/verify, with its own fine-grained latency histogram. */
import autocannon from 'autocannon';
import { LatencyHistogram } from './histogram.js';

/** One request of a run: its JSON body, and the verifier token it is asked with (both servers get the same bytes). */
export interface BenchRequest {
  body: string;
  verifier: string;
}

export interface LoadOptions {
  url: string;
  bodies: readonly BenchRequest[];
  connections: number;
  /** Seconds; or `amount` requests. */
  duration?: number;
  amount?: number;
  /** Requests per second over all connections (open-ish load); saturating when unset. */
  rate?: number;
  /** 'sequential' walks the bodies in order (the warm-up pass); 'random' picks uniformly. */
  order: 'sequential' | 'random';
}

export interface LoadResult {
  /** Answers received. */
  requests: number;
  /** Requests written (a few may still have been in flight when the run stopped). */
  sent: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx answers that were not `{"valid":true…}`: the server refused a good token. */
  invalid: number;
  /**
   * The load generator's own CPU over the run, in cores (CPU seconds of this process over the
   * run's seconds): near 1 it is saturated itself, and the run measures it as much as the server.
   */
  loadGeneratorCores: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { bodies } = options;
  const histogram = new LatencyHistogram();
  let next = 0;
  let invalid = 0;
  // A small xorshift: Math.random is fine too, but this keeps the load generator's own cost flat.
  let seed = 0x9e3779b9 ^ Date.now();
  const pick =
    options.order === 'sequential'
      ? () => bodies[next++ % bodies.length]!
      : () => {
          seed ^= seed << 13;
          seed ^= seed >>> 17;
          seed ^= seed << 5;
          return bodies[(seed >>> 0) % bodies.length]!;
        };
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.duration !== undefined && { duration: options.duration }),
        ...(options.amount !== undefined && { amount: options.amount }),
        ...(options.rate !== undefined && { overallRate: options.rate }),
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/v1/verify',
            setupRequest: (request) => {
              const next = pick();
              return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${next.verifier}` }, body: next.body };
            },
            onResponse: (status, body) => {
              if (status >= 200 && status < 300 && !body.startsWith('{"valid":true')) invalid++;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => histogram.record(responseTime));
  const cpuBefore = process.cpuUsage();
  const result = await done;
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requests: result.requests.total,
    sent: result.requests.sent,
    seconds,
    requestsPerSecond: result.requests.total / seconds,
    latencyMs: {
      p50: histogram.percentile(50),
      p90: histogram.percentile(90),
      p99: histogram.percentile(99),
      max: histogram.max,
      mean: histogram.mean,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    invalid,
    loadGeneratorCores: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}
