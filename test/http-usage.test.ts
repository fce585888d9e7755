/**
 * HTTP: usage of a key over time (GET /v1/access-keys/{id}/usage) and of the tenant (GET /v1/usage),
 * made from the per-key counters; the key's latest attempts kept per the policy's accessRecordsPerKey.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateId, generateSecret } from '../src/crypto/random.js';
import { DAY_MS, openHttp, type CreatedUser, type Harness, type Tenant } from './support/http.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

describe('HTTP usage (sqlite)', () => {
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

  /** One verification straight through the service, from `ip`. */
  const attempt = (token: string, ip = '192.0.2.10') => h.services.verification.verify({ kind: 'token', token }, { sourceIp: ip, userAgent: 'usage-test/1' });
  const usage = (k: { accessKeyId: string }, range?: string, as = acme.admin) => h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/usage${range ? `?range=${range}` : ''}`, as });

  it("charts a key's attempts by outcome in 15-minute points over 24 h, with failures by code and its last use", async () => {
    const k = await h.createKey(member.session);
    const start = h.clock.now().getTime();
    for (let i = 0; i < 5; i++) await attempt(k.token);
    h.clock.advance(-3 * HOUR);
    for (let i = 0; i < 3; i++) await attempt(buildToken(k.accessKeyId, generateSecret()), '203.0.113.9');
    h.clock.advance(3 * HOUR + 30 * MINUTE);
    await attempt(k.token, '198.51.100.4');
    h.clock.advance(-30 * MINUTE);
    await h.services.recorder.flush();

    const res = await usage(k, undefined, member.session);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({ range: '24h', bucketSeconds: 900, totals: { success: 5, failure: 3 }, failuresByCode: [{ code: 'SECRET_MISMATCH', count: 3 }] });
    expect(body.buckets).toHaveLength(96);
    const at = (ms: number) => body.buckets.find((b: { start: string }) => Date.parse(b.start) <= ms && ms < Date.parse(b.start) + 900_000);
    expect(at(start)).toMatchObject({ success: 5, failure: 0 });
    expect(at(start - 3 * HOUR)).toMatchObject({ success: 0, failure: 3 });
    // The last bucket holds the current time; the future attempt (another process's clock) is outside the window.
    expect(Date.parse(body.buckets[95].start)).toBeLessThanOrEqual(start);
    expect(body.lastUsedAt).toBe(new Date(start + 30 * MINUTE).toISOString());
    expect(body.lastUsedIp).toBe('198.51.100.4');
    const key = await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}`, as: member.session });
    expect(key.body).toMatchObject({ lastUsedIp: '198.51.100.4' });
  });

  it('gives 7 days by the hour and 90 days by the day, from the hour counters', async () => {
    const k = await h.createKey(acme.admin);
    const now = h.clock.now().getTime();
    await attempt(k.token);
    h.clock.advance(-2 * DAY_MS);
    await attempt(k.token);
    await attempt(k.token);
    h.clock.advance(-30 * DAY_MS);
    await attempt(k.token);
    h.clock.advance(32 * DAY_MS);
    await h.services.recorder.flush();

    const week = (await usage(k, '7d')).body;
    expect(week).toMatchObject({ range: '7d', bucketSeconds: 3600, totals: { success: 3, failure: 0 } });
    expect(week.buckets).toHaveLength(168);
    expect(week.buckets.at(-1).success).toBe(1);
    expect(week.buckets.at(-1 - 48).success).toBe(2);
    const quarter = (await usage(k, '90d')).body;
    expect(quarter).toMatchObject({ range: '90d', bucketSeconds: 86400, totals: { success: 4, failure: 0 } });
    expect(quarter.buckets).toHaveLength(90);
    expect(Date.parse(quarter.buckets.at(-1).start)).toBe(Math.floor(now / DAY_MS) * DAY_MS);
    expect(quarter.buckets.at(-33).success).toBe(1);
  });

  it('answers 404 for a key of another tenant or another member, 400 for an unknown range, 401 without a session', async () => {
    const k = await h.createKey(acme.admin);
    const other = await h.bootstrap();
    for (const as of [other.admin, member.session]) {
      const res = await usage(k, '24h', as);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    for (const range of ['1y', '24H', '']) {
      const res = await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/usage?range=${range}`, as: acme.admin });
      expect(res.status, range).toBe(400);
      expect(res.body.error.code, range).toBe('VALIDATION_FAILED');
    }
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/usage?from=0`, as: acme.admin })).status).toBe(400);
    expect((await usage(k, '24h', null as never)).status).toBe(401);
  });

  it("sums the tenant's usage for admins: totals, failures by code, busiest keys, keys under attack; nothing of another tenant", async () => {
    const t = await h.bootstrap();
    const busy = await h.createKey(t.admin, { name: 'busy' });
    const quiet = await h.createKey(t.admin, { name: 'quiet' });
    const elsewhere = await h.createKey(acme.admin);
    for (let i = 0; i < 4; i++) await attempt(busy.token);
    await attempt(quiet.token);
    await attempt(buildToken(quiet.accessKeyId, generateSecret()));
    await attempt(buildToken(quiet.accessKeyId, generateSecret()));
    await attempt(elsewhere.token);
    // Yesterday-but-one counts for 7 d, not for 24 h.
    h.clock.advance(-2 * DAY_MS);
    await attempt(busy.token);
    h.clock.advance(2 * DAY_MS);
    await h.services.recorder.flush();
    const alertAt = new Date(h.clock.now().getTime() - HOUR);
    await h.store.audit.insert({
      id: generateId('auditEvent'),
      tenantId: t.tenantId,
      actorId: null,
      actorKeyId: null,
      action: 'key.under_attack',
      targetType: 'access_key',
      targetId: quiet.accessKeyId,
      result: 'success',
      ip: null,
      at: alertAt,
      details: null,
      via: null,
    });

    const day = await h.request({ method: 'GET', url: '/v1/usage', as: t.admin });
    expect(day.status).toBe(200);
    expect(day.body).toEqual({
      range: '24h',
      totals: { success: 5, failure: 2 },
      failuresByCode: [{ code: 'SECRET_MISMATCH', count: 2 }],
      busiestKeys: [
        { accessKeyId: busy.accessKeyId, name: 'busy', ownerId: busy.ownerId, success: 4, failure: 0 },
        { accessKeyId: quiet.accessKeyId, name: 'quiet', ownerId: quiet.ownerId, success: 1, failure: 2 },
      ],
      underAttack: [{ accessKeyId: quiet.accessKeyId, name: 'quiet', ownerId: quiet.ownerId, failures: 2, lastAlertAt: alertAt.toISOString() }],
    });
    const week = await h.request({ method: 'GET', url: '/v1/usage?range=7d', as: t.admin });
    expect(week.body.totals).toEqual({ success: 6, failure: 2 });

    const memberOf = await h.createUser(t.admin);
    const refused = await h.request({ method: 'GET', url: '/v1/usage', as: memberOf.session });
    expect(refused.status).toBe(403);
    expect((await h.request({ method: 'GET', url: '/v1/usage?range=2d', as: t.admin })).status).toBe(400);
  });

  it("keeps the policy's number of latest attempts per outcome, and the latest failures under a flood of successes", async () => {
    const t = await h.bootstrap();
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
    expect(policy.accessRecordsPerKey).toBe(100);
    expect((await h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...policy, accessRecordsPerKey: 20 } })).status).toBe(200);
    const k = await h.createKey(t.admin);
    for (let i = 0; i < 3; i++) {
      await attempt(buildToken(k.accessKeyId, generateSecret()));
      h.clock.advance(1000);
    }
    for (let i = 0; i < 300; i++) {
      await attempt(k.token);
      h.clock.advance(10);
    }
    await h.services.recorder.flush();
    const records = (await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/access-records?limit=100`, as: t.admin })).body.items;
    expect(records.filter((r: { outcome: string }) => r.outcome === 'success')).toHaveLength(20);
    expect(records.filter((r: { outcome: string }) => r.outcome === 'failure')).toHaveLength(3);
    const failures = (await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/access-records?outcome=failure`, as: t.admin })).body.items;
    expect(failures.map((r: { code: string }) => r.code)).toEqual(['SECRET_MISMATCH', 'SECRET_MISMATCH', 'SECRET_MISMATCH']);
    expect((await usage(k, '24h', t.admin)).body.totals).toEqual({ success: 300, failure: 3 });
  });
});
