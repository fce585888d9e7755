import { checkIpAllowlist, checkRatelimits } from './usage-controls-input.js';
import { IP_ALLOWLIST_MAX, RATELIMITS_MAX_PER_KEY, type RateLimitSpec } from './usage-controls.js';

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
  /**
   * Detailed attempts kept per key and outcome (successes and failures in rings of their own,
   * so a flood of successes never hides the latest failures); everything is counted regardless.
   */
  accessRecordsPerKey: number;
  /** Whether a key's secret can be shown again after creation (only after step-up verification). */
  secretReveal: SecretReveal;
  /** What a console session must prove before create, reveal, rotate and re-enable. */
  stepUp: StepUpMethod;
  /** How long one step-up verification lasts. */
  stepUpMinutes: number;
  /** Days before expiry to remind admins, the creator and the owner; 0 = no reminder. */
  expiryReminderDays: number;
  /**
   * Refuse a signed request (SigV4, TC3) whose signature was already accepted while it is still
   * inside its validity window (SIGNATURE_REPLAYED). Off by default: it costs a database write
   * per signed verification, and a presigned URL then works only once.
   */
  replayProtection: boolean;
  /**
   * Disable a key unused for this many days (last used, else created; a re-enabled key counts
   * from its re-enabling), after a reminder by bell and mail 7 days before; null = never.
   */
  disableUnusedAfterDays: number | null;
  /** Rate limits a key of each type has when it names none of its own (issue 11; empty: none). */
  defaultRatelimits: DefaultRatelimits;
  /** CIDRs a key's clients must come from when the key names none of its own (empty: any address). */
  defaultIpAllowlist: string[];
  /** What a leaked key reported to /v1/leaks undergoes: disabled at once, or only flagged (see core/leaks.ts). */
  leakResponse: LeakResponse;
}

export interface DefaultRatelimits {
  access: RateLimitSpec[];
  api: RateLimitSpec[];
}

export type LeakResponse = 'disable' | 'flag';
export const LEAK_RESPONSES: readonly LeakResponse[] = ['disable', 'flag'];

/** Rules added after the first API version: a client may leave them out of a PUT, and they keep their values. */
export const LATER_RULES = ['disableUnusedAfterDays', 'defaultRatelimits', 'defaultIpAllowlist', 'leakResponse'] as const;

/** A policy as a client sends it: rules added after the first version may be left out (they then keep their values). */
export type PolicyInput = Omit<TenantPolicy, (typeof LATER_RULES)[number]> & { [K in (typeof LATER_RULES)[number]]?: TenantPolicy[K] | undefined };

export type SecretReveal = 'never' | 'after-step-up';
export type StepUpMethod = 'none' | 'email' | 'totp';
export const SECRET_REVEAL_OPTIONS: readonly SecretReveal[] = ['never', 'after-step-up'];
export const STEP_UP_METHODS: readonly StepUpMethod[] = ['none', 'email', 'totp'];

export const DEFAULT_POLICY: Readonly<TenantPolicy> = Object.freeze({
  memberKeyLimit: 2,
  adminKeyLimit: null,
  defaultValidityDays: 365,
  allowNeverExpires: true,
  deleteRequiresDisabled: true,
  accessRecordRetentionDays: 90,
  accessRecordsPerKey: 100,
  secretReveal: 'never',
  stepUp: 'none',
  stepUpMinutes: 20,
  expiryReminderDays: 2,
  replayProtection: false,
  disableUnusedAfterDays: null,
  // Frozen: the default is shared, never changed in place.
  defaultRatelimits: Object.freeze({ access: Object.freeze([]) as unknown as RateLimitSpec[], api: Object.freeze([]) as unknown as RateLimitSpec[] }),
  defaultIpAllowlist: Object.freeze([]) as unknown as string[],
  leakResponse: 'disable',
});

/** The names of the policy's rules, in the order of DEFAULT_POLICY. */
export const POLICY_RULES = Object.freeze(Object.keys(DEFAULT_POLICY)) as readonly (keyof TenantPolicy)[];

export const MAX_VALIDITY_DAYS = 3650;
export const MAX_KEY_LIMIT = 1000;
export const MAX_RETENTION_DAYS = 3650;
/** The console shows the latest 20 (seed 003), so fewer are never kept. */
export const MIN_RECORDS_PER_KEY = 20;
export const MAX_RECORDS_PER_KEY = 1000;
export const MAX_STEP_UP_MINUTES = 120;
export const MAX_REMINDER_DAYS = 30;
/** The unused-key rule's range: the reminder goes 7 days before, so a shorter rule would have no quiet time. */
export const MIN_UNUSED_DAYS = 7;
export const MAX_UNUSED_DAYS = 3650;
/** Days before an unused key is disabled that its reminder goes out. */
export const UNUSED_REMINDER_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * What each rule accepts: the one description of the rules that the API's policy schema, its
 * rule catalogue (GET /v1/policy/rules) and so the console's policy page are built from.
 */
