import { describe, expect, it } from 'vitest';
import { LastUsedBuffer, type LastUses, type UseSlot } from './last-used-buffer.js';

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

  describe("with a slot (the key's cache entry) holding its pending use", () => {
    const slot = (): UseSlot => ({ pendingUse: null });

    it('keeps the latest use through the slot as through the map', () => {
      const { b } = buffer();
      const k = slot();
      b.note('K', 500, '10.0.0.1', k);
      b.note('K', 900, '10.0.0.2', k);
      b.note('K', 700, '10.0.0.3', k);
      // A note without the slot (another cache entry of the same key) finds the same pending use.
      b.note('K', 800, '10.0.0.4');
      const taken = b.take(false);
      expect(times(taken)).toEqual({ K: 900 });
      expect(taken.get('K')?.ip).toBe('10.0.0.2');
    });

    it("never changes a use once handed over, and counts the slot's next use in the buffer", () => {
      const { b, advance } = buffer();
      const k = slot();
      b.note('K', 1, null, k);
      const first = b.take(false);
      // Written now; a later use must not change what that write holds, nor be lost.
      b.note('K', 2, null, k);
      expect(times(first)).toEqual({ K: 1 });
      expect(b.size).toBe(1);
      advance(MINUTE);
      const second = b.take(false);
      expect(times(second)).toEqual({ K: 2 });
      // The window's hand-over too: a use after it is the next window's.
      b.note('K', 3, null, k);
      expect(times(second)).toEqual({ K: 2 });
      expect(times(b.take(true))).toEqual({ K: 3 });
    });

    it('keeps a use noted through the slot after a failed write was taken back', () => {
      const { b } = buffer();
      const k = slot();
      b.note('K', 10, null, k);
      const failed = failedWrite(b.take(false));
      // An earlier time than the failed write's (clocks of requests in flight): the restore raises it.
      b.note('K', 5, null, k);
      b.restore(failed);
      b.note('K', 30, null, k);
      expect(times(b.take(false))).toEqual({ K: 30 });
    });
  });
});
