/**
 * The rate-limit arithmetic, the same in every mode (in memory, through Redis's Lua script,
 * synchronised through the database): a sliding-window counter. Time is cut into windows of
 * the limit's duration D aligned on the epoch (window n covers [n·D, (n+1)·D)), so every process
 * and Redis agree on them without talking. A check at time t in window n estimates the cost
 * spent in the last D milliseconds as
 *
 *   used = previous · (D − (t − n·D)) / D + current
 *
 * (the previous window's count weighted by how much of it the sliding window still covers) and
 * admits a cost c when used + max(c, 1) ≤ limit: a cost of 0 is admitted when a cost of 1 would
 * be, and consumes nothing. The Redis script (redis-limiter.ts) repeats `admits` in Lua: keep them alike.
 */

export interface WindowCounts {
  /** Cost admitted in the current window. */
  current: number;
  /** Cost admitted in the window before it. */
  previous: number;
}

export function windowIndex(now: number, durationMs: number): number {
  return Math.floor(now / durationMs);
}

/** The estimate of the cost spent in the sliding window ending at `now`. */
export function usedIn(counts: WindowCounts, now: number, durationMs: number): number {
  const start = Math.floor(now / durationMs) * durationMs;
  return (counts.previous * (durationMs - (now - start))) / durationMs + counts.current;
}

/** Whether `cost` fits under `limit` now (every limit of a check must admit before any is spent). */
export function admits(counts: WindowCounts, limit: number, durationMs: number, cost: number, now: number): boolean {
  return usedIn(counts, now, durationMs) + Math.max(cost, 1) <= limit;
}

/** What an answer says of one limit, given its counts after the check: whole units left, and when all is forgotten. */
export function windowState(counts: WindowCounts, limit: number, durationMs: number, now: number): { remaining: number; resetAt: number } {
  const start = Math.floor(now / durationMs) * durationMs;
  const remaining = Math.max(0, Math.floor(limit - usedIn(counts, now, durationMs)));
  const resetAt = counts.current > 0 ? start + 2 * durationMs : counts.previous > 0 ? start + durationMs : now;
  return { remaining, resetAt };
}

/**
 * When `cost` fits again if nothing else is spent (epoch ms): later in this window as the
 * previous window's weight fades, else in the next one as this window's count fades in turn.
 * Infinity when it never can (a cost above the limit).
 */
export function retryAt(counts: WindowCounts, limit: number, durationMs: number, cost: number, now: number): number {
  const asked = Math.max(cost, 1);
  if (asked > limit) return Number.POSITIVE_INFINITY;
  const start = Math.floor(now / durationMs) * durationMs;
  const roomNow = limit - counts.current - asked;
  if (roomNow >= 0 && counts.previous > 0) return Math.max(now, Math.ceil(start + durationMs * (1 - roomNow / counts.previous)));
  const roomNext = limit - asked;
  if (counts.current <= roomNext) return start + durationMs;
  return Math.ceil(start + durationMs + durationMs * (1 - roomNext / counts.current));
}
