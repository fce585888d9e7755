/**
 * Usage counters: how verification attempts are bucketed and how the buckets become the points
 * of a chart. Per key and outcome code, a minute row holds one hour as 60 minute counts (kept
 * 24 hours) and an hour row holds one UTC day as 24 hour counts (kept for the retention period),
 * so a key in steady use costs a bounded number of rows whatever its traffic.
 *
 * Writes add to minute rows only. A minute row is one hour slot of its day's hour row: when it
 * ages out (maintenance, after MINUTES_KEPT_MS) it is moved into that slot, in one transaction
 * (rollUpMinutes of the usage writer). Until then the hour view of a key is its hour rows plus its
 * minute rows folded into days (foldMinuteRows); every attempt is in exactly one of the two.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** How long minute counts are kept; a little over a day so a 24 h chart is always whole. */
export const MINUTES_KEPT_MS = 25 * HOUR_MS;

/** The code success attempts are counted under (failures use their reason code). */
export const SUCCESS_CODE = 'OK';

export type UsageRange = '24h' | '7d' | '90d';
export const USAGE_RANGES: readonly UsageRange[] = ['24h', '7d', '90d'];

/** Each range's length and the width of one chart point. */
export const RANGE_SHAPES: Readonly<Record<UsageRange, { spanMs: number; bucketMs: number }>> = Object.freeze({
  '24h': { spanMs: DAY_MS, bucketMs: 15 * MINUTE_MS },
  '7d': { spanMs: 7 * DAY_MS, bucketMs: HOUR_MS },
  '90d': { spanMs: 90 * DAY_MS, bucketMs: DAY_MS },
});

/** One stored counter row: `counts[i]` attempts in slot i (a minute of `start`'s hour, or an hour of its day). */
export interface CounterRow {
  accessKeyId: string;
  start: number;
  code: string;
  counts: number[];
}

export const codeOf = (outcome: 'success' | 'failure', code: string | null): string => (outcome === 'success' ? SUCCESS_CODE : (code ?? 'UNKNOWN'));

/**
 * Attempt counts in memory before they are written: per key, code and minute. Every attempt
 * adds one; `rows()` turns them into minute rows and hour rows (deltas, added to what is stored).
 */
export class CounterBuffer {
  private cells = new Map<string, number>();

  /** Adds `n`; returns false (and adds nothing) when that would open a cell past `maxCells`. */
  add(accessKeyId: string, code: string, atMs: number, n = 1, maxCells = Number.POSITIVE_INFINITY): boolean {
    const cell = `${accessKeyId}\n${code}\n${Math.floor(atMs / MINUTE_MS)}`;
    const before = this.cells.get(cell);
    if (before === undefined && this.cells.size >= maxCells) return false;
    this.cells.set(cell, (before ?? 0) + n);
    return true;
  }

  get size(): number {
    return this.cells.size;
  }

  /** Hands over everything counted so far and starts empty. */
  take(): CounterBuffer {
    const taken = new CounterBuffer();
    taken.cells = this.cells;
    this.cells = new Map();
    return taken;
  }

  /** Adds another buffer's counts (a failed write's, back in the buffer). */
  merge(other: CounterBuffer): void {
    for (const [cell, n] of other.cells) this.cells.set(cell, (this.cells.get(cell) ?? 0) + n);
  }

  /** Adds back the counts of a minute row (of a write that failed); returns how many attempts it held. */
  restoreMinuteRow(row: CounterRow): number {
    let attempts = 0;
    row.counts.forEach((n, slot) => {
      if (n > 0) {
        this.add(row.accessKeyId, row.code, row.start + slot * MINUTE_MS, n);
        attempts += n;
      }
    });
    return attempts;
  }

  /** Minute rows (an hour of minute counts) and hour rows (a day of hour counts), sorted by key so concurrent writers lock rows in one order. */
  rows(): { minutes: CounterRow[]; hours: CounterRow[] } {
    const minutes = new Map<string, CounterRow>();
    const hours = new Map<string, CounterRow>();
    for (const [cell, n] of this.cells) {
      const [accessKeyId, code, minuteText] = cell.split('\n') as [string, string, string];
      countInto(minutes, hours, accessKeyId, code, Number(minuteText) * MINUTE_MS, n);
    }
    const order = (a: CounterRow, b: CounterRow) =>
      a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
    return { minutes: [...minutes.values()].sort(order), hours: [...hours.values()].sort(order) };
  }
}

/**
 * Adds `n` attempts of one key and code at `atMs` to the rows they belong to: the minute row (an
 * hour of minute counts) and the hour row (a day of hour counts), made when missing. Rows are
 * keyed by key, code and start.
 */
