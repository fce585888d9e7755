import type { CreditRefill } from './usage-controls.js';

/**
 * When credits refill, in UTC only (never the machine's zone): daily at 00:00 UTC; monthly at
 * 00:00 UTC on `refillDay`, or on the month's last day when it has fewer days (31 → 30 April,
 * 28 or 29 February).
 */

/** The latest refill time at or before `now` (epoch ms). */
export function latestRefillAt(refill: CreditRefill, now: number): number {
  const d = new Date(now);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  if (refill.interval === 'daily') return Date.UTC(year, month, d.getUTCDate());
  const thisMonth = refillTimeIn(year, month, refill.refillDay ?? 1);
  return thisMonth <= now ? thisMonth : refillTimeIn(year, month - 1, refill.refillDay ?? 1);
}

/** The first refill time after `now` (epoch ms). */
export function nextRefillAt(refill: CreditRefill, now: number): number {
  const d = new Date(now);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  if (refill.interval === 'daily') return Date.UTC(year, month, d.getUTCDate() + 1);
  const thisMonth = refillTimeIn(year, month, refill.refillDay ?? 1);
  return thisMonth > now ? thisMonth : refillTimeIn(year, month + 1, refill.refillDay ?? 1);
}

/**
 * Whether a refill is due at `now` for credits last refilled (or set) at `lastRefillAt`: a
 * refill time has passed since. Null `lastRefillAt` (never refilled) means due.
 */
export function refillDue(refill: CreditRefill | null, lastRefillAt: number | null, now: number): boolean {
  if (refill === null) return false;
  return lastRefillAt === null || lastRefillAt < latestRefillAt(refill, now);
}

function refillTimeIn(year: number, month: number, day: number): number {
  // Day 0 of the next month is this month's last day (Date.UTC rolls the year over for month ±1).
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(day, last));
}