export type PolicyRuleSpec =
  | { kind: 'integer'; nullable: boolean; minimum: number; maximum: number }
  | { kind: 'boolean' }
  | { kind: 'choice'; choices: readonly string[] }
  /** `{access: RateLimitSpec[], api: RateLimitSpec[]}`, each at most `maximum` limits. */
  | { kind: 'ratelimits'; maximum: number }
  /** An array of at most `maximum` CIDR blocks (IPv4 or IPv6). */
  | { kind: 'cidrs'; maximum: number };

export const POLICY_RULE_SPECS = Object.freeze({
  memberKeyLimit: { kind: 'integer', nullable: true, minimum: 1, maximum: MAX_KEY_LIMIT },
  adminKeyLimit: { kind: 'integer', nullable: true, minimum: 1, maximum: MAX_KEY_LIMIT },
  defaultValidityDays: { kind: 'integer', nullable: true, minimum: 1, maximum: MAX_VALIDITY_DAYS },
  allowNeverExpires: { kind: 'boolean' },
  deleteRequiresDisabled: { kind: 'boolean' },
  accessRecordRetentionDays: { kind: 'integer', nullable: false, minimum: 1, maximum: MAX_RETENTION_DAYS },
  accessRecordsPerKey: { kind: 'integer', nullable: false, minimum: MIN_RECORDS_PER_KEY, maximum: MAX_RECORDS_PER_KEY },
  secretReveal: { kind: 'choice', choices: SECRET_REVEAL_OPTIONS },
  stepUp: { kind: 'choice', choices: STEP_UP_METHODS },
  stepUpMinutes: { kind: 'integer', nullable: false, minimum: 1, maximum: MAX_STEP_UP_MINUTES },
  expiryReminderDays: { kind: 'integer', nullable: false, minimum: 0, maximum: MAX_REMINDER_DAYS },
  replayProtection: { kind: 'boolean' },
  disableUnusedAfterDays: { kind: 'integer', nullable: true, minimum: MIN_UNUSED_DAYS, maximum: MAX_UNUSED_DAYS },
  defaultRatelimits: { kind: 'ratelimits', maximum: RATELIMITS_MAX_PER_KEY },
  defaultIpAllowlist: { kind: 'cidrs', maximum: IP_ALLOWLIST_MAX },
  leakResponse: { kind: 'choice', choices: LEAK_RESPONSES },
} as const satisfies Record<keyof TenantPolicy, PolicyRuleSpec>);

/** A rule as the API lists it: its name and secure default with what it accepts. */
export type PolicyRule =
  | { name: keyof TenantPolicy; kind: 'integer'; nullable: boolean; minimum: number; maximum: number; default: number | null }
  | { name: keyof TenantPolicy; kind: 'boolean'; default: boolean }
  | { name: keyof TenantPolicy; kind: 'choice'; choices: string[]; default: string }
  | { name: keyof TenantPolicy; kind: 'ratelimits'; maximum: number; default: DefaultRatelimits }
  | { name: keyof TenantPolicy; kind: 'cidrs'; maximum: number; default: string[] };

/** Every rule with its name, secure default and what it accepts, in the order of POLICY_RULES. */
export const POLICY_RULE_CATALOGUE: readonly PolicyRule[] = Object.freeze(
  POLICY_RULES.map((name) => {
    const spec: PolicyRuleSpec = POLICY_RULE_SPECS[name];
    return { name, default: DEFAULT_POLICY[name], ...spec, ...(spec.kind === 'choice' && { choices: [...spec.choices] }) } as PolicyRule;
  }),
);

