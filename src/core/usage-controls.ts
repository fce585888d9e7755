/**
 * Usage controls: what a key (or the identity it belongs to) allows per request, beyond being
 * a real key: named rate limits, usage credits, an IP allowlist, and metadata returned on
 * verification. Pure types and rules; enforcement lives in src/services/usage-controls/.
 */

/** One named limit: at most `limit` units of cost in any window of `durationMs`. */
export interface RateLimitSpec {
  name: string;
  limit: number;
  durationMs: number;
}

export type RefillInterval = 'daily' | 'monthly';

/** Credits put back to `amount` each interval (daily at 00:00 UTC; monthly on `refillDay`, 1–31, clamped to the month's last day). */
export interface CreditRefill {
  interval: RefillInterval;
  amount: number;
  /** Monthly refills only: the day of the month (default 1). */
  refillDay?: number;
}

export interface CreditsSpec {
  /** Units left (never below zero). */
  remaining: number;
  refill: CreditRefill | null;
  /** When a refill last happened (null: never); the next one is due at the first refill time after it. */
  lastRefillAt: Date | null;
}

/**
 * The usage controls a verification checks for one key: its own, its identity's (shared by every
 * key with the same externalId in the tenant) and the tenant's defaults, already merged where
 * merging applies. A key with none of them has `null` in the key cache, so it costs nothing.
 */
export interface KeyControls {
  /** The key's own limits, or the tenant's default limits for its type when it has none. Counted per key. */
  ratelimits: readonly RateLimitSpec[];
  /** The identity's limits: counted per identity, so every key of the identity shares them. */
  identityRatelimits: readonly RateLimitSpec[];
  /** True when the key has credits of its own (null credits: unlimited). Spent through the store, never from the cache. */
  hasCredits: boolean;
  /** The key's own refill (null: none), to compute the due refill time a spend passes (see credit-refill.ts). */
  creditsRefill: CreditRefill | null;
  /** True when the key's identity has credits, spent by all its keys. */
  identityHasCredits: boolean;
  /** The identity's refill (null: none). */
  identityCreditsRefill: CreditRefill | null;
  /** CIDRs (canonical text) the end client's address must fall in: the key's own, else the tenant default; empty: any address. */
  ipAllowlist: readonly string[];
  /** Returned by verification as given (a JSON object, ≤ 4 KB serialised). */
  meta: Readonly<Record<string, unknown>> | null;
  externalId: string | null;
}

/** One limit's state as verification answers it. */
export interface RateLimitState {
  name: string;
  limit: number;
  remaining: number;
  /** Epoch milliseconds when `remaining` is back to `limit` if nothing more is spent. */
  resetAt: number;
}

export const RATE_LIMIT_MIN_DURATION_MS = 1_000;
export const RATE_LIMIT_MAX_DURATION_MS = 30 * 24 * 3_600_000;
export const META_MAX_BYTES = 4_096;
export const RATELIMITS_MAX_PER_KEY = 16;
export const IP_ALLOWLIST_MAX = 100;
export const EXTERNAL_ID_MAX_LENGTH = 128;