export function countInto(minutes: Map<string, CounterRow>, hours: Map<string, CounterRow>, accessKeyId: string, code: string, atMs: number, n: number): void {
  bump(minutes, accessKeyId, code, atMs, HOUR_MS, MINUTE_MS, 60, n);
  bump(hours, accessKeyId, code, atMs, DAY_MS, HOUR_MS, 24, n);
}

function bump(rows: Map<string, CounterRow>, accessKeyId: string, code: string, at: number, rowMs: number, slotMs: number, slots: number, n: number): void {
  const start = Math.floor(at / rowMs) * rowMs;
  const id = `${accessKeyId}\n${code}\n${start}`;
  let row = rows.get(id);
  if (!row) {
    row = { accessKeyId, start, code, counts: new Array<number>(slots).fill(0) };
    rows.set(id, row);
  }
  const slot = Math.floor((at - start) / slotMs);
  row.counts[slot] = (row.counts[slot] ?? 0) + n;
}

/**
 * Adds `n` attempts of one key and code at `atMs` to its minute row (an hour of minute counts),
 * made when missing: what a usage write adds (hour rows are rolled up from minute rows).
 */
export function countMinute(minutes: Map<string, CounterRow>, accessKeyId: string, code: string, atMs: number, n: number): void {
  bump(minutes, accessKeyId, code, atMs, HOUR_MS, MINUTE_MS, 60, n);
}

/** A minute row by its total: `start` is the hour it covers. */
export interface MinuteTotal {
  accessKeyId: string;
  start: number;
  code: string;
  total: number;
}

/**
 * Minute rows as hour-row counts: each row's total in the slot of its hour, one row per key, day
 * and code (24 slots), in order of key, start and code.
 */
export function foldMinuteRows(rows: readonly MinuteTotal[]): CounterRow[] {
  const days = new Map<string, CounterRow>();
  for (const row of rows) if (row.total !== 0) bump(days, row.accessKeyId, row.code, row.start, DAY_MS, HOUR_MS, 24, row.total);
  return [...days.values()].sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)));
}

/** Adds two stored count arrays slot by slot (a missing slot counts 0). */
export function addCounts(a: readonly number[], b: readonly number[]): number[] {
  const length = Math.max(a.length, b.length);
  const sum = new Array<number>(length);
  for (let i = 0; i < length; i++) sum[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return sum;
}

/** The window a chart of `range` covers at `now`: whole buckets, the last one holding `now`. */
export function rangeWindow(range: UsageRange, now: Date): { from: number; to: number; bucketMs: number } {
  const { spanMs, bucketMs } = RANGE_SHAPES[range];
  const to = Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs;
  return { from: to - spanMs, to, bucketMs };
}

export interface UsageSummary {
  buckets: { start: number; success: number; failure: number }[];
  totals: { success: number; failure: number };
  failuresByCode: { code: string; count: number }[];
}

/**
 * Folds counter rows (each slot `slotMs` wide) into the chart's buckets over [from, to):
 * totals and failures by code count only what falls inside the window.
 */
export function summarise(rows: readonly CounterRow[], slotMs: number, window: { from: number; to: number; bucketMs: number }): UsageSummary {
  const count = Math.round((window.to - window.from) / window.bucketMs);
  const buckets = Array.from({ length: count }, (_, i) => ({ start: window.from + i * window.bucketMs, success: 0, failure: 0 }));
  const totals = { success: 0, failure: 0 };
  const byCode = new Map<string, number>();
  for (const row of rows) {
    const success = row.code === SUCCESS_CODE;
    for (let i = 0; i < row.counts.length; i++) {
      const n = row.counts[i] ?? 0;
      if (n === 0) continue;
      const at = row.start + i * slotMs;
      if (at < window.from || at >= window.to) continue;
      const bucket = buckets[Math.floor((at - window.from) / window.bucketMs)]!;
      if (success) {
        bucket.success += n;
        totals.success += n;
      } else {
        bucket.failure += n;
        totals.failure += n;
        byCode.set(row.code, (byCode.get(row.code) ?? 0) + n);
      }
    }
  }
  const failuresByCode = [...byCode].map(([code, n]) => ({ code, count: n })).sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  return { buckets, totals, failuresByCode };
}

/** Where a range's counts are read from: minute rows for 24 h, hour rows beyond. */
export function sourceOf(range: UsageRange): { table: 'minutes' | 'hours'; rowMs: number; slotMs: number } {
  return range === '24h' ? { table: 'minutes', rowMs: HOUR_MS, slotMs: MINUTE_MS } : { table: 'hours', rowMs: DAY_MS, slotMs: HOUR_MS };
}
