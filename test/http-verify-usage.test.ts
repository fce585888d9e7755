/**
 * Usage control at verification (issue 11) through the HTTP API, on SQLite and PostgreSQL: IP
 * allowlists, a key's and an identity's rate limits, credits, metadata and externalId in the
 * answers of /v1/verify, /v1/authorize and /v1/verify/batch, and the access records they leave.
 * The controls are set through the store (the key's row and the identity's, as the management
 * API writes them), whose commit evicts the cached key as any change does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsagePatch } from '../src/store/repos/access-keys-repo.js';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, verifierFor, type Harness, type IssuedKey, type Tenant, type Verifier } from './support/http.js';

const MINUTE = 60_000;

describe.each(DATABASE_KINDS)('usage control at verification (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let verifier: Verifier;

  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    verifier = await verifierFor(h.services, acme.tenantId);
  });
  afterAll(async () => {
    await h?.close();
  });

  const controlled = async (usage: UsagePatch, body: Record<string, unknown> = {}): Promise<IssuedKey> => {
    const key = await h.createKey(acme.admin, body);
    await h.store.transaction((tx) => tx.accessKeys.update(acme.tenantId, key.accessKeyId, 'enabled', { usage }, h.clock.now()));
    return key;
  };
  const verify = async (body: Record<string, unknown>) => {
    const res = await h.request({ method: 'POST', url: '/v1/verify', as: verifier, body });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const records = async (key: IssuedKey) => {
    await h.services.recorder.flush();
    const res = await h.request({ method: 'GET', url: `/v1/access-keys/${key.accessKeyId}/access-records`, as: acme.admin });
    return res.body.items as { code: string | null; outcome: string; detail: Record<string, string> | null }[];
  };
  const authorize = (token: string, sourceIp?: string) =>
    h.app.inject({
      method: 'GET',
      url: '/v1/authorize',
      headers: { authorization: `Bearer ${token}`, 'x-original-uri': '/orders', 'x-latchkey-verifier': verifier.token },
      ...(sourceIp !== undefined && { remoteAddress: sourceIp }),
    });

  it('a key without controls answers exactly as before (no usage fields)', async () => {
    const key = await h.createKey(acme.admin);
    const answer = await verify({ token: key.token, cost: 5 });
    expect(Object.keys(answer)).toEqual(['valid', 'accessKeyId', 'tenantId', 'userId', 'type', 'permissions', 'expiresAt']);
  });

  it("checks the end client's address against the IP allowlist, and records IP_NOT_ALLOWED", async () => {
    const key = await controlled({ ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'] });
    expect(await verify({ token: key.token, context: { sourceIp: '203.0.113.7' } })).toMatchObject({ valid: true });
    expect(await verify({ token: key.token, context: { sourceIp: '2001:db8::1' } })).toMatchObject({ valid: true });
    const refused = await verify({ token: key.token, context: { sourceIp: '198.51.100.9' } });
    expect(refused).toEqual({ valid: false, code: 'IP_NOT_ALLOWED', message: "The client's address is not in the access key's IP allowlist." });
    // Without context the connection's address counts (here the in-process client's, 127.0.0.1).
    expect(await verify({ token: key.token })).toMatchObject({ valid: false, code: 'IP_NOT_ALLOWED' });
    expect((await records(key)).map((r) => r.code)).toEqual(['IP_NOT_ALLOWED', 'IP_NOT_ALLOWED', null, null]);
    // /v1/authorize: 403 with the code (waiting does not help).
    const gateway = await authorize(key.token, '198.51.100.9');
    expect(gateway.statusCode).toBe(403);
    expect(gateway.headers['x-latchkey-code']).toBe('IP_NOT_ALLOWED');
    expect((await authorize(key.token, '203.0.113.200')).statusCode).toBe(200);
  });

  it('the permission is checked before usage control: a missing permission spends nothing', async () => {
    const roleId = (await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'reader', permissions: ['storage:read'] } })).body.id;
    const key = await controlled({ ratelimits: [{ name: 'per-minute', limit: 1, durationMs: MINUTE }] }, { roleIds: [roleId] });
    expect(await verify({ token: key.token, permission: 'billing:write' })).toEqual({
      valid: false,
      code: 'PERMISSION_DENIED',
      message: 'The access key does not hold the requested permission.',
    });
    expect(await verify({ token: key.token })).toMatchObject({ valid: true, ratelimits: [{ name: 'per-minute', remaining: 0 }] });
  });

  it('a rate limit admits its limit, answers RATE_LIMITED with the limits valid or not, and frees up as the window slides', async () => {
    const key = await controlled({ ratelimits: [{ name: 'per-minute', limit: 3, durationMs: MINUTE }], meta: { plan: 'pro' }, externalId: 'cust-42' });
    const now = h.clock.now().getTime();
    const windowStart = Math.floor(now / MINUTE) * MINUTE;
    const first = await verify({ token: key.token });
    expect(first).toMatchObject({ valid: true, accessKeyId: key.accessKeyId, externalId: 'cust-42', meta: { plan: 'pro' } });
    expect(first.ratelimits).toEqual([{ name: 'per-minute', limit: 3, remaining: 2, resetAt: windowStart + 2 * MINUTE }]);
    // cost 0 checks without spending.
    expect((await verify({ token: key.token, cost: 0 })).ratelimits[0].remaining).toBe(2);
    expect((await verify({ token: key.token, cost: 2 })).ratelimits[0].remaining).toBe(0);
    const limited = await verify({ token: key.token });
    expect(limited).toEqual({
      valid: false,
      code: 'RATE_LIMITED',
      message: 'The access key is over a rate limit; try again later.',
      externalId: 'cust-42',
      meta: { plan: 'pro' },
      ratelimits: [{ name: 'per-minute', limit: 3, remaining: 0, resetAt: windowStart + 2 * MINUTE }],
    });
    // The records tell a key's limit (detail.ratelimit) from throttled guessing (detail.failed).
    const [last] = await records(key);
    expect(last).toMatchObject({ outcome: 'failure', code: 'RATE_LIMITED', detail: { ratelimit: 'per-minute' } });
    expect(last!.detail).not.toHaveProperty('failed');
    // /v1/authorize: 429 with Retry-After and the RateLimit-* fields.
    const gateway = await authorize(key.token);
    expect(gateway.statusCode).toBe(429);
    expect(gateway.headers).toMatchObject({ 'x-latchkey-code': 'RATE_LIMITED', 'ratelimit-limit': '3', 'ratelimit-remaining': '0' });
    expect(Number(gateway.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(gateway.headers['ratelimit-reset'])).toBe(Math.ceil((windowStart + 2 * MINUTE - now) / 1000));
    // Two windows later everything spent is forgotten.
    h.clock.advance(2 * MINUTE);
    const again = await authorize(key.token);
    expect(again.statusCode).toBe(200);
    expect(again.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '2', 'x-latchkey-external-id': 'cust-42' });
  });

  it("an identity's limit is shared by every key with its externalId", async () => {
    await h.store.transaction((tx) =>
      tx.identities.put(acme.tenantId, 'cust-shared', { ratelimits: [{ name: 'customer', limit: 3, durationMs: MINUTE }], meta: null, credits: null }, h.clock.now()),
    );
    const one = await controlled({ externalId: 'cust-shared' });
    const two = await controlled({ externalId: 'cust-shared' });
    expect((await verify({ token: one.token, cost: 2 })).ratelimits).toMatchObject([{ name: 'customer', remaining: 1 }]);
    expect((await verify({ token: two.token })).ratelimits).toMatchObject([{ name: 'customer', remaining: 0 }]);
    expect(await verify({ token: one.token })).toMatchObject({ valid: false, code: 'RATE_LIMITED', externalId: 'cust-shared' });
  });

  it('credits: each success spends its cost, USAGE_EXCEEDED at zero (403 at the gateway), never below zero', async () => {
    const key = await controlled({ credits: { remaining: 3, refill: null } });
    expect(await verify({ token: key.token })).toMatchObject({ valid: true, credits: { remaining: 2 } });
    expect(await verify({ token: key.token, cost: 0 })).toMatchObject({ valid: true, credits: { remaining: 2 } });
    expect(await verify({ token: key.token, cost: 3 })).toEqual({
      valid: false,
      code: 'USAGE_EXCEEDED',
      message: 'The access key has no credits left for this request.',
      credits: { remaining: 2 },
    });
    expect(await verify({ token: key.token, cost: 2 })).toMatchObject({ valid: true, credits: { remaining: 0 } });
    expect(await verify({ token: key.token, cost: 0 })).toMatchObject({ valid: false, code: 'USAGE_EXCEEDED', credits: { remaining: 0 } });
    const gateway = await authorize(key.token);
    expect(gateway.statusCode).toBe(403);
    expect(gateway.headers['x-latchkey-code']).toBe('USAGE_EXCEEDED');
    expect((await records(key)).map((r) => r.code)).toEqual(['USAGE_EXCEEDED', 'USAGE_EXCEEDED', null, 'USAGE_EXCEEDED', null, null]);
  });

  it('a request refused by a rate limit spends no credits', async () => {
    const key = await controlled({ credits: { remaining: 10, refill: null }, ratelimits: [{ name: 'burst', limit: 1, durationMs: 10_000 }] });
    expect(await verify({ token: key.token })).toMatchObject({ valid: true, credits: { remaining: 9 } });
    expect(await verify({ token: key.token })).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect((await h.store.credits.find({ tenantId: acme.tenantId, accessKeyId: key.accessKeyId }))?.remaining).toBe(9);
  });

  it('cost must be a whole number from 0 to 10,000', async () => {
    const key = await h.createKey(acme.admin);
    for (const cost of [-1, 10_001, 1.5, '1']) {
      const res = await h.request({ method: 'POST', url: '/v1/verify', as: verifier, body: { token: key.token, cost } });
      expect(res.status, String(cost)).toBe(400);
      expect(res.body.error.details.field).toBe('cost');
    }
  });

  it('batch: each item answered as the single call would be, in order, with its own record, limits and credits', async () => {
    const plain = await h.createKey(acme.admin);
    const limitedKey = await controlled({ ratelimits: [{ name: 'per-minute', limit: 1, durationMs: MINUTE }] });
    const credited = await controlled({ credits: { remaining: 5, refill: null } });
    const res = await h.request({
      method: 'POST',
      url: '/v1/verify/batch',
      as: verifier,
      body: { items: [{ token: plain.token }, { token: limitedKey.token }, { token: limitedKey.token }, { token: credited.token, cost: 2 }, { token: 'lk_garbage' }] },
    });
    expect(res.status).toBe(200);
    const items = res.body.items;
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({ valid: true, accessKeyId: plain.accessKeyId });
    expect(items[1]).toMatchObject({ valid: true, ratelimits: [{ remaining: 0 }] });
    expect(items[2]).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect(items[3]).toMatchObject({ valid: true, credits: { remaining: 3 } });
    expect(items[4]).toEqual({ valid: false, code: 'MALFORMED', message: 'The credential is not well formed.' });
    expect((await records(limitedKey)).map((r) => r.code)).toEqual(['RATE_LIMITED', null]);
    // The single call gives the very same answer for the same state.
    expect(await verify({ token: plain.token })).toEqual(items[0]);
  });

  it('batch: more than 100 items, none, or an item with both credentials is 400 naming the field, and nothing is verified', async () => {
    const key = await controlled({ credits: { remaining: 500, refill: null } });
    const tooMany = await h.request({ method: 'POST', url: '/v1/verify/batch', as: verifier, body: { items: Array.from({ length: 101 }, () => ({ token: key.token })) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'items' } });
    const none = await h.request({ method: 'POST', url: '/v1/verify/batch', as: verifier, body: { items: [] } });
    expect(none.body.error.details.field).toBe('items');
    const both = await h.request({
      method: 'POST',
      url: '/v1/verify/batch',
      as: verifier,
      body: { items: [{ token: key.token }, { token: key.token, request: { method: 'GET', url: 'https://x.test/', headers: {} } }] },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details.field).toBe('items.1.token');
    const unverified = await h.request({ method: 'POST', url: '/v1/verify/batch', body: { items: [{ token: key.token }] } });
    expect(unverified.status).toBe(401);
    expect((await h.store.credits.find({ tenantId: acme.tenantId, accessKeyId: key.accessKeyId }))?.remaining).toBe(500);
    expect(await records(key)).toEqual([]);
  });
});
