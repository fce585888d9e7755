import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  MAX_KEY_LIMIT,
  MAX_RECORDS_PER_KEY,
  MIN_RECORDS_PER_KEY,
  MAX_REMINDER_DAYS,
  MAX_RETENTION_DAYS,
  MAX_STEP_UP_MINUTES,
  MAX_VALIDITY_DAYS,
  POLICY_RULE_CATALOGUE,
  POLICY_RULES,
  keyLimitFor,
  normalisePolicy,
  validatePolicy,
  type TenantPolicy,
} from './policy.js';

const policy = (change: Partial<TenantPolicy>): TenantPolicy => ({ ...DEFAULT_POLICY, ...change });
const fields = (p: TenantPolicy) => validatePolicy(p).map((problem) => problem.field);

describe('DEFAULT_POLICY', () => {
  it('holds the secure defaults of the design', () => {
    expect(DEFAULT_POLICY).toEqual({
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
      defaultRatelimits: { access: [], api: [] },
      defaultIpAllowlist: [],
      leakResponse: 'disable',
    });
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([]);
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
  });
});

describe('validatePolicy', () => {
  it('takes disableUnusedAfterDays as never (null) or a whole number of days from 7 to 3650', () => {
    for (const value of [null, 7, 90, 180, 365, 3650]) expect(fields(policy({ disableUnusedAfterDays: value }))).toEqual([]);
    for (const value of [0, 6, 3651, 30.5, -7, Number.NaN]) {
      const problems = validatePolicy(policy({ disableUnusedAfterDays: value }));
      expect(problems.map((p) => p.field)).toEqual(['disableUnusedAfterDays']);
      expect(problems[0]!.message).toContain('7 to 3650');
    }
  });

  it.each(['memberKeyLimit', 'adminKeyLimit'] as const)('accepts %s as any number (null) or 1..MAX_KEY_LIMIT', (field) => {
    for (const value of [null, 1, 5, MAX_KEY_LIMIT]) expect(fields(policy({ [field]: value }))).toEqual([]);
  });

  it.each(['memberKeyLimit', 'adminKeyLimit'] as const)('refuses %s outside its bounds or not whole', (field) => {
    for (const value of [0, -1, MAX_KEY_LIMIT + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const problems = validatePolicy(policy({ [field]: value }));
      expect(problems.map((p) => p.field)).toEqual([field]);
      expect(problems[0]!.message).toContain(field);
    }
  });

  it('accepts defaultValidityDays from 1 to MAX_VALIDITY_DAYS', () => {
    for (const value of [1, 30, 90, 180, 365, MAX_VALIDITY_DAYS]) expect(fields(policy({ defaultValidityDays: value }))).toEqual([]);
  });

  it('refuses defaultValidityDays outside its bounds or not whole', () => {
    for (const value of [0, -30, MAX_VALIDITY_DAYS + 1, 0.5]) {
      expect(fields(policy({ defaultValidityDays: value }))).toEqual(['defaultValidityDays']);
    }
  });

  it('lets new keys never expire by default only while never-expiring keys are allowed', () => {
    expect(fields(policy({ defaultValidityDays: null, allowNeverExpires: true }))).toEqual([]);
    const problems = validatePolicy(policy({ defaultValidityDays: null, allowNeverExpires: false }));
    expect(problems.map((p) => p.field)).toEqual(['defaultValidityDays']);
    expect(problems[0]!.message).toMatch(/allowNeverExpires/);
  });

  it('allows forbidding never-expiring keys while the default is a number of days', () => {
    expect(fields(policy({ defaultValidityDays: 90, allowNeverExpires: false }))).toEqual([]);
  });

  it('keeps 20 to 1000 detailed records per key and outcome, never fewer than the console shows', () => {
    for (const value of [MIN_RECORDS_PER_KEY, 100, MAX_RECORDS_PER_KEY]) expect(fields(policy({ accessRecordsPerKey: value }))).toEqual([]);
    for (const value of [0, 19, 1001, 50.5, Number.NaN]) expect(fields(policy({ accessRecordsPerKey: value }))).toEqual(['accessRecordsPerKey']);
  });

  it('accepts accessRecordRetentionDays from 1 to MAX_RETENTION_DAYS and refuses the rest', () => {
    for (const value of [1, 90, MAX_RETENTION_DAYS]) expect(fields(policy({ accessRecordRetentionDays: value }))).toEqual([]);
    for (const value of [0, -1, MAX_RETENTION_DAYS + 1, 2.5]) {
      expect(fields(policy({ accessRecordRetentionDays: value }))).toEqual(['accessRecordRetentionDays']);
    }
  });

  it('lets a secret be shown again only behind a step-up method', () => {
    expect(fields(policy({ secretReveal: 'after-step-up', stepUp: 'email' }))).toEqual([]);
    expect(fields(policy({ secretReveal: 'after-step-up', stepUp: 'totp' }))).toEqual([]);
    const problems = validatePolicy(policy({ secretReveal: 'after-step-up', stepUp: 'none' }));
    expect(problems.map((p) => p.field)).toEqual(['secretReveal']);
    expect(problems[0]!.message).toMatch(/stepUp/);
  });

  it('refuses a reveal rule or step-up method it does not know', () => {
    expect(fields(policy({ secretReveal: 'always' as never }))).toEqual(['secretReveal']);
    expect(fields(policy({ stepUp: 'sms' as never }))).toEqual(['stepUp']);
  });

  it('accepts stepUpMinutes from 1 to MAX_STEP_UP_MINUTES and expiryReminderDays from 0 to MAX_REMINDER_DAYS', () => {
    for (const value of [1, 20, MAX_STEP_UP_MINUTES]) expect(fields(policy({ stepUpMinutes: value }))).toEqual([]);
    for (const value of [0, -1, MAX_STEP_UP_MINUTES + 1, 1.5]) expect(fields(policy({ stepUpMinutes: value }))).toEqual(['stepUpMinutes']);
    for (const value of [0, 2, MAX_REMINDER_DAYS]) expect(fields(policy({ expiryReminderDays: value }))).toEqual([]);
    for (const value of [-1, MAX_REMINDER_DAYS + 1, 0.5]) expect(fields(policy({ expiryReminderDays: value }))).toEqual(['expiryReminderDays']);
  });

  it('takes leakResponse as disable or flag only', () => {
    for (const value of ['disable', 'flag'] as const) expect(fields(policy({ leakResponse: value }))).toEqual([]);
    for (const value of ['revoke', '', null]) expect(fields(policy({ leakResponse: value as never }))).toEqual(['leakResponse']);
  });

  it('takes replayProtection as true or false only', () => {
    for (const value of [true, false]) expect(fields(policy({ replayProtection: value }))).toEqual([]);
    for (const value of ['yes', 1, null]) expect(fields(policy({ replayProtection: value as never }))).toEqual(['replayProtection']);
  });

  it('reports every bad field at once', () => {
    const bad = policy({ memberKeyLimit: 0, adminKeyLimit: 0, defaultValidityDays: 0, accessRecordRetentionDays: 0 });
    expect(fields(bad).sort()).toEqual(['accessRecordRetentionDays', 'adminKeyLimit', 'defaultValidityDays', 'memberKeyLimit']);
  });
});

describe('keyLimitFor', () => {
  it('gives members the member limit and admins the admin limit', () => {
    const p = policy({ memberKeyLimit: 3, adminKeyLimit: 7 });
    expect(keyLimitFor('member', p)).toBe(3);
    expect(keyLimitFor('admin', p)).toBe(7);
  });

  it('gives members 2 keys and admins any number by default', () => {
    expect(keyLimitFor('member', DEFAULT_POLICY)).toBe(2);
    expect(keyLimitFor('admin', DEFAULT_POLICY)).toBeNull();
  });
});

describe('POLICY_RULE_CATALOGUE', () => {
  it('describes every rule, in order, with its default', () => {
    expect(POLICY_RULE_CATALOGUE.map((rule) => rule.name)).toEqual(POLICY_RULES);
    for (const rule of POLICY_RULE_CATALOGUE) expect(rule.default).toEqual(DEFAULT_POLICY[rule.name]);
  });

  // The console offers exactly what the catalogue says, so it must be what validation accepts.
  it('says what validatePolicy accepts: each integer rule up to its bounds, null where nullable, each choice', () => {
    // A step-up method, so that every secretReveal choice is a valid combination.
    const base = policy({ stepUp: 'totp' });
    for (const rule of POLICY_RULE_CATALOGUE) {
      const withValue = (value: unknown) => fields({ ...base, [rule.name]: value } as TenantPolicy).includes(rule.name);
      if (rule.kind === 'integer') {
        expect(withValue(rule.minimum), `${rule.name} = minimum`).toBe(false);
        expect(withValue(rule.maximum), `${rule.name} = maximum`).toBe(false);
        expect(withValue(rule.minimum - 1), `${rule.name} below minimum`).toBe(true);
        expect(withValue(rule.maximum + 1), `${rule.name} above maximum`).toBe(true);
        expect(withValue(null), `${rule.name} = null`).toBe(!rule.nullable);
      } else if (rule.kind === 'choice') {
        for (const choice of rule.choices) expect(withValue(choice), `${rule.name} = ${choice}`).toBe(false);
        expect(withValue('something-else'), `${rule.name} = something-else`).toBe(true);
      } else if (rule.kind === 'ratelimits') {
        const limits = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `l${i}`, limit: 1, durationMs: 1_000 }));
        expect(withValue({ access: limits(rule.maximum), api: [] }), `${rule.name} at maximum`).toBe(false);
        expect(fields({ ...base, [rule.name]: { access: limits(rule.maximum + 1), api: [] } } as TenantPolicy), `${rule.name} above maximum`).toEqual([`${rule.name}.access`]);
      } else if (rule.kind === 'cidrs') {
        const blocks = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i}.0/24`);
        expect(withValue(blocks(rule.maximum)), `${rule.name} at maximum`).toBe(false);
        expect(withValue(blocks(rule.maximum + 1)), `${rule.name} above maximum`).toBe(true);
      } else {
        expect(withValue(true)).toBe(false);
        expect(withValue(false)).toBe(false);
      }
    }
  });
});

describe('usage-control defaults', () => {
  it('accepts default rate limits per key type and CIDRs, and keeps them canonical', () => {
    const p = policy({ defaultRatelimits: { access: [], api: [{ name: 'requests', limit: 100, durationMs: 10_000 }] }, defaultIpAllowlist: ['10.1.2.3/8', '2001:DB8::1/32'] });
    expect(validatePolicy(p)).toEqual([]);
    expect(normalisePolicy(p).defaultIpAllowlist).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  });

  it('names the field of a bad default limit or block', () => {
    expect(fields(policy({ defaultRatelimits: { access: [{ name: 'r', limit: 0, durationMs: 1_000 }], api: [] } }))).toEqual(['defaultRatelimits.access.0.limit']);
    expect(fields(policy({ defaultRatelimits: { access: [], api: [{ name: 'r', limit: 1, durationMs: 999 }] } }))).toEqual(['defaultRatelimits.api.0.durationMs']);
    expect(fields(policy({ defaultIpAllowlist: ['10.0.0.0/33'] }))).toEqual(['defaultIpAllowlist.0']);
    expect(fields(policy({ defaultRatelimits: [] as unknown as TenantPolicy['defaultRatelimits'] }))).toEqual(['defaultRatelimits']);
  });
});
