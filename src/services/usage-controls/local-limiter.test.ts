import { describe, expect, it } from 'vitest';
import { LocalRateLimiter } from './local-limiter.js';
import type { LimitRef } from './rate-limiter.js';

const T0 = Date.UTC(2030, 0, 1); // a window boundary for every duration used here
const limit = (counter: string, n: number, durationMs = 10_000, name = counter): LimitRef => ({ counter, group: 'tenant', name, limit: n, durationMs });

describe('LocalRateLimiter (one process)', () => {
  it('admits exactly the limit in a window, then refuses with when to retry', () => {
    const limiter = new LocalRateLimiter();
    const perKey = [limit('k', 100)];
    let admitted = 0;
    for (let i = 0; i < 250; i++) if (limiter.check(perKey, 1, T0 + i).admitted) admitted++;
    expect(admitted).toBe(100);
    const refused = limiter.check(perKey, 1, T0 + 1_000);
    expect(refused).toMatchObject({ admitted: false, refusedBy: ['k'], states: [{ name: 'k', limit: 100, remaining: 0, resetAt: T0 + 20_000 }] });
    expect(refused.retryAfterMs).toBe(T0 + 10_100 - (T0 + 1_000));
  });

  it('spends a cost on every limit of a check or on none', () => {
    const limiter = new LocalRateLimiter();
    const both = [limit('second', 10, 1_000), limit('minute', 15, 60_000)];
    expect(limiter.check(both, 10, T0).admitted).toBe(true);
    // The per-second limit refuses: the per-minute one is not spent either.
    const refused = limiter.check(both, 5, T0 + 10);
    expect(refused.admitted).toBe(false);
    expect(refused.refusedBy).toEqual(['second']);
    expect(refused.states[1]).toMatchObject({ name: 'minute', remaining: 5 });
    // A second later the per-second window has moved on; the minute still has its 5.
    expect(limiter.check(both, 5, T0 + 2_000)).toMatchObject({ admitted: true, states: [{ remaining: 5 }, { remaining: 0 }] });
    expect(limiter.check(both, 1, T0 + 2_001)).toMatchObject({ admitted: false, refusedBy: ['minute'] });
  });

  it('checks without spending at cost 0', () => {
    const limiter = new LocalRateLimiter();
    const one = [limit('k', 2)];
    for (let i = 0; i < 5; i++) expect(limiter.check(one, 0, T0).states[0]!.remaining).toBe(2);
    limiter.check(one, 2, T0);
    expect(limiter.check(one, 0, T0).admitted).toBe(false);
  });

  it('slides: the previous window counts by the part of it still covered', () => {
    const limiter = new LocalRateLimiter();
    const one = [limit('k', 100)];
    limiter.check(one, 100, T0 + 9_000);
    // 50% into the next window half of the 100 still counts: 50 more fit, not 51.
    expect(limiter.check(one, 50, T0 + 15_000).admitted).toBe(true);
    expect(limiter.check(one, 1, T0 + 15_000).admitted).toBe(false);
  });

  it('forgets counters whose windows are over, and never keeps more than its bound', () => {
    const limiter = new LocalRateLimiter({ max: 3 });
    for (const id of ['a', 'b', 'c']) limiter.check([limit(id, 5)], 1, T0);
    expect(limiter.size).toBe(3);
    limiter.check([limit('d', 5)], 1, T0);
    expect(limiter.size).toBe(3);
    expect(limiter.sweep(T0 + 19_999)).toBe(0);
    expect(limiter.sweep(T0 + 20_000)).toBe(3);
    expect(limiter.size).toBe(0);
    // A forgotten counter starts afresh: it counted nothing any more anyway.
    expect(limiter.check([limit('a', 5)], 5, T0 + 20_000).admitted).toBe(true);
  });
});
