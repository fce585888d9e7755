/**
 * Tenant policy: the rules admins edit, their secure defaults, and the pure decisions that
 * use them (quota, expiry). Storage and HTTP only carry these values around.
 */
export interface TenantPolicy {
  /** Keys a member may hold (not deleted); null means any number. */
  memberKeyLimit: number | null;
  /** Keys an admin may hold; null means any number. */
  adminKeyLimit: number | null;
  /** Validity of a new key when the request names none; null means it never expires. */
  defaultValidityDays: number | null;
  allowNeverExpires: boolean;
  deleteRequiresDisabled: boolean;
  accessRecordRetentionDays: number;
}

export const DEFAULT_POLICY: Readonly<TenantPolicy> = Object.freeze({
  memberKeyLimit: 2,
  adminKeyLimit: null,
  defaultValidityDays: 365,
  allowNeverExpires: true,
  deleteRequiresDisabled: true,
  accessRecordRetentionDays: 90,
});

export const MAX_VALIDITY_DAYS = 3650;
export const MAX_KEY_LIMIT = 1000;
export const MAX_RETENTION_DAYS = 3650;
const DAY_MS = 86_400_000;

export type PolicyProblem = { field: keyof TenantPolicy; message: string };

/** Validates a whole policy; returns the problems found (empty when it is valid). */
export function validatePolicy(policy: TenantPolicy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const limit = (field: 'memberKeyLimit' | 'adminKeyLimit') => {
    const v = policy[field];
    if (v !== null && (!Number.isInteger(v) || v < 1 || v > MAX_KEY_LIMIT)) {
      problems.push({ field, message: `${field} must be null (any number) or an integer from 1 to ${MAX_KEY_LIMIT}` });
    }
  };
  limit('memberKeyLimit');
  limit('adminKeyLimit');
  const d = policy.defaultValidityDays;
  if (d !== null && (!Number.isInteger(d) || d < 1 || d > MAX_VALIDITY_DAYS)) {
    problems.push({ field: 'defaultValidityDays', message: `defaultValidityDays must be null (never) or 1 to ${MAX_VALIDITY_DAYS}` });
  }
  if (d === null && !policy.allowNeverExpires) {
    problems.push({ field: 'defaultValidityDays', message: 'defaultValidityDays cannot be never while allowNeverExpires is false' });
  }
  const r = policy.accessRecordRetentionDays;
  if (!Number.isInteger(r) || r < 1 || r > MAX_RETENTION_DAYS) {
    problems.push({ field: 'accessRecordRetentionDays', message: `accessRecordRetentionDays must be 1 to ${MAX_RETENTION_DAYS}` });
  }
  return problems;
}

export function keyLimitFor(role: 'admin' | 'member', policy: TenantPolicy): number | null {
  return role === 'admin' ? policy.adminKeyLimit : policy.memberKeyLimit;
}

export interface ExpiryInput {
  expiresInDays?: number | undefined;
  expiresAt?: string | undefined;
  neverExpires?: boolean | undefined;
}

export type ExpiryDecision =
  | { ok: true; expiresAt: Date | null }
  | { ok: false; code: 'INVALID_EXPIRY' | 'NEVER_EXPIRES_NOT_ALLOWED'; message: string };

/**
 * Turns the request's validity into a date (or null for never), applying the policy default
 * when the request gives none. `useDefault` is false for updates, where "nothing given" is an error.
 */
export function decideExpiry(input: ExpiryInput, policy: TenantPolicy, now: Date, useDefault = true): ExpiryDecision {
  const given = [input.expiresInDays !== undefined, input.expiresAt !== undefined, input.neverExpires !== undefined];
  const count = given.filter(Boolean).length;
  if (count > 1) return { ok: false, code: 'INVALID_EXPIRY', message: 'Give only one of expiresInDays, expiresAt and neverExpires.' };
  const maxDate = now.getTime() + MAX_VALIDITY_DAYS * DAY_MS;
  if (input.expiresInDays !== undefined) {
    const days = input.expiresInDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) {
      return { ok: false, code: 'INVALID_EXPIRY', message: `expiresInDays must be an integer from 1 to ${MAX_VALIDITY_DAYS}.` };
    }
    return { ok: true, expiresAt: new Date(now.getTime() + days * DAY_MS) };
  }
  if (input.expiresAt !== undefined) {
    const at = parseIsoDate(input.expiresAt);
    if (at === null) return { ok: false, code: 'INVALID_EXPIRY', message: 'expiresAt must be an ISO 8601 date-time with a time zone.' };
    if (at.getTime() <= now.getTime()) return { ok: false, code: 'INVALID_EXPIRY', message: 'expiresAt must be in the future.' };
    if (at.getTime() > maxDate) {
      return { ok: false, code: 'INVALID_EXPIRY', message: `expiresAt must be at most ${MAX_VALIDITY_DAYS} days from now.` };
    }
    return { ok: true, expiresAt: at };
  }
  if (input.neverExpires !== undefined) {
    if (input.neverExpires !== true) {
      return { ok: false, code: 'INVALID_EXPIRY', message: 'neverExpires can only be true; give a date or a number of days instead.' };
    }
    if (!policy.allowNeverExpires) {
      return { ok: false, code: 'NEVER_EXPIRES_NOT_ALLOWED', message: 'The tenant policy does not allow keys that never expire.' };
    }
    return { ok: true, expiresAt: null };
  }
  if (!useDefault) return { ok: false, code: 'INVALID_EXPIRY', message: 'Give one of expiresInDays, expiresAt and neverExpires.' };
  if (policy.defaultValidityDays === null) return { ok: true, expiresAt: null };
  return { ok: true, expiresAt: new Date(now.getTime() + policy.defaultValidityDays * DAY_MS) };
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseIsoDate(value: string): Date | null {
  if (!ISO_RE.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}
