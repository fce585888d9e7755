/**
 * Throttled guessing: failed verifications are counted per source (verifier key and end-client
 * IP) and per key ID (known or not) in sliding windows; a failure while either count is at its
 * limit answers RATE_LIMITED. A correct secret is never refused: callers only ask here once the
 * credential failed. Failures against one existing key also feed an alert window that raises
 * `key.under_attack` at most once per `alertEveryMs`.
 *
 * A sliding window is estimated from two aligned fixed windows (the current one and the one
 * before, weighted by how much of it still overlaps), so each tracked source or key costs three
 * numbers whatever the rate of the flood.
 */
import type { VerifyCode } from './verification.js';

export interface GuessLimits {
  /** Length of the window both limits count failures in. */
  windowMs: number;
  /** Failures one source may make per window before its failures answer RATE_LIMITED. */
  perSource: number;
  /** The same for one key ID, whatever the source. */
  perKey: number;
  /** Failures against one key, within `alertWindowMs`, that raise key.under_attack. */
  alertFailures: number;
  alertWindowMs: number;
  /** At most one alert per key this often. */
  alertEveryMs: number;
}

export const ALERT_EVERY_MS = 3_600_000;

/** Failures in two aligned fixed windows: the one starting at `start`, and the one before it. */
export interface WindowCount {
  start: number;
  current: number;
  previous: number;
}

/** The sources that failed most against one key (a bounded tally: the top few, approximately). */
export type SourceTally = ReadonlyArray<readonly [source: string, failures: number]>;

export interface KeyGuessState {
  failures: WindowCount;
  alert: WindowCount;
  sources: SourceTally;
  lastAlertAt: number | null;
}

export interface UnderAttack {
  /** Failures counted in the alert window when it was raised. */
  failures: number;
  windowMs: number;
  topSourceIp: string | null;
  topSourceFailures: number;
}

export interface GuessDecision {
  /** Null: answer the failure as it is. Else: answer RATE_LIMITED, retry after this long. */
  retryAfterMs: number | null;
  source: WindowCount;
  key: KeyGuessState;
  /** Set when this failure raises key.under_attack. */
  alert: UnderAttack | null;
}

/** Failures that test a key ID or a secret: what guessing looks like. */
const GUESS_CODES: ReadonlySet<VerifyCode> = new Set(['KEY_NOT_FOUND', 'SECRET_MISMATCH', 'SIGNATURE_MISMATCH']);

/**
 * Only failures of the credential itself count: a disabled or expired key, a missing permission
 * or a replay answered with a correct secret is no guess, and keeps its own answer.
 */
export function isGuess(code: VerifyCode): boolean {
  return GUESS_CODES.has(code);
}

/** Sources kept in a key's tally; the least counted is replaced when a new one comes (space-saving). */
export const TALLY_SIZE = 8;

export function rollWindow(state: WindowCount | undefined, now: number, windowMs: number): WindowCount {
  const start = now - (now % windowMs);
  if (state === undefined) return { start, current: 0, previous: 0 };
  // A clock that went back keeps counting in the window it had.
  if (start <= state.start) return state;
  if (start === state.start + windowMs) return { start, current: 0, previous: state.current };
  return { start, current: 0, previous: 0 };
}

/** Failures in the `windowMs` that ends now, estimated. */
export function estimate(state: WindowCount | undefined, now: number, windowMs: number): number {
  const w = rollWindow(state, now, windowMs);
  const elapsed = Math.min(windowMs, Math.max(0, now - w.start));
  return w.previous * (1 - elapsed / windowMs) + w.current;
}

/** How long until the estimate falls below `limit` if no further failure comes; 0 when it is below. */
export function retryAfterMs(state: WindowCount | undefined, now: number, windowMs: number, limit: number): number {
  const w = rollWindow(state, now, windowMs);
  if (estimate(w, now, windowMs) < limit) return 0;
  const elapsed = now - w.start;
  // Within this window only the previous window's share shrinks; else wait into the next one.
  const at = w.current < limit ? windowMs * (1 - (limit - w.current) / w.previous) : windowMs + windowMs * (1 - limit / w.current);
  return Math.max(1, Math.floor(at - elapsed) + 1);
}

