import { describe, expect, it } from 'vitest';
import { FREE_FAILURES, MAX_LOCK_MS, WINDOW_MS, afterFailure, afterRefund, retryAfterMs, type ThrottleLimits, type ThrottleState } from './login-throttle.js';

const t0 = 1_900_000_000_000;

/** Fails `count` times, one second apart, each attempt made only once any lock has run out. */
function failTimes(count: number, start = t0): { state: ThrottleState | null; now: number; locks: number[] } {
  let state: ThrottleState | null = null;
  let now = start;
  const locks: number[] = [];
  for (let i = 0; i < count; i++) {
    now = Math.max(now + 1000, state?.lockedUntil ?? 0);
    state = afterFailure(state, now);
    locks.push(retryAfterMs(state, now));
  }
  return { state, now, locks };
}

describe('login throttle', () => {
  it('lets a user who never failed sign in at once', () => {
    expect(retryAfterMs(null, t0)).toBe(0);
  });

  it('does not slow down the first FREE_FAILURES mistakes', () => {
    const { state, locks } = failTimes(FREE_FAILURES);
    expect(locks).toEqual(Array(FREE_FAILURES).fill(0));
    expect(state?.failures).toBe(FREE_FAILURES);
  });

  it('locks each further failure twice as long as the last: 1 s, 2 s, 4 s, 8 s', () => {
    const { locks } = failTimes(FREE_FAILURES + 4);
    expect(locks.slice(FREE_FAILURES)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never locks longer than MAX_LOCK_MS, however many failures', () => {
    let state: ThrottleState | null = null;
    for (let i = 0; i < 200; i++) state = afterFailure(state, t0 + i);
    expect(state!.lockedUntil - (t0 + 199)).toBe(MAX_LOCK_MS);
  });

  it('counts the wait down to zero when the lock ends', () => {
    const { state, now } = failTimes(FREE_FAILURES + 2);
    expect(retryAfterMs(state, now)).toBe(2000);
    expect(retryAfterMs(state, now + 1500)).toBe(500);
    expect(retryAfterMs(state, now + 2000)).toBe(0);
    expect(retryAfterMs(state, now + 60_000)).toBe(0);
  });

  it('starts counting afresh once the window since the first failure has passed', () => {
    const { state, now } = failTimes(FREE_FAILURES + 3);
    const later = state!.firstFailedAt + WINDOW_MS + 1;
    expect(later).toBeGreaterThan(now);
    const next = afterFailure(state, later);
    expect(next).toEqual({ failures: 1, firstFailedAt: later, lockedUntil: 0 });
  });

  it('keeps counting inside the window', () => {
    const first = afterFailure(null, t0);
    const second = afterFailure(first, t0 + WINDOW_MS);
    expect(second.failures).toBe(2);
    expect(second.firstFailedAt).toBe(t0);
  });

  it('takes its own free failures, window and longest lock (a source address gets more than a pair)', () => {
    const limits: ThrottleLimits = { freeFailures: 30, windowMs: 60_000, maxLockMs: 4000 };
    let state: ThrottleState | null = null;
    for (let i = 0; i < 30; i++) state = afterFailure(state, t0 + i, limits);
    expect(retryAfterMs(state, t0 + 29)).toBe(0);
    state = afterFailure(state, t0 + 30, limits);
    expect(retryAfterMs(state, t0 + 30)).toBe(1000);
    for (let i = 0; i < 10; i++) state = afterFailure(state, t0 + 31 + i, limits);
    expect(retryAfterMs(state, t0 + 40)).toBe(4000);
    expect(afterFailure(state, t0 + 60_001, limits)).toEqual({ failures: 1, firstFailedAt: t0 + 60_001, lockedUntil: 0 });
  });

  it('takes back a counted attempt that succeeded, and the lock it started', () => {
    const limits: ThrottleLimits = { freeFailures: 2, windowMs: WINDOW_MS, maxLockMs: MAX_LOCK_MS };
    const two = afterFailure(afterFailure(null, t0, limits), t0 + 1, limits);
    const three = afterFailure(two, t0 + 2, limits);
    expect(retryAfterMs(three, t0 + 2)).toBe(1000);
    expect(afterRefund(three, t0 + 2, limits)).toEqual({ failures: 2, firstFailedAt: t0, lockedUntil: 0 });
    // A lock set by earlier failures stays when a later attempt is taken back.
    const four = afterFailure(three, t0 + 1002, limits);
    expect(afterRefund(four, t0 + 1002, limits)).toEqual({ failures: 3, firstFailedAt: t0, lockedUntil: four.lockedUntil });
    // Nothing to take back: no row, or a window already over.
    expect(afterRefund(null, t0, limits)).toBeNull();
    expect(afterRefund(two, t0 + WINDOW_MS + 1, limits)).toBeNull();
  });
});
