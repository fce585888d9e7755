import { describe, expect, it } from 'vitest';
import { ALERT_EVERY_MS, TALLY_SIZE, decideFailure, estimate, isGuess, retryAfterMs, rollWindow, type FailureInput, type GuessDecision, type GuessLimits } from './guess-throttle.js';

const LIMITS: GuessLimits = { windowMs: 60_000, perSource: 30, perKey: 60, alertFailures: 100, alertWindowMs: 600_000, alertEveryMs: ALERT_EVERY_MS };
/** The start of a window, so counts begin in a fresh one. */
const t0 = 1_900_000_020_000 - (1_900_000_020_000 % 600_000);

/** `count` failures from one source against one key, at `now`, threading the state through. */
function fail(count: number, from: Partial<FailureInput> & { now: number }): { decisions: GuessDecision[]; last: GuessDecision } {
  const decisions: GuessDecision[] = [];
  let source = from.source;
  let key = from.key;
  for (let i = 0; i < count; i++) {
    const d = decideFailure({ source, key, sourceIp: from.sourceIp ?? '203.0.113.9', alertable: from.alertable ?? true, now: from.now, limits: from.limits ?? LIMITS });
    decisions.push(d);
    source = d.source;
    key = d.key;
  }
  return { decisions, last: decisions.at(-1)! };
}

describe('guess throttle', () => {
  it('counts only failures of the credential itself as guesses', () => {
    expect(['KEY_NOT_FOUND', 'SECRET_MISMATCH', 'SIGNATURE_MISMATCH'].every((c) => isGuess(c as never))).toBe(true);
    expect(['KEY_DISABLED', 'KEY_EXPIRED', 'PERMISSION_DENIED', 'SIGNATURE_REPLAYED', 'MALFORMED', 'REQUEST_TIME_SKEWED'].some((c) => isGuess(c as never))).toBe(false);
  });

  it('answers the first perSource failures of a source as they are, and RATE_LIMITED after', () => {
    const { decisions } = fail(35, { now: t0 });
    expect(decisions.slice(0, 30).every((d) => d.retryAfterMs === null)).toBe(true);
    expect(decisions.slice(30).every((d) => d.retryAfterMs !== null && d.retryAfterMs > 0)).toBe(true);
  });

  it('limits a key ID across sources at perKey', () => {
    let key: FailureInput['key'];
    const answers: boolean[] = [];
    // 61 sources, one failure each: no source reaches its own limit.
    for (let i = 0; i < 61; i++) {
      const d = decideFailure({ source: undefined, key, sourceIp: `198.51.100.${i}`, alertable: false, now: t0, limits: LIMITS });
      key = d.key;
      answers.push(d.retryAfterMs !== null);
    }
    expect(answers.indexOf(true)).toBe(60);
  });

  it('frees a source again once its window has passed, and says when that will be', () => {
    const { last } = fail(40, { now: t0 });
    // 40 failures at the start of a window: wait for the next window, and until 10 of them have slid out.
    expect(last.retryAfterMs).toBe(60_000 + 15_000 + 1);
    const later = t0 + last.retryAfterMs!;
    expect(estimate(last.source, later, LIMITS.windowMs)).toBeLessThan(LIMITS.perSource);
    expect(estimate(last.source, later - 2, LIMITS.windowMs)).toBeGreaterThanOrEqual(LIMITS.perSource);
    const again = decideFailure({ source: last.source, key: undefined, sourceIp: null, alertable: false, now: later, limits: LIMITS });
    expect(again.retryAfterMs).toBeNull();
    expect(decideFailure({ source: last.source, key: undefined, sourceIp: null, alertable: false, now: t0 + 121_000, limits: LIMITS }).source).toEqual({
      start: t0 + 120_000,
      current: 1,
      previous: 0,
    });
  });

  it('weighs the previous window by how much of it still overlaps', () => {
    const state = { start: t0, current: 40, previous: 0 };
    expect(estimate(state, t0 + 60_000, 60_000)).toBe(40);
    expect(estimate(state, t0 + 90_000, 60_000)).toBe(20);
    expect(estimate(state, t0 + 120_000, 60_000)).toBe(0);
    expect(retryAfterMs(state, t0 + 90_000, 60_000, 30)).toBe(0);
    // A clock that went back keeps the window it had.
    expect(rollWindow(state, t0 - 1, 60_000)).toBe(state);
  });

  it('raises key.under_attack at alertFailures, once per hour, naming the top source', () => {
    let key: FailureInput['key'];
    const alerts: GuessDecision['alert'][] = [];
    for (let i = 0; i < 150; i++) {
      const d = decideFailure({ source: undefined, key, sourceIp: i % 3 === 0 ? '192.0.2.1' : `198.51.100.${i}`, alertable: true, now: t0 + i * 1000, limits: LIMITS });
      key = d.key;
      if (d.alert) alerts.push(d.alert);
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ failures: 100, windowMs: 600_000, topSourceIp: '192.0.2.1' });
    expect(alerts[0]!.topSourceFailures).toBeGreaterThanOrEqual(34);
    expect(key!.sources.length).toBeLessThanOrEqual(TALLY_SIZE);
    // Within the hour: still none; an hour after the alert: the next one.
    expect(fail(200, { key, now: t0 + 59 * 60_000 }).decisions.some((d) => d.alert)).toBe(false);
    const next = fail(100, { key, now: t0 + 99_000 + ALERT_EVERY_MS });
    expect(next.decisions.filter((d) => d.alert)).toHaveLength(1);
  });

  it('never alerts for an unknown key ID', () => {
    expect(fail(500, { now: t0, alertable: false }).decisions.some((d) => d.alert)).toBe(false);
  });
});
