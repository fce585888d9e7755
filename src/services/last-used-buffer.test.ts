import { describe, expect, it } from 'vitest';
import { LastUsedBuffer } from './last-used-buffer.js';

const MINUTE = 60_000;

function buffer() {
  let now = 1_000_000;
  const b = new LastUsedBuffer({ intervalMs: MINUTE, now: () => now });
  return { b, advance: (ms: number) => (now += ms) };
}

const times = (entries: { accessKeyId: string; at: Date }[]) => Object.fromEntries(entries.map((e) => [e.accessKeyId, e.at.getTime()]));

describe('LastUsedBuffer', () => {
  it("hands over a key's first use at once, keeping only the latest time", () => {
    const { b } = buffer();
    b.note('K1', 500);
    b.note('K1', 900);
    b.note('K1', 700);
    b.note('K2', 100);
    expect(times(b.take(false))).toEqual({ K1: 900, K2: 100 });
    expect(b.size).toBe(0);
  });

  it('holds a busy key back until a minute after its last hand-over, then hands over its latest use', () => {
    const { b, advance } = buffer();
    b.note('K', 1);
    expect(times(b.take(false))).toEqual({ K: 1 });
    for (let i = 2; i <= 5; i++) {
      advance(10_000);
      b.note('K', i);
      expect(b.take(false)).toEqual([]);
    }
    advance(20_000);
    expect(times(b.take(false))).toEqual({ K: 5 });
  });

  it('hands over held keys even when they are not used again', () => {
    const { b, advance } = buffer();
    b.note('K', 1);
    b.take(false);
    advance(1_000);
    b.note('K', 2);
    expect(b.take(false)).toEqual([]);
    advance(MINUTE);
    expect(times(b.take(false))).toEqual({ K: 2 });
  });

  it('hands over everything on an explicit flush', () => {
    const { b, advance } = buffer();
    b.note('K', 1);
    b.take(false);
    advance(1_000);
    b.note('K', 2);
    b.note('L', 3);
    expect(times(b.take(true))).toEqual({ K: 2, L: 3 });
    expect(b.size).toBe(0);
  });

  it('takes back a failed write without losing a later use, and offers it again at once', () => {
    const { b } = buffer();
    b.note('K', 10);
    const failed = b.take(false);
    b.note('K', 20);
    b.restore(failed);
    b.note('L', 5);
    b.restore([{ accessKeyId: 'L', at: new Date(4), ip: null }]);
    expect(times(b.take(false))).toEqual({ K: 20, L: 5 });
  });
});
