/**
 * Step-up verification: a console session proves again who is behind it (an emailed code or an
 * authenticator code) before creating, revealing, rotating or re-enabling a key. These are the
 * decisions; the session row in the database holds the state, so every process agrees.
 */
import type { StepUpMethod, TenantPolicy } from './policy.js';

export const EMAIL_CODE_TTL_MS = 10 * 60_000;
export const EMAIL_CODE_MAX_TRIES = 5;
/** One code mail per session every 30 s: a loop cannot flood a mailbox or the SMTP relay. */
export const STEP_UP_START_INTERVAL_MS = 30_000;

/** What a session row remembers of its last successful verification. */
export interface StepUpVerification {
  verifiedAt: Date | null;
  method: StepUpMethod | null;
}

/**
 * Until when the session counts as verified, under the policy as it is now: a verification
 * made with another method (the policy changed since) counts for nothing, and a shorter
 * stepUpMinutes takes effect at once.
 */
export function verifiedUntil(policy: TenantPolicy, state: StepUpVerification): Date | null {
  if (policy.stepUp === 'none' || state.verifiedAt === null || state.method !== policy.stepUp) return null;
  return new Date(state.verifiedAt.getTime() + policy.stepUpMinutes * 60_000);
}

export function isVerified(policy: TenantPolicy, state: StepUpVerification, now: Date): boolean {
  const until = verifiedUntil(policy, state);
  return until !== null && until.getTime() > now.getTime();
}

export interface StepUpStatus {
  method: StepUpMethod;
  verifiedUntil: Date | null;
  required: boolean;
}

export function stepUpStatus(policy: TenantPolicy, state: StepUpVerification, now: Date): StepUpStatus {
  const verified = isVerified(policy, state, now);
  return { method: policy.stepUp, verifiedUntil: verified ? verifiedUntil(policy, state) : null, required: policy.stepUp !== 'none' && !verified };
}

/** Milliseconds until another code may be sent (0: now). */
export function startWaitMs(lastSentAt: Date | null, now: Date): number {
  if (lastSentAt === null) return 0;
  return Math.max(0, lastSentAt.getTime() + STEP_UP_START_INTERVAL_MS - now.getTime());
}

/** The pending email code of a session, as stored (a digest, never the code). */
export interface PendingCode {
  digest: string | null;
  expiresAt: Date | null;
  wrongTries: number;
}

export type CodeStanding = 'none' | 'expired' | 'exhausted' | 'open';

/** Whether a pending code may still be tried: there is one, it has not lapsed, tries are left. */
export function codeStanding(code: PendingCode, now: Date): CodeStanding {
  if (code.digest === null || code.expiresAt === null) return 'none';
  if (code.wrongTries >= EMAIL_CODE_MAX_TRIES) return 'exhausted';
  if (code.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'open';
}

/** "ann@example.com" → "a•••@example.com": enough to recognise the address, not to harvest it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}
