import { afterFailure, afterRefund, DEFAULT_LIMITS, retryAfterMs, type ThrottleLimits } from '../core/login-throttle.js';
import type { LoginFailuresRepo } from '../store/repos/login-failures-repo.js';

/** Rounds of read and guarded write an attempt tries before it counts as part of a burst. */
const CLAIM_TRIES = 8;
/** The wait given to an attempt that lost every round: other attempts on the subject are racing it. */
const BURST_WAIT_MS = 1000;

/**
 * The brake on guessing (passwords, authenticator codes): counts an attempt as a failure
 * *before* it is checked, and the caller clears the count when it succeeds. The count is
 * written with a guarded update, so attempts sent in parallel each take their own place in it:
 * past the free failures they meet the lock, instead of all passing on one reading. Returns 0
 * when the attempt may go on, else how many milliseconds the subject must wait.
 */
export async function claimAttempt(failures: LoginFailuresRepo, subject: string, now: number, limits: ThrottleLimits = DEFAULT_LIMITS): Promise<number> {
  for (let round = 0; round < CLAIM_TRIES; round++) {
    const state = await failures.get(subject);
    const wait = retryAfterMs(state, now);
    if (wait > 0) return wait;
    if (await failures.replace(subject, state, afterFailure(state, now, limits))) return 0;
  }
  return BURST_WAIT_MS;
}

/** How long `subject` must still wait (0: not locked), without counting anything. */
export async function lockedFor(failures: LoginFailuresRepo, subject: string, now: number): Promise<number> {
  return retryAfterMs(await failures.get(subject), now);
}

/** Takes back one attempt claimed on `subject` that succeeded (see afterRefund); gives up quietly under a burst. */
export async function refundAttempt(failures: LoginFailuresRepo, subject: string, now: number, limits: ThrottleLimits = DEFAULT_LIMITS): Promise<void> {
  for (let round = 0; round < CLAIM_TRIES; round++) {
    const state = await failures.get(subject);
    const next = afterRefund(state, now, limits);
    if (next === null || (await failures.replace(subject, state, next))) return;
  }
}
