import { retryAt, windowState, type WindowCounts } from '../../core/sliding-window.js';
import type { RateLimitState } from '../../core/usage-controls.js';

/**
 * One limit a check counts against: `counter` names what is counted (a key's or an identity's
 * limit of that name and duration), `group` what it belongs to (its tenant: Redis keeps a
 * group's counters in one hash slot).
 */
export interface LimitRef {
  readonly counter: string;
  readonly group: string;
  readonly name: string;
  readonly limit: number;
  readonly durationMs: number;
}

export interface RateVerdict {
  /** True when every limit admitted the cost (and it was spent on all of them). */
  admitted: boolean;
  /** Each limit's state after the check, in the order asked. */
  states: RateLimitState[];
  /** The names of the limits that refused (empty when admitted). */
  refusedBy: string[];
  /** Refused: ms until the cost fits under every refusing limit again, if nothing else is spent. */
  retryAfterMs: number;
}

/** Where the counts live: this process (memory), Redis, or this process synchronised through the database. */
export type RateLimitMode = 'memory' | 'redis' | 'database';

/**
 * Rate limiting for verification: sliding-window counters (src/core/sliding-window.ts), all
 * limits of one check decided together (a cost is spent on all of them or on none).
 */
export interface RateLimiter {
  readonly mode: RateLimitMode;
  /** Checks answered by this process alone because Redis did not answer (redis mode; 0 otherwise). */
  readonly fallbacks: number;
  /** Syncs through the database that failed (database mode; 0 otherwise). */
  readonly syncFailures: number;
  /** Synchronous in memory and database modes; a promise through Redis. */
  check(limits: readonly LimitRef[], cost: number, now: number): RateVerdict | Promise<RateVerdict>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The verdict from each limit's counts after the check (spent or not), shared by every mode. */
export function verdictOf(limits: readonly LimitRef[], counts: readonly WindowCounts[], admitted: readonly boolean[], cost: number, now: number): RateVerdict {
  const all = admitted.every(Boolean);
  const states: RateLimitState[] = [];
  const refusedBy: string[] = [];
  let retry = 0;
  for (let i = 0; i < limits.length; i++) {
    const limit = limits[i]!;
    const c = counts[i]!;
    const state = windowState(c, limit.limit, limit.durationMs, now);
    states.push({ name: limit.name, limit: limit.limit, remaining: state.remaining, resetAt: state.resetAt });
    if (!admitted[i]) {
      refusedBy.push(limit.name);
      retry = Math.max(retry, retryAt(c, limit.limit, limit.durationMs, cost, now) - now);
    }
  }
  return { admitted: all, states, refusedBy, retryAfterMs: all ? 0 : retry };
}
