import { describe, expect, it } from 'vitest';
import { NegativeCache } from './negative-cache.js';

describe('NegativeCache', () => {
  const at = (start = 0) => {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('keeps at most max IDs, dropping the oldest first', () => {
    const clock = at();
    const cache = new NegativeCache({ max: 3, ttlMs: 1_000, now: clock.now });
    for (const id of ['a', 'b', 'c', 'd']) cache.add(id);
    expect(cache.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => cache.has(id))).toEqual([false, true, true, true]);
    // Seen again, an ID is young again: the next one pushes out the oldest other.
    cache.add('b');
    cache.add('e');
    expect(['b', 'c', 'd', 'e'].map((id) => cache.has(id))).toEqual([true, false, true, true]);
  });

  it('trusts a miss only for its time to live', () => {
    const clock = at(5_000);
    const cache = new NegativeCache({ max: 10, ttlMs: 1_000, now: clock.now });
    cache.add('a');
    clock.advance(999);
    expect(cache.has('a')).toBe(true);
    clock.advance(1);
    expect(cache.has('a')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('forgets an ID on delete (a key was created under it)', () => {
    const cache = new NegativeCache({ max: 10, ttlMs: 1_000, now: at().now });
    cache.add('a');
    cache.delete('a');
    expect(cache.has('a')).toBe(false);
  });
});
