/**
 * Leak response (issue 13 part 4): what a report that a key's token was found in the wild does
 * to the key, what the scanner is told, and what the owner and admins read. Pure: the leaks
 * service finds the key and writes the decision in one transaction.
 *
 * Nothing here ever holds the token: only where it was found (url, source) and the key's ID and name.
 */
import type { KeyState } from './key-state.js';
import type { KeyRef, NotificationContent } from './notifications.js';
import type { LeakResponse } from './policy.js';
import type { VerifyCode } from './verification.js';

/** What a scanner's credential holds: it may report found tokens to POST /v1/leaks. */
export const REPORT_LEAKS_PERMISSION = 'latchkey:report-leaks';
/** Tokens one report may carry (GitHub sends a few at a time). */
export const MAX_LEAK_ITEMS = 100;
export const MAX_LEAK_URL = 2048;
export const MAX_LEAK_WORD = 100;
/** The longest token field taken: longer than any Latchkey token, so any other text is answered, not refused. */
export const MAX_LEAK_TOKEN = 1024;

export type LeakReporter = 'scanner' | 'holder';
export type LeakAction = 'disabled' | 'flagged';
/** GitHub's secret scanning partner labels. */
export type LeakLabel = 'true_positive' | 'false_positive';

/**
 * A report about a key in `state`: a deleted key needs nothing (null). Its holder revoking it,
 * or a scanner under policy `disable`, disables an enabled key; otherwise it is flagged (a key
 * already disabled stays so, flagged with where it was found).
 */
export function decideLeakAction(state: KeyState, response: LeakResponse, by: LeakReporter): LeakAction | null {
  if (state === 'deleted') return null;
  if (state === 'enabled' && (by === 'holder' || response === 'disable')) return 'disabled';
  return 'flagged';
}

/**
 * What the scanner is told: true_positive only for a key of its own tenant that the report acted
 * on. A token of another tenant's key is acted on all the same (by that tenant's policy), but
 * answered as an unknown token is, so a reporter learns nothing about other tenants' keys.
 */
export function leakLabel(reporterTenantId: string, keyTenantId: string | null, action: LeakAction | null): LeakLabel {
  return action !== null && keyTenantId === reporterTenantId ? 'true_positive' : 'false_positive';
}

/** Verification reasons that say the token's secret was not the key's (or named no key): anything else proves the token is the key's. */
const NOT_PROVEN: ReadonlySet<VerifyCode> = new Set(['MALFORMED', 'KEY_NOT_FOUND', 'SECRET_MISMATCH', 'SIGNATURE_MISMATCH']);

/** Whether a verification outcome proves the token holds the key's secret (a disabled or expired key's token does too). */
export function tokenProven(outcome: { valid: true } | { valid: false; reason: VerifyCode; key: unknown }): boolean {
  return outcome.valid || (outcome.key !== null && !NOT_PROVEN.has(outcome.reason));
}

export interface LeakFacts {
  url: string | null;
  source: string | null;
  by: LeakReporter;
  action: LeakAction;
}

/** "at https://… (content)", "(source: commit)", or nothing: where it was found, as the report said. */
function whereFound(leak: Pick<LeakFacts, 'url' | 'source'>): string {
  if (leak.url !== null) return ` at ${leak.url}${leak.source !== null ? ` (${leak.source})` : ''}`;
  return leak.source !== null ? ` (source: ${leak.source})` : '';
}

/** key.leaked, to the key's owner and the tenant's active admins (bell and mail). */
export function keyLeaked(key: KeyRef, leak: LeakFacts): NotificationContent {
  const reported =
    leak.by === 'holder'
      ? `Someone holding the token of the access key ${key.accessKeyId} (“${key.name}”) revoked it by presenting it (self-revoke).`
      : `A secret scanner reported the token of the access key ${key.accessKeyId} (“${key.name}”) found${whereFound(leak)}.`;
  const effect =
    leak.action === 'disabled'
      ? 'The key is now disabled: requests that use it fail. Remove the token from where it was found and give its users a new key.'
      : 'The tenant policy only flags leaked keys (or the key was already disabled): if it is enabled it still works. Rotate or disable it now, and remove the token from where it was found.';
  return {
    kind: 'key.leaked',
    title: leak.by === 'holder' ? `Access key “${key.name}” was revoked by its holder` : `Access key “${key.name}” was found leaked`,
    body: `${reported} ${effect}`,
    data: { accessKeyId: key.accessKeyId, url: leak.url, source: leak.source, reportedBy: leak.by, action: leak.action },
  };
}
