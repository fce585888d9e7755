import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Services } from '../services/services.js';

/** Prometheus metrics of one process; each app has its own registry. */
export function createMetrics(services: Services) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  const requests = new Histogram({
    name: 'latchkey_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  // The verification routes count in plain numbers (one increment, no label hashing, no
  // histogram); the registry reads them only when /metrics is scraped.
  const verificationCounts = new Map<string, Map<string, number>>();
  const answerCounts = new Map<string, Map<number, number>>();
  const verifications = new Counter({
    name: 'latchkey_verifications_total',
    help: 'Verification outcomes by scheme and result code',
    labelNames: ['scheme', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [scheme, results] of verificationCounts) for (const [result, n] of results) this.inc({ scheme, result }, n);
    },
  });
  new Gauge({
    name: 'latchkey_key_cache_entries',
    help: 'Keys in the verification cache',
    registers: [registry],
    collect() {
      this.set(services.keyCache.size);
    },
  });
  new Gauge({
    name: 'latchkey_access_records_pending',
    help: 'Access records waiting to be written',
    registers: [registry],
    collect() {
      this.set(services.recorder.pending);
    },
  });
  new Gauge({
    name: 'latchkey_sign_in_checks_in_flight',
    help: 'Sign-ins whose password is being checked now (at most LATCHKEY_LOGIN_HASH_CONCURRENCY)',
    registers: [registry],
    collect() {
      this.set(services.auth.hashes.inFlight);
    },
  });
  new Counter({
    name: 'latchkey_sign_in_busy_total',
    help: 'Sign-ins answered 503 SIGN_IN_BUSY: the line for a password check was full or too slow',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(services.auth.hashes.refused);
    },
  });
  const limiter = services.usageGate.limiter;
  new Gauge({
    name: 'latchkey_ratelimit_mode',
    help: 'Where rate limits are counted: 1 for the mode in use (memory: this process; redis: exact across processes; database: synchronised through PostgreSQL)',
    labelNames: ['mode'],
    registers: [registry],
    collect() {
      for (const mode of ['memory', 'redis', 'database'] as const) this.set({ mode }, mode === limiter.mode ? 1 : 0);
    },
  });
  new Counter({
    name: 'latchkey_ratelimit_redis_fallbacks_total',
    help: 'Rate-limit checks counted in this process because Redis did not answer (fail open to per-process limits)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(limiter.fallbacks);
    },
  });
  new Counter({
    name: 'latchkey_ratelimit_sync_failures_total',
    help: 'Syncs of rate-limit counts through the database that failed (the counts stay local until one succeeds)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(limiter.syncFailures);
    },
  });
  // Label sets repeat (a few routes × statuses): resolve each once, rather than hashing the
  // label object on every request.
  const requestSeries = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  const answers = new Counter({
    name: 'latchkey_verification_requests_total',
    help: 'Answers of /v1/verify and /v1/authorize by route and HTTP status (these routes are not in the request duration histogram)',
    labelNames: ['route', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [route, statuses] of answerCounts) for (const [status, n] of statuses) this.inc({ route, status: String(status) }, n);
    },
  });
  let fastAnswers = 0;
  let wireAnswers = 0;
  new Counter({
    name: 'latchkey_verify_fast_path_total',
    help: "Requests to /v1/verify answered without the framework (plain JSON bodies of a declared length), by reader: wire (read from the connection's bytes) or http (read by node:http); the others went through the framework",
    labelNames: ['reader'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ reader: 'wire' }, wireAnswers);
      this.inc({ reader: 'http' }, fastAnswers);
    },
  });
  return {
    registry,
    requests,
    verifications,
    answers,
    observeRequest(method: string, route: string, status: number, seconds: number): void {
      const id = `${method} ${status} ${route}`;
      let series = requestSeries.get(id);
      if (series === undefined) {
        series = requests.labels({ method, route, status: String(status) });
        requestSeries.set(id, series);
      }
      series.observe(seconds);
    },
    countVerification(scheme: string, result: string): void {
      let results = verificationCounts.get(scheme);
      if (results === undefined) {
        results = new Map();
        verificationCounts.set(scheme, results);
      }
      results.set(result, (results.get(result) ?? 0) + 1);
    },
    /** A request the fast path took from node:http (see fast-verify.ts). */
    countFastPath(): void {
      fastAnswers++;
    },
    /** A request read and answered from the connection's bytes (see wire-verify.ts). */
    countWire(): void {
      wireAnswers++;
    },
    /** One answer of a verification route (`/v1/verify`, `/v1/authorize`). */
    countAnswer(route: string, status: number): void {
      let statuses = answerCounts.get(route);
      if (statuses === undefined) {
        statuses = new Map();
        answerCounts.set(route, statuses);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
