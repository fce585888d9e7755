/** HTTP: GET|PUT /v1/policy — the tenant's rules, their defaults and their validation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { openHttp, verify, type CreatedUser, type Harness, type Tenant } from './support/http.js';

describe('HTTP policy (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let member: CreatedUser;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin);
  });
  afterAll(async () => {
    await h?.close();
  });

  const read = async () => (await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body;

  it('starts from the secure defaults, readable by members too', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/policy', as: member.session });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
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
  });

  it('lists its rules for any user: kind, bounds or choices, and default; a value at each bound is accepted through PUT', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/policy/rules', as: member.session });
    expect(res.status).toBe(200);
    const rules = res.body.rules as Array<Record<string, any>>;
    expect(rules.map((r) => r.name)).toEqual(Object.keys(DEFAULT_POLICY));
    expect(rules.find((r) => r.name === 'memberKeyLimit')).toEqual({ name: 'memberKeyLimit', kind: 'integer', nullable: true, minimum: 1, maximum: 1000, default: 2 });
    expect(rules.find((r) => r.name === 'stepUp')).toEqual({ name: 'stepUp', kind: 'choice', choices: ['none', 'email', 'totp'], default: 'none' });
    expect(rules.find((r) => r.name === 'replayProtection')).toEqual({ name: 'replayProtection', kind: 'boolean', default: false });
    // What the catalogue offers is what PUT takes (stepUp totp so that every secretReveal choice is a valid pair).
    for (const rule of rules.filter((r) => r.kind === 'integer')) {
      for (const value of [rule.minimum, rule.maximum]) {
        const put = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, [rule.name]: value } });
        expect(put.status, `${rule.name} = ${value}`).toBe(200);
      }
      const over = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, [rule.name]: rule.maximum + 1 } });
      expect(over.status, `${rule.name} over its maximum`).toBe(400);
    }
    for (const choice of rules.find((r) => r.name === 'secretReveal')!.choices) {
      const put = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, stepUp: 'totp', secretReveal: choice } });
      expect(put.status, `secretReveal = ${choice}`).toBe(200);
    }
    await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: DEFAULT_POLICY });
    expect(await read()).toEqual(DEFAULT_POLICY);
  });

  it('replaces the policy (admins), keeps it, and audits before and after', async () => {
    const next = {
      memberKeyLimit: 5,
      adminKeyLimit: 50,
      defaultValidityDays: 90,
      allowNeverExpires: false,
      deleteRequiresDisabled: false,
      accessRecordRetentionDays: 30,
      accessRecordsPerKey: 500,
      secretReveal: 'after-step-up',
      stepUp: 'totp',
      stepUpMinutes: 5,
      expiryReminderDays: 7,
      replayProtection: true,
      disableUnusedAfterDays: 180,
      defaultRatelimits: { access: [{ name: 'requests', limit: 10, durationMs: 1_000 }], api: [] },
      defaultIpAllowlist: ['198.51.100.0/24'],
      leakResponse: 'flag',
    };
    const res = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: next });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(next);
    expect(await read()).toEqual(next);
    const audit = await h.request({ method: 'GET', url: '/v1/audit-events?action=policy.update', as: acme.admin });
    expect(audit.body.items[0]).toMatchObject({ actorId: acme.admin.userId, targetType: 'policy', details: { before: DEFAULT_POLICY, after: next } });
    await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: DEFAULT_POLICY });
    expect(await read()).toEqual(DEFAULT_POLICY);
  });

  it('keeps members from changing it: FORBIDDEN', async () => {
    const res = await h.request({ method: 'PUT', url: '/v1/policy', as: member.session, body: { ...DEFAULT_POLICY, memberKeyLimit: null } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await read()).toEqual(DEFAULT_POLICY);
  });

  it('refuses an incomplete, unknown or out-of-range policy with a 400 and changes nothing', async () => {
    const { memberKeyLimit: _dropped, ...incomplete } = DEFAULT_POLICY;
    const cases: [unknown, string][] = [
      [incomplete, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, revealSecrets: true }, 'UNKNOWN_FIELD'],
      [{ ...DEFAULT_POLICY, memberKeyLimit: 0 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, memberKeyLimit: 1001 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, adminKeyLimit: 2.5 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, defaultValidityDays: 3651 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, accessRecordRetentionDays: null }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, accessRecordsPerKey: 19 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, accessRecordsPerKey: 1001 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, accessRecordsPerKey: null }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, allowNeverExpires: 'yes' }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, defaultValidityDays: null, allowNeverExpires: false }, 'INVALID_POLICY'],
      [[], 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, secretReveal: 'always' }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, stepUp: 'sms' }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, stepUpMinutes: 0 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, stepUpMinutes: 121 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, expiryReminderDays: -1 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, expiryReminderDays: 31 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, secretReveal: 'after-step-up', stepUp: 'none' }, 'INVALID_POLICY'],
      [{ ...DEFAULT_POLICY, disableUnusedAfterDays: 6 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, disableUnusedAfterDays: 3651 }, 'VALIDATION_FAILED'],
      [{ ...DEFAULT_POLICY, disableUnusedAfterDays: 90.5 }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const res = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code, JSON.stringify(body)).toBe(code);
    }
    expect(await read()).toEqual(DEFAULT_POLICY);
  });

  it('refuses revealing secrets without a step-up method, saying which rule to set', async () => {
    const res = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, secretReveal: 'after-step-up' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_POLICY');
    expect(res.body.error.message).toContain('stepUp');
    expect(await read()).toEqual(DEFAULT_POLICY);
  });

  it('refuses email step-up on a server without SMTP: 409 SMTP_NOT_CONFIGURED naming the settings', async () => {
    const res = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, stepUp: 'email', secretReveal: 'after-step-up' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('SMTP_NOT_CONFIGURED');
    expect(res.body.error.message).toContain('LATCHKEY_SMTP_URL');
    expect(res.body.error.message).toContain('LATCHKEY_MAIL_FROM');
    expect(await read()).toEqual(DEFAULT_POLICY);
    // The authenticator method needs no mail.
    expect((await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, stepUp: 'totp' } })).status).toBe(200);
    await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: DEFAULT_POLICY });
  });

  it('makes a tenant that forbids never-expiring keys refuse them on change as well', async () => {
    const k = await h.createKey(acme.admin);
    await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, allowNeverExpires: false } });
    try {
      const res = await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin, body: { neverExpires: true } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('NEVER_EXPIRES_NOT_ALLOWED');
      expect((await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin })).body.expiresAt).toBe(k.expiresAt);
    } finally {
      await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: DEFAULT_POLICY });
    }
  });

  it("applies a changed policy to the tenant's cached keys in this process at once, not at the next poll", async () => {
    const key = await h.createKey(acme.admin, { name: 'cached' });
    expect((await verify(h, key.token)).valid).toBe(true);
    expect(h.services.keyCache.peek(key.accessKeyId)).toBeTruthy();
    const current = (await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body;
    expect((await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...current, replayProtection: !current.replayProtection } })).status).toBe(200);
    expect(h.services.keyCache.peek(key.accessKeyId)).toBeUndefined();
    await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: current });
  });
});
