import { describe, expect, it } from 'vitest';
import { latestRefillAt, nextRefillAt, refillDue } from './credit-refill.js';

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

describe('credit refill times (UTC only)', () => {
  it('daily: at 00:00 UTC', () => {
    const daily = { interval: 'daily', amount: 10 } as const;
    expect(latestRefillAt(daily, utc(2031, 3, 5, 23, 59))).toBe(utc(2031, 3, 5));
    expect(latestRefillAt(daily, utc(2031, 3, 5))).toBe(utc(2031, 3, 5));
    expect(nextRefillAt(daily, utc(2031, 3, 5))).toBe(utc(2031, 3, 6));
    expect(nextRefillAt(daily, utc(2031, 12, 31, 12))).toBe(utc(2032, 1, 1));
  });

  it('monthly: on refillDay, clamped to the month’s last day', () => {
    const on31 = { interval: 'monthly', amount: 10, refillDay: 31 } as const;
    expect(latestRefillAt(on31, utc(2031, 4, 30, 1))).toBe(utc(2031, 4, 30));
    expect(latestRefillAt(on31, utc(2031, 4, 29))).toBe(utc(2031, 3, 31));
    expect(latestRefillAt(on31, utc(2032, 2, 29, 5))).toBe(utc(2032, 2, 29));
    expect(nextRefillAt(on31, utc(2031, 2, 1))).toBe(utc(2031, 2, 28));
    const on15 = { interval: 'monthly', amount: 10, refillDay: 15 } as const;
    expect(latestRefillAt(on15, utc(2031, 1, 10))).toBe(utc(2030, 12, 15));
    expect(nextRefillAt(on15, utc(2031, 12, 15))).toBe(utc(2032, 1, 15));
    expect(latestRefillAt({ interval: 'monthly', amount: 1 }, utc(2031, 6, 1, 0, 1))).toBe(utc(2031, 6, 1));
  });

  it('is due once a refill time has passed since the last refill, or when there was none', () => {
    const daily = { interval: 'daily', amount: 10 } as const;
    expect(refillDue(null, null, utc(2031, 1, 1))).toBe(false);
    expect(refillDue(daily, null, utc(2031, 1, 1))).toBe(true);
    expect(refillDue(daily, utc(2031, 1, 1, 0, 5), utc(2031, 1, 1, 23))).toBe(false);
    expect(refillDue(daily, utc(2031, 1, 1, 23), utc(2031, 1, 2, 0, 1))).toBe(true);
  });
});