/** `field` is the rule's name, or a path inside it for the usage-control rules (`defaultRatelimits.api.0.limit`). */
export type PolicyProblem = { field: keyof TenantPolicy | `${keyof TenantPolicy}.${string}`; message: string };

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
  const n = policy.accessRecordsPerKey;
  if (!Number.isInteger(n) || n < MIN_RECORDS_PER_KEY || n > MAX_RECORDS_PER_KEY) {
    problems.push({ field: 'accessRecordsPerKey', message: `accessRecordsPerKey must be an integer from ${MIN_RECORDS_PER_KEY} to ${MAX_RECORDS_PER_KEY}` });
  }
  if (!SECRET_REVEAL_OPTIONS.includes(policy.secretReveal)) {
    problems.push({ field: 'secretReveal', message: `secretReveal must be one of ${SECRET_REVEAL_OPTIONS.join(', ')}` });
  }
  if (!STEP_UP_METHODS.includes(policy.stepUp)) {
    problems.push({ field: 'stepUp', message: `stepUp must be one of ${STEP_UP_METHODS.join(', ')}` });
  }
  // Showing a secret again is only safe behind a fresh proof of identity: a stolen session alone must not yield secrets.
  if (policy.secretReveal === 'after-step-up' && policy.stepUp === 'none') {
    problems.push({ field: 'secretReveal', message: 'secretReveal "after-step-up" needs a step-up method: set stepUp to "email" or "totp"' });
  }
  const m = policy.stepUpMinutes;
  if (!Number.isInteger(m) || m < 1 || m > MAX_STEP_UP_MINUTES) {
    problems.push({ field: 'stepUpMinutes', message: `stepUpMinutes must be an integer from 1 to ${MAX_STEP_UP_MINUTES}` });
  }
  const e = policy.expiryReminderDays;
  if (!Number.isInteger(e) || e < 0 || e > MAX_REMINDER_DAYS) {
    problems.push({ field: 'expiryReminderDays', message: `expiryReminderDays must be an integer from 0 (no reminder) to ${MAX_REMINDER_DAYS}` });
  }
  if (typeof policy.replayProtection !== 'boolean') {
    problems.push({ field: 'replayProtection', message: 'replayProtection must be true or false' });
  }
  const u = policy.disableUnusedAfterDays;
  if (u !== null && (!Number.isInteger(u) || u < MIN_UNUSED_DAYS || u > MAX_UNUSED_DAYS)) {
    problems.push({ field: 'disableUnusedAfterDays', message: `disableUnusedAfterDays must be null (never) or an integer from ${MIN_UNUSED_DAYS} to ${MAX_UNUSED_DAYS}` });
  }
  problems.push(...usageControlProblems(policy));
  if (!LEAK_RESPONSES.includes(policy.leakResponse)) {
    problems.push({ field: 'leakResponse', message: `leakResponse must be one of ${LEAK_RESPONSES.join(', ')}` });
  }
  return problems;
}

function usageControlProblems(policy: TenantPolicy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const d = policy.defaultRatelimits as unknown;
  if (typeof d !== 'object' || d === null || Array.isArray(d) || Object.keys(d).some((k) => k !== 'access' && k !== 'api')) {
    problems.push({ field: 'defaultRatelimits', message: 'defaultRatelimits must be an object {access: [...], api: [...]}' });
  } else {
    for (const type of ['access', 'api'] as const) {
      const checked = checkRatelimits((d as Record<string, unknown>)[type] ?? [], `defaultRatelimits.${type}`);
      if (!checked.ok) problems.push({ field: checked.field as PolicyProblem['field'], message: checked.message });
    }
  }
  const ips = checkIpAllowlist(policy.defaultIpAllowlist, 'defaultIpAllowlist');
  if (!ips.ok) problems.push({ field: ips.field as PolicyProblem['field'], message: ips.message });
  return problems;
}

/**
 * The policy as stored: the usage-control rules in their clean form (CIDRs canonical, both key
 * types present). Call after validatePolicy found nothing.
 */
export function normalisePolicy(policy: TenantPolicy): TenantPolicy {
  const d = policy.defaultRatelimits as Partial<DefaultRatelimits>;
  const limits = (list: unknown) => {
    const checked = checkRatelimits(list ?? []);
    return checked.ok ? checked.value : [];
  };
  const ips = checkIpAllowlist(policy.defaultIpAllowlist);
  return { ...policy, defaultRatelimits: { access: limits(d.access), api: limits(d.api) }, defaultIpAllowlist: ips.ok ? ips.value : [] };
}

export function keyLimitFor(role: 'admin' | 'member', policy: TenantPolicy): number | null {
  return role === 'admin' ? policy.adminKeyLimit : policy.memberKeyLimit;
}

export interface ExpiryInput {
  expiresInDays?: number | undefined;
  expiresAt?: string | undefined;
  neverExpires?: boolean | undefined;
}

export type ExpiryDecision = { ok: true; expiresAt: Date | null } | { ok: false; code: 'INVALID_EXPIRY' | 'NEVER_EXPIRES_NOT_ALLOWED'; message: string };

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

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 date-time with a zone. The calendar fields are checked first because `Date`
 * silently rolls impossible dates over (Feb 30 → Mar 2, 24:00 → next day), which would give
 * a key a different expiry than the one the user typed.
 */
export function parseIsoDate(value: string): Date | null {
  const m = ISO_RE.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}