function counted(state: WindowCount | undefined, now: number, windowMs: number): WindowCount {
  const w = rollWindow(state, now, windowMs);
  return { start: w.start, current: w.current + 1, previous: w.previous };
}

function tallied(tally: SourceTally, source: string): SourceTally {
  const index = tally.findIndex(([s]) => s === source);
  if (index >= 0) return tally.map((entry, i) => (i === index ? [source, entry[1] + 1] : entry));
  if (tally.length < TALLY_SIZE) return [...tally, [source, 1]];
  let least = 0;
  for (let i = 1; i < tally.length; i++) if (tally[i]![1] < tally[least]![1]) least = i;
  return tally.map((entry, i) => (i === least ? [source, entry[1] + 1] : entry));
}

function top(tally: SourceTally): readonly [string, number] | null {
  let best: readonly [string, number] | null = null;
  for (const entry of tally) if (best === null || entry[1] > best[1]) best = entry;
  return best;
}

const QUIET: WindowCount = Object.freeze({ start: 0, current: 0, previous: 0 });
const NO_SOURCES: SourceTally = Object.freeze([]);

export interface FailureInput {
  source: WindowCount | undefined;
  key: KeyGuessState | undefined;
  /** The end client's IP, for the alert's top source (null when unknown). */
  sourceIp: string | null;
  /** Only an existing key has someone to alert; unknown key IDs are only limited. */
  alertable: boolean;
  now: number;
  limits: GuessLimits;
}

/**
 * One failed verification: whether it answers RATE_LIMITED (its source or key was already at
 * its limit before it), the counts with it added, and whether it raises key.under_attack.
 * Throttled failures are counted too, so a flood that keeps going stays throttled.
 */
export function decideFailure(input: FailureInput): GuessDecision {
  const { now, limits } = input;
  const over = estimate(input.source, now, limits.windowMs) >= limits.perSource || estimate(input.key?.failures, now, limits.windowMs) >= limits.perKey;
  const source = counted(input.source, now, limits.windowMs);
  const failures = counted(input.key?.failures, now, limits.windowMs);
  const retry = over ? Math.max(retryAfterMs(source, now, limits.windowMs, limits.perSource), retryAfterMs(failures, now, limits.windowMs, limits.perKey), 1) : null;
  if (!input.alertable) {
    // Shared empty parts: a flood of invented key IDs costs one small window each.
    const key = { failures, alert: input.key?.alert ?? QUIET, sources: input.key?.sources ?? NO_SOURCES, lastAlertAt: input.key?.lastAlertAt ?? null };
    return { retryAfterMs: retry, source, key, alert: null };
  }
  const rolled = rollWindow(input.key?.alert, now, limits.alertWindowMs);
  // A quiet alert window starts a new episode: its top source is counted afresh.
  const fresh = rolled.current === 0 && rolled.previous === 0;
  const alertCount = counted(rolled, now, limits.alertWindowMs);
  const sources = input.sourceIp === null ? (fresh ? [] : (input.key?.sources ?? [])) : tallied(fresh ? [] : (input.key?.sources ?? []), input.sourceIp);
  const lastAlertAt = input.key?.lastAlertAt ?? null;
  const inAlertWindow = Math.floor(estimate(alertCount, now, limits.alertWindowMs));
  const raise = inAlertWindow >= limits.alertFailures && (lastAlertAt === null || now - lastAlertAt >= limits.alertEveryMs);
  const best = top(sources);
  return {
    retryAfterMs: retry,
    source,
    key: { failures, alert: alertCount, sources, lastAlertAt: raise ? now : lastAlertAt },
    alert: raise ? { failures: inAlertWindow, windowMs: limits.alertWindowMs, topSourceIp: best?.[0] ?? null, topSourceFailures: best?.[1] ?? 0 } : null,
  };
}
