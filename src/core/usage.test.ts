import { describe, expect, it } from 'vitest';
import { CounterBuffer, DAY_MS, foldMinuteRows, HOUR_MS, MINUTE_MS, rangeWindow, summarise } from './usage.js';

const T = Date.UTC(2031, 2, 14, 15, 9, 26);

describe('CounterBuffer', () => {
  it('turns attempts into minute rows (an hour each) and hour rows (a UTC day each), per key and code', () => {
    const b = new CounterBuffer();
    b.add('K', 'OK', T);
    b.add('K', 'OK', T + 1);
    b.add('K', 'OK', T + MINUTE_MS);
    b.add('K', 'SECRET_MISMATCH', T + HOUR_MS);
    b.add('L', 'OK', T);
    const { minutes, hours } = b.rows();
    const hour = Math.floor(T / HOUR_MS) * HOUR_MS;
    const day = Math.floor(T / DAY_MS) * DAY_MS;
    expect(minutes.map((m) => [m.accessKeyId, m.code, m.start - hour, m.counts.filter((n) => n > 0)])).toEqual([
      ['K', 'OK', 0, [2, 1]],
      ['K', 'SECRET_MISMATCH', HOUR_MS, [1]],
      ['L', 'OK', 0, [1]],
    ]);
    expect(minutes[0]!.counts).toHaveLength(60);
    expect(minutes[0]!.counts[9]).toBe(2);
    expect(hours.map((h) => [h.accessKeyId, h.code, h.start, h.counts[15], h.counts[16]])).toEqual([
      ['K', 'OK', day, 3, 0],
      ['K', 'SECRET_MISMATCH', day, 0, 1],
      ['L', 'OK', day, 1, 0],
    ]);
  });

  it('refuses a new cell past its bound but keeps adding to cells it has; take and merge keep every count', () => {
    const b = new CounterBuffer();
    expect(b.add('K', 'OK', T, 1, 1)).toBe(true);
    expect(b.add('L', 'OK', T, 1, 1)).toBe(false);
    expect(b.add('K', 'OK', T, 1, 1)).toBe(true);
    const taken = b.take();
    expect(b.size).toBe(0);
    b.add('K', 'OK', T);
    b.merge(taken);
    expect(b.rows().minutes[0]!.counts[9]).toBe(3);
  });
});

describe('usage windows', () => {
  it('ends each range with the bucket that holds now, in whole buckets', () => {
    expect(rangeWindow('24h', new Date(T))).toEqual({ from: Date.UTC(2031, 2, 13, 15, 15), to: Date.UTC(2031, 2, 14, 15, 15), bucketMs: 15 * MINUTE_MS });
    expect(rangeWindow('7d', new Date(T))).toEqual({ from: Date.UTC(2031, 2, 7, 16), to: Date.UTC(2031, 2, 14, 16), bucketMs: HOUR_MS });
    expect(rangeWindow('90d', new Date(T))).toEqual({ from: Date.UTC(2031, 2, 15) - 90 * DAY_MS, to: Date.UTC(2031, 2, 15), bucketMs: DAY_MS });
  });

  it('folds counter slots into buckets, counting only what falls inside the window, failures by code', () => {
    const window = rangeWindow('24h', new Date(T));
    const hourBefore = Math.floor(window.from / HOUR_MS) * HOUR_MS;
    const counts = new Array<number>(60).fill(1);
    const summary = summarise(
      [
        { accessKeyId: 'K', start: hourBefore, code: 'OK', counts },
        { accessKeyId: 'K', start: hourBefore, code: 'KEY_DISABLED', counts: [5] },
        { accessKeyId: 'K', start: Math.floor(T / HOUR_MS) * HOUR_MS, code: 'SECRET_MISMATCH', counts: [0, 0, 2] },
      ],
      MINUTE_MS,
      window,
    );
    // The window starts at :15, so 45 of the 60 minutes of the first row count; the 5 at :00 do not.
    expect(summary.totals).toEqual({ success: 45, failure: 2 });
    expect(summary.failuresByCode).toEqual([{ code: 'SECRET_MISMATCH', count: 2 }]);
    expect(summary.buckets).toHaveLength(96);
    expect(summary.buckets.slice(0, 4).map((b) => b.success)).toEqual([15, 15, 15, 0]);
    expect(summary.buckets[95]).toMatchObject({ start: Date.UTC(2031, 2, 14, 15), failure: 2 });
  });
});

describe('foldMinuteRows', () => {
  it("puts each minute row's total in its hour's slot of its day, one row per key, day and code, in key order", () => {
    const day = Date.UTC(2031, 0, 2);
    const rows = foldMinuteRows([
      { accessKeyId: 'k2', start: day + 23 * HOUR_MS, code: 'OK', total: 4 },
      { accessKeyId: 'k1', start: day + 5 * HOUR_MS, code: 'OK', total: 2 },
      { accessKeyId: 'k1', start: day + 7 * HOUR_MS, code: 'OK', total: 3 },
      { accessKeyId: 'k1', start: day + DAY_MS, code: 'OK', total: 1 },
      { accessKeyId: 'k1', start: day, code: 'SECRET_MISMATCH', total: 0 },
    ]);
    const hours = (counts: number[]) => counts.flatMap((n, i) => (n > 0 ? [[i, n]] : []));
    expect(rows.map((r) => ({ key: r.accessKeyId, start: r.start, code: r.code, slots: r.counts.length, hours: hours(r.counts) }))).toEqual([
      {
        key: 'k1',
        start: day,
        code: 'OK',
        slots: 24,
        hours: [
          [5, 2],
          [7, 3],
        ],
      },
      { key: 'k1', start: day + DAY_MS, code: 'OK', slots: 24, hours: [[0, 1]] },
      { key: 'k2', start: day, code: 'OK', slots: 24, hours: [[23, 4]] },
    ]);
  });
});
