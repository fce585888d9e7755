import { describe, expect, it } from 'vitest';
import { LastUsedBuffer, type LastUses } from './last-used-buffer.js';

const MINUTE = 60_000;

function buffer() {
  let now = 1_000_000;
  const b = new LastUsedBuffer({ intervalMs: MINUTE, now: () => now });
  return { b, advance: (ms: number) => (now += ms) };
}

const times = (uses: LastUses) => Object.fromEntries([...uses].map(([accessKeyId, use]) => [accessKeyId, use.at]));
const failedWrite = (uses: LastUses) => [...uses].map(([accessKeyId, use]) => ({ accessKeyId, at: new Date(use.at), ip: use.ip }));

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
      expect(b.take(false).size).toBe(0);
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
    expect(b.take(false).size).toBe(0);
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
    const failed = failedWrite(b.take(false));
    b.note('K', 20);
    b.restore(failed);
    b.note('L', 5);
    b.restore([{ accessKeyId: 'L', at: new Date(4), ip: null }]);
    expect(times(b.take(false))).toEqual({ K: 20, L: 5 });
  });

  it("offers a failed write again at once, also of keys handed over at a window's start, and holds them back after", () => {
    const { b, advance } = buffer();
    b.note('K', 1);
    b.take(false);
    advance(MINUTE);
    b.note('K', 2);
    b.note('L', 3);
    const failed = failedWrite(b.take(false));
    expect(failed.map((f) => f.accessKeyId).sort()).toEqual(['K', 'L']);
    b.restore(failed.filter((f) => f.accessKeyId === 'K'));
    expect(times(b.take(false))).toEqual({ K: 2 });
    b.note('K', 4);
    b.note('L', 5);
    expect(b.take(false).size).toBe(0);
  });
});
