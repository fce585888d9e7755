/**
 * Slowing down password guessing: after FREE_FAILURES failed sign-ins within WINDOW_MS, each
 * further failure locks the account's sign-in for twice as long as the last (1 s, 2 s, 4 s …
 * at most MAX_LOCK_MS). A success clears the count.
 */
export const FREE_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const MAX_LOCK_MS = 15 * 60_000;

export interface ThrottleState {
  failures: number;
  firstFailedAt: number;
  lockedUntil: number;
}

export function retryAfterMs(state: ThrottleState | null, now: number): number {
  if (!state) return 0;
  return Math.max(0, state.lockedUntil - now);
}

export function afterFailure(state: ThrottleState | null, now: number): ThrottleState {
  const fresh = !state || now - state.firstFailedAt > WINDOW_MS;
  const failures = fresh ? 1 : state.failures + 1;
  const firstFailedAt = fresh ? now : state.firstFailedAt;
  const over = failures - FREE_FAILURES;
  const lockMs = over <= 0 ? 0 : Math.min(MAX_LOCK_MS, 1000 * 2 ** Math.min(over - 1, 30));
  return { failures, firstFailedAt, lockedUntil: lockMs === 0 ? 0 : now + lockMs };
}
