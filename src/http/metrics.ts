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
  const verifications = new Counter({
    name: 'latchkey_verifications_total',
    help: 'Verification outcomes by scheme and result code',
    labelNames: ['scheme', 'result'],
    registers: [registry],
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
  // Label sets repeat (a few routes × statuses, a dozen verification codes): resolve each once,
  // rather than hashing the label object on every request.
  const requestSeries = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();
  const verificationSeries = new Map<string, Counter.Internal>();
  return {
    registry,
    requests,
    verifications,
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
      const id = `${scheme} ${result}`;
      let series = verificationSeries.get(id);
      if (series === undefined) {
        series = verifications.labels({ scheme, result });
        verificationSeries.set(id, series);
      }
      series.inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
