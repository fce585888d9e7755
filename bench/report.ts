/** Summaries, the printed tables and the target verdicts. */
import type { LoadResult } from './load.js';
import type { ServerStats } from './child-protocol.js';

export const TARGET_RATIO = 0.8;
export const TARGET_P99_MS = 5;

export interface MeasuredRun extends LoadResult {
  server: ServerStats;
  /**
   * Verify server only: attempts not yet written when the run ended, how long they took to write,
   * and the server's CPU from the start of the run until they were written (usage writes deferred
   * past the run belong to its requests: CPU per request is counted with them).
   */
  drain?: { seconds: number; pendingAtEnd: number; cpuSeconds: number };
  /**
   * Verify server on a local PostgreSQL only: the CPU every PostgreSQL process used over the same
   * span (the run and the writing of its usage data), in seconds.
   */
  databaseCpuSeconds?: number;
}

export interface RoundPair {
  round: number;
  order: string;
  verify: MeasuredRun;
  bare: MeasuredRun;
  ratio: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Coefficient of variation (stddev / mean), a plain measure of run-to-run noise. */
  cv: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, cv: mean === 0 ? 0 : Math.sqrt(variance) / mean };
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const lpad = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmt = {
  rps: (v: number) => Math.round(v).toLocaleString('en-US'),
  ms: (v: number) => v.toFixed(2),
  ratio: (v: number) => v.toFixed(3),
  pct: (v: number) => `${(v * 100).toFixed(1)}%`,
};

/**
 * The main thread's busy time a request (µs): its event-loop busy share over the run's seconds,
 * per answer. When a server is the bottleneck this is what sets its throughput, whatever the
 * other threads and processes on the machine use.
 */
export function mainThreadMicros(runs: readonly MeasuredRun[]): number {
  const busy = runs.reduce((s, x) => s + x.server.eventLoopUtilization * x.seconds, 0);
  const answers = runs.reduce((s, x) => s + x.requests, 0);
  return answers === 0 ? 0 : (busy / answers) * 1e6;
}

export function verdict(met: boolean): string {
  return met ? 'MET' : 'MISSED';
}
