import { describe, expect, it } from 'vitest';
import type { AccessRecord } from '../core/model.js';
import { MAX_RECORDS_PER_KEY } from '../core/policy.js';
import { HOUR_MS, MINUTE_MS } from '../core/usage.js';
import { counterDelta } from '../store/repos/access-records-repo.js';
import { cellsOf, minuteDeltas, minuteRows, recordsOf, UsageBuffer } from './usage-buffer.js';

const T0 = Date.UTC(2031, 0, 1, 10, 0, 0);
/** A kept record's time and code, read from the text the writer takes ([id, at, code, …]). */
const atOf = (text: string): number => JSON.parse(text)[1];
const codeOfText = (text: string): string | null => JSON.parse(text)[2];
let serial = 0;

function attempt(accessKeyId: string, at: number, code: string | null = null): AccessRecord {
  serial++;
  return {
    id: `acr_${String(serial).padStart(8, '0')}`,
    tenantId: 'tnt_a',
    accessKeyId,
    at: new Date(at),
    outcome: code === null ? 'success' : 'failure',
    code,
    sourceIp: '192.0.2.1',
    userAgent: 'test/1',
    scheme: 'bearer',
    permission: null,
    detail: null,
  };
}

describe('UsageBuffer', () => {
  it('counts each attempt once per key, code and minute, and keeps successes and failures apart', () => {
    const b = new UsageBuffer();
    for (const [key, at, code] of [
      ['k1', T0, null],
      ['k1', T0 + 10, null],
      ['k1', T0 + MINUTE_MS, null],
      ['k1', T0 + 20, 'SECRET_MISMATCH'],
      ['k2', T0, null],
    ] as const)
      expect(b.add(attempt(key, at, code), true, 100, 100)).toBe(true);
    expect({ attempts: b.attempts, records: b.records, cells: b.cells, keys: b.size }).toEqual({ attempts: 5, records: 5, cells: 4, keys: 2 });
    const taken = b.take();
    const [k1, k2] = taken.usages.sort((x, y) => (x.accessKeyId < y.accessKeyId ? -1 : 1));
    expect(recordsOf(taken.log, k1!, 'success').map(atOf)).toEqual([T0, T0 + 10, T0 + MINUTE_MS]);
    expect(recordsOf(taken.log, k1!, 'failure').map(codeOfText)).toEqual(['SECRET_MISMATCH']);
    expect(recordsOf(taken.log, k2!, 'failure')).toEqual([]);
    expect(k2!.attempts).toBe(1);
    expect({ attempts: b.attempts, records: b.records, cells: b.cells, keys: b.size }).toEqual({ attempts: 0, records: 0, cells: 0, keys: 0 });
  });

  it('turns a key into minute rows (an hour of minute counts), in order of start and code', () => {
    const b = new UsageBuffer();
    b.add(attempt('k1', T0 + 5 * MINUTE_MS), true, 100, 100);
    b.add(attempt('k1', T0 + 5 * MINUTE_MS + 1), true, 100, 100);
    b.add(attempt('k1', T0 + HOUR_MS + 2 * MINUTE_MS, 'KEY_DISABLED'), true, 100, 100);
    b.add(attempt('k1', T0 + HOUR_MS + 3 * MINUTE_MS), true, 100, 100);
    const rows = minuteRows(b.take().usages[0]!);
    expect(rows.map((r) => ({ start: r.start, code: r.code, counted: r.counts.flatMap((n, i) => (n > 0 ? [[i, n]] : [])) }))).toEqual([
      { start: T0, code: 'OK', counted: [[5, 2]] },
      { start: T0 + HOUR_MS, code: 'KEY_DISABLED', counted: [[2, 1]] },
      { start: T0 + HOUR_MS, code: 'OK', counted: [[3, 1]] },
    ]);
  });

  it('gives the writer only the latest records of a key (its ring size, at most MAX_RECORDS_PER_KEY), counting every attempt', () => {
    const b = new UsageBuffer();
    const n = 2 * MAX_RECORDS_PER_KEY + 5;
    for (let i = 0; i < n; i++) b.add(attempt('k1', T0 + i), true, 100, 1_000_000);
    expect(b.attempts).toBe(n);
    const taken = b.take();
    const k1 = taken.usages[0]!;
    expect(k1.successes).toBe(n);
    const ring = recordsOf(taken.log, k1, 'success');
    expect(ring.map(atOf)).toEqual(Array.from({ length: MAX_RECORDS_PER_KEY }, (_, i) => T0 + n - MAX_RECORDS_PER_KEY + i));
    expect(recordsOf(taken.log, k1, 'success', 20).map(atOf)).toEqual(Array.from({ length: 20 }, (_, i) => T0 + n - 20 + i));
  });

  it('keeps record texts as they were given: non-ASCII user agents and details, and records spread over several log segments', () => {
    const b = new UsageBuffer();
    const odd = { ...attempt('k1', T0), userAgent: 'agent/1 ünïcode — 日本語 😀', detail: { target: 'GET /ä?q=€' } };
    b.add(odd, true, 100, 1_000_000);
    // ~1,300 bytes a record: 2,000 of them fill more than two 1 MiB segments.
    const long = 'x'.repeat(1_200);
    for (let i = 0; i < 2_000; i++) b.add({ ...attempt(`k${2 + (i % 3)}`, T0 + i), userAgent: `${long}${i}` }, true, 100, 1_000_000);
    expect(b.logBytes).toBeGreaterThan(2 * 1024 * 1024);
    const taken = b.take();
    const byId = new Map(taken.usages.map((u) => [u.accessKeyId, u]));
    const [text] = recordsOf(taken.log, byId.get('k1')!, 'success');
    expect(JSON.parse(text!)[4]).toBe(odd.userAgent);
    expect(JSON.parse(JSON.parse(text!)[7])).toEqual(odd.detail);
    for (const [k, first] of [
      ['k2', 0],
      ['k3', 1],
      ['k4', 2],
    ] as const) {
      const ring = recordsOf(taken.log, byId.get(k)!, 'success', 10_000).map((t) => JSON.parse(t));
      const expected = Array.from({ length: 2_000 }, (_, i) => i).filter((i) => i % 3 === first);
      expect(ring.map((r) => r[1] - T0)).toEqual(expected);
      expect(ring.map((r) => r[4])).toEqual(expected.map((i) => `${long}${i}`));
    }
  });

  it('refuses a new counter cell past maxCells (counting nothing) and counts without detail past maxRecords', () => {
    const b = new UsageBuffer();
    expect(b.add(attempt('k1', T0), true, 1, 1)).toBe(true);
    expect(b.add(attempt('k2', T0), true, 1, 1)).toBe(false);
    expect(b.add(attempt('k1', T0 + 1), true, 1, 1)).toBe(true);
    expect({ attempts: b.attempts, records: b.records, cells: b.cells }).toEqual({ attempts: 2, records: 1, cells: 1 });
  });

  it('puts a failed write back in front of what arrived since, with its counts and records', () => {
    const b = new UsageBuffer();
    b.add(attempt('k1', T0), true, 100, 100);
    b.add(attempt('k2', T0), true, 100, 100);
    b.add(attempt('k1', T0, 'SECRET_MISMATCH'), true, 100, 100);
    const failed = b.take();
    b.add(attempt('k1', T0 + 1), true, 100, 100);
    b.restore(failed);
    b.release(failed);
    expect({ attempts: b.attempts, cells: b.cells, keys: b.size }).toEqual({ attempts: 4, cells: 3, keys: 2 });
    // The newer key's first entry stays in the log, unread, beside the merged chain of three and k2's one.
    expect(b.records).toBe(5);
    // Read after the failed write's segment is reused by the next log (written over from its start): the records were copied out of it.
    const taken = b.take();
    b.add({ ...attempt('k3', T0 + 2), userAgent: 'x'.repeat(500) }, true, 100, 100);
    const k1 = taken.usages.find((u) => u.accessKeyId === 'k1')!;
    expect(recordsOf(taken.log, k1, 'success').map(atOf)).toEqual([T0, T0 + 1]);
    expect(recordsOf(taken.log, k1, 'failure').map(codeOfText)).toEqual(['SECRET_MISMATCH']);
    expect(recordsOf(taken.log, taken.usages.find((u) => u.accessKeyId === 'k2')!, 'success').map(atOf)).toEqual([T0]);
    expect(minuteRows(k1)[0]!.counts[0]).toBe(2);
  });

  it('merges the cells of a failed write with those counted since: the same cell added up, new ones kept', () => {
    const b = new UsageBuffer();
    b.add(attempt('k1', T0), true, 100, 100);
    b.add(attempt('k1', T0 + MINUTE_MS), true, 100, 100);
    b.add(attempt('k1', T0 + MINUTE_MS, 'SECRET_MISMATCH'), true, 100, 100);
    const failed = b.take();
    b.add(attempt('k1', T0 + MINUTE_MS + 1, 'SECRET_MISMATCH'), true, 100, 100);
    b.add(attempt('k1', T0 + 2 * MINUTE_MS), true, 100, 100);
    b.restore(failed);
    expect({ attempts: b.attempts, cells: b.cells, keys: b.size }).toEqual({ attempts: 5, cells: 4, keys: 1 });
    const [k1] = b.take().usages;
    expect(cellsOf(k1!)).toEqual(['OK', T0 / MINUTE_MS, 1, 'OK', T0 / MINUTE_MS + 1, 1, 'SECRET_MISMATCH', T0 / MINUTE_MS + 1, 2, 'OK', T0 / MINUTE_MS + 2, 1]);
    expect(minuteRows(k1!).map((r) => [r.code, r.counts.slice(0, 3)])).toEqual([
      ['OK', [1, 1, 1]],
      ['SECRET_MISMATCH', [0, 2, 0]],
    ]);
  });

  it('gives the writer the same minute rows whether a key has one cell (made straight from it) or several', () => {
    const b = new UsageBuffer();
    // Keys with one attempt in every minute slot of an hour, with several in one minute, in two minutes, with two codes, across an hour.
    for (let m = 0; m < 60; m++) b.add(attempt(`one${m}`, T0 + m * MINUTE_MS + 59_999), true, 10_000, 10_000);
    for (let i = 0; i < 4; i++) b.add(attempt('same-minute', T0 + 7 * MINUTE_MS + i), true, 10_000, 10_000);
    b.add(attempt('two-minutes', T0), true, 10_000, 10_000);
    b.add(attempt('two-minutes', T0 + MINUTE_MS), true, 10_000, 10_000);
    b.add(attempt('two-codes', T0), true, 10_000, 10_000);
    b.add(attempt('two-codes', T0, 'SECRET_MISMATCH'), true, 10_000, 10_000);
    b.add(attempt('two-hours', T0 + HOUR_MS - 1), true, 10_000, 10_000);
    b.add(attempt('two-hours', T0 + HOUR_MS), true, 10_000, 10_000);
    const { usages } = b.take();
    expect(usages).toHaveLength(64);
    for (const usage of usages) expect(minuteDeltas(usage), usage.accessKeyId).toEqual(minuteRows(usage).map(counterDelta));
    const one = minuteDeltas(usages.find((u) => u.accessKeyId === 'one59')!);
    expect(one).toEqual([['one59', T0, 'OK', 1, JSON.stringify([...new Array(59).fill(0), 1])]]);
    expect(minuteDeltas(usages.find((u) => u.accessKeyId === 'same-minute')!)[0]![3]).toBe(4);
  });
});
