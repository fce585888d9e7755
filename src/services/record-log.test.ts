import { describe, expect, it } from 'vitest';
import { MAX_SEGMENTS, NO_ENTRY, RecordLog, SEGMENT_BYTES, SegmentPool } from './record-log.js';

describe('RecordLog', () => {
  it('chains entries per key and reads back the latest ones, oldest first, across segments', () => {
    const log = new RecordLog(new SegmentPool());
    let a = NO_ENTRY;
    let b = NO_ENTRY;
    const big = 'y'.repeat(40_000);
    for (let i = 0; i < 60; i++) {
      a = log.append(`a${i}${big}`, a);
      b = log.append(`b${i}`, b);
    }
    expect(log.entries).toBe(120);
    expect(log.bytes).toBe(3 * SEGMENT_BYTES);
    expect(log.chain(a, 100)).toEqual(Array.from({ length: 60 }, (_, i) => `a${i}${big}`));
    expect(log.chain(b, 3)).toEqual(['b57', 'b58', 'b59']);
    expect(log.chain(NO_ENTRY, 3)).toEqual([]);
  });

  it('refuses, appending nothing, a text larger than a segment and any entry once it holds its segments', () => {
    const log = new RecordLog(new SegmentPool(), 2);
    expect(log.append('z'.repeat(SEGMENT_BYTES), NO_ENTRY)).toBe(NO_ENTRY);
    // Three texts of ~0.6 MiB: two segments hold two of them.
    const text = 'w'.repeat(600_000);
    let last = log.append(text, NO_ENTRY);
    last = log.append(text, last);
    expect(log.append(text, last)).toBe(NO_ENTRY);
    expect(log.entries).toBe(2);
    expect(log.chain(last, 10)).toEqual([text, text]);
    expect(MAX_SEGMENTS * SEGMENT_BYTES).toBeLessThan(2 ** 31);
  });

  it('gives its segments to the next log once released, which writes over them', () => {
    const pool = new SegmentPool();
    const first = new RecordLog(pool);
    first.append('first', NO_ENTRY);
    first.release();
    expect({ entries: first.entries, bytes: first.bytes, spares: pool.spares }).toEqual({ entries: 0, bytes: 0, spares: 1 });
    const next = new RecordLog(pool);
    const at = next.append('second', NO_ENTRY);
    expect(pool.spares).toBe(0);
    expect(next.chain(at, 1)).toEqual(['second']);
  });
});
