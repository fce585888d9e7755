import { describe, expect, it } from 'vitest';
import { admits, retryAt, usedIn, windowState } from './sliding-window.js';

const D = 10_000;

describe('sliding-window counter', () => {
  it('admits up to the limit in a fresh window, and a cost only when all of it fits', () => {
    expect(admits({ current: 99, previous: 0 }, 100, D, 1, 5_000)).toBe(true);
    expect(admits({ current: 100, previous: 0 }, 100, D, 1, 5_000)).toBe(false);
    expect(admits({ current: 95, previous: 0 }, 100, D, 5, 5_000)).toBe(true);
    expect(admits({ current: 95, previous: 0 }, 100, D, 6, 5_000)).toBe(false);
  });

  it('weighs the previous window by how much of it the sliding window still covers', () => {
    // 30% into window 1: 70% of the previous window's 100 still counts.
    expect(usedIn({ current: 0, previous: 100 }, 13_000, D)).toBeCloseTo(70);
    expect(admits({ current: 29, previous: 100 }, 100, D, 1, 13_000)).toBe(true);
    expect(admits({ current: 30, previous: 100 }, 100, D, 1, 13_000)).toBe(false);
  });

  it('a cost of 0 passes exactly when a cost of 1 would', () => {
    expect(admits({ current: 99, previous: 0 }, 100, D, 0, 1)).toBe(true);
    expect(admits({ current: 100, previous: 0 }, 100, D, 0, 1)).toBe(false);
  });

  it('says what is left and when everything spent is forgotten', () => {
    expect(windowState({ current: 40, previous: 0 }, 100, D, 12_000)).toEqual({ remaining: 60, resetAt: 30_000 });
    expect(windowState({ current: 0, previous: 50 }, 100, D, 15_000)).toEqual({ remaining: 75, resetAt: 20_000 });
    expect(windowState({ current: 0, previous: 0 }, 100, D, 15_000)).toEqual({ remaining: 100, resetAt: 15_000 });
  });

  it('tells when a refused cost fits again', () => {
    // Full in a fresh window: the count has to fade in the next window (1 unit at 1% into it).
    const full = { current: 100, previous: 0 };
    const at = retryAt(full, 100, D, 1, 5_000);
    expect(at).toBe(10_100);
    expect(admits({ current: 0, previous: 100 }, 100, D, 1, at)).toBe(true);
    expect(admits({ current: 0, previous: 100 }, 100, D, 1, at - 1)).toBe(false);
    // Room in this window once the previous window's weight has faded enough.
    expect(retryAt({ current: 50, previous: 100 }, 100, D, 1, 11_000)).toBe(15_100);
    expect(retryAt(full, 100, D, 101, 5_000)).toBe(Number.POSITIVE_INFINITY);
  });
});
