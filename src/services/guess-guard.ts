import { LRUCache } from 'lru-cache';
import { ALERT_EVERY_MS, decideFailure, isGuess, type GuessLimits, type KeyGuessState, type UnderAttack, type WindowCount } from '../core/guess-throttle.js';
import type { VerifyCode } from '../core/verification.js';
import type { AttackedKey } from './under-attack-alerts.js';

/** The LATCHKEY_GUESS_* settings. */
export interface GuessSettings {
  windowSeconds: number;
  sourceLimit: number;
  keyLimit: number;
  alertFailures: number;
  alertWindowSeconds: number;
  /** Sources, and key IDs, kept in memory at most (each its own LRU). */
  tracked: number;
}

export const DEFAULT_GUESS_SETTINGS: GuessSettings = { windowSeconds: 60, sourceLimit: 30, keyLimit: 60, alertFailures: 100, alertWindowSeconds: 600, tracked: 50_000 };

/** Who made a failed attempt: the verifier that asked (when it authenticated) and the end client's address. */
export interface GuessSource {
  sourceIp: string | null;
  verifierKeyId?: string | null | undefined;
}

const ALERT_RETRY_MS = 60_000;

/** Long enough for any verifier key ID and IP address; a longer caller-supplied value cannot grow an entry. */
const SOURCE_MAX_CHARS = 200;

/**
 * Counts failed verifications in this process's memory: per source and per key ID, each in an
 * LRU of at most `tracked` entries, so a flood of distinct sources or invented key IDs costs a
 * bounded amount of memory (the least recently failing are forgotten first; one that keeps
 * failing stays). Only failures reach it: the success path never looks here.
 *
 * Per process: N processes behind a load balancer let through up to N times the limits.
 * The alert is raised once per key per hour across processes (see UnderAttackAlerts).
 */
export class GuessGuard {
  private readonly limits: GuessLimits;
  private readonly sources: LRUCache<string, WindowCount>;
  private readonly keys: LRUCache<string, KeyGuessState>;
  private readonly onAttack: (key: AttackedKey, attack: UnderAttack) => void;

  constructor(options: { settings: GuessSettings; onAttack: (key: AttackedKey, attack: UnderAttack) => void }) {
    const s = options.settings;
    this.limits = {
      windowMs: s.windowSeconds * 1000,
      perSource: s.sourceLimit,
      perKey: s.keyLimit,
      alertFailures: s.alertFailures,
      alertWindowMs: s.alertWindowSeconds * 1000,
      alertEveryMs: ALERT_EVERY_MS,
    };
    this.sources = new LRUCache({ max: s.tracked });
    this.keys = new LRUCache({ max: s.tracked });
    this.onAttack = options.onAttack;
  }

  /**
   * A verification failed with `reason` naming `accessKeyId` (`key` when it exists). Returns null
   * when it answers as it is, or how long to wait when it answers RATE_LIMITED.
   */
  failed(reason: VerifyCode, accessKeyId: string, source: GuessSource, now: Date, key: AttackedKey | null): number | null {
    if (!isGuess(reason)) return null;
    const sourceId = `${source.verifierKeyId ?? '-'} ${source.sourceIp ?? '-'}`.slice(0, SOURCE_MAX_CHARS);
    const decision = decideFailure({
      source: this.sources.get(sourceId),
      key: this.keys.get(accessKeyId),
      sourceIp: source.sourceIp === null ? null : source.sourceIp.slice(0, SOURCE_MAX_CHARS),
      alertable: key !== null,
      now: now.getTime(),
      limits: this.limits,
    });
    this.sources.set(sourceId, decision.source);
    this.keys.set(accessKeyId, decision.key);
    if (decision.alert !== null && key !== null) this.onAttack(key, decision.alert);
    return decision.retryAfterMs;
  }

  /** An alert that could not be written (database down): try again a minute later rather than an hour. */
  alertFailed(accessKeyId: string): void {
    const state = this.keys.get(accessKeyId);
    if (state?.lastAlertAt != null) this.keys.set(accessKeyId, { ...state, lastAlertAt: state.lastAlertAt - this.limits.alertEveryMs + ALERT_RETRY_MS });
  }

  /** Entries held now (each map stays at or under `tracked`). */
  get size(): { sources: number; keys: number } {
    return { sources: this.sources.size, keys: this.keys.size };
  }
}
