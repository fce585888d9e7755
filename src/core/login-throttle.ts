/**
 * Slowing down password guessing: after `freeFailures` failed attempts within `windowMs`, each
 * further failure locks the subject for twice as long as the last (1 s, 2 s, 4 s … at most
 * `maxLockMs`). A success clears the count. Sign-in counts several subjects at once, each with
 * its own free failures (see LoginLimits); authenticator codes use the defaults below.
 */
export const FREE_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
export const MAX_LOCK_MS = 15 * 60_000;

export interface ThrottleState {
  failures: number;
  firstFailedAt: number;
  lockedUntil: number;
}

export interface ThrottleLimits {
  freeFailures: number;
  windowMs: number;
  maxLockMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { freeFailures: FREE_FAILURES, windowMs: WINDOW_MS, maxLockMs: MAX_LOCK_MS };

export function retryAfterMs(state: ThrottleState | null, now: number): number {
  if (!state) return 0;
  return Math.max(0, state.lockedUntil - now);
}

function lockFor(failures: number, now: number, limits: ThrottleLimits): number {
  const over = failures - limits.freeFailures;
  const lockMs = over <= 0 ? 0 : Math.min(limits.maxLockMs, 1000 * 2 ** Math.min(over - 1, 30));
  return lockMs === 0 ? 0 : now + lockMs;
}

export function afterFailure(state: ThrottleState | null, now: number, limits: ThrottleLimits = DEFAULT_LIMITS): ThrottleState {
  const fresh = !state || now - state.firstFailedAt > limits.windowMs;
  const failures = fresh ? 1 : state.failures + 1;
  const firstFailedAt = fresh ? now : state.firstFailedAt;
  return { failures, firstFailedAt, lockedUntil: lockFor(failures, now, limits) };
}

/**
 * Takes back one counted attempt that turned out right (a subject shared by many people, such
 * as a source address, should only count failures); the lock it may have set goes with it.
 * Null when there is nothing to take back.
 */
export function afterRefund(state: ThrottleState | null, now: number, limits: ThrottleLimits = DEFAULT_LIMITS): ThrottleState | null {
  if (!state || state.failures === 0 || now - state.firstFailedAt > limits.windowMs) return null;
  const failures = state.failures - 1;
  return { failures, firstFailedAt: state.firstFailedAt, lockedUntil: failures > limits.freeFailures ? state.lockedUntil : 0 };
}
