/**
 * HTTP, issue 11 (model side): a key's usage controls (rate limits, credits with refill, IP
 * allowlist, metadata, externalId) through POST/PATCH/GET /v1/access-keys, identities, credit
 * changes and the tenant's defaults: validated with the field named and nothing half-written,
 * audited without secrets, other tenants' objects 404, and the key cache evicted on each change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { bearer, type CreatedUser, type Harness, openHttp, readAllPages, TEST_EPOCH, type Tenant, verifierForText, verify } from './support/http.js';

const REQUESTS = { name: 'requests', limit: 100, durationMs: 10_000 };
const NONE = { ratelimits: null, ipAllowlist: null, meta: null, externalId: null, credits: null };

describe.each(DATABASE_KINDS)('HTTP usage controls (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  let member: CreatedUser;

  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    globex = await h.bootstrap();
    member = await h.createUser(acme.admin, { programmaticAccess: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  const keyOf = async (id: string, as = acme.admin) => h.request({ method: 'GET', url: `/v1/access-keys/${id}`, as });

  it('creates a key with every control, shows them on GET and in the list, canonical', async () => {
    const key = await h.createKey(acme.admin, {
      name: 'metered',
      ratelimits: [REQUESTS],
      ipAllowlist: ['203.0.113.9/24', '2001:DB8::1/32'],
      meta: { plan: 'pro', seats: 3 },
      externalId: 'cust-42',
      credits: { remaining: 500, refill: { interval: 'monthly', amount: 1000, refillDay: 15 } },
    });
    const expected = {
      ratelimits: [REQUESTS],
      ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
      meta: { plan: 'pro', seats: 3 },
      externalId: 'cust-42',
      credits: { remaining: 500, refill: { interval: 'monthly', amount: 1000, refillDay: 15 }, lastRefillAt: TEST_EPOCH.toISOString() },
    };
    expect(key).toMatchObject(expected);
    expect((await keyOf(key.accessKeyId)).body).toMatchObject(expected);
    const plain = await h.createKey(acme.admin, { name: 'plain' });
    expect(plain).toMatchObject(NONE);

    const listed = await h.request({ method: 'GET', url: '/v1/access-keys?externalId=cust-42', as: acme.admin });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([key.accessKeyId]);
    expect((await h.request({ method: 'GET', url: '/v1/access-keys?externalId=bad%20id', as: acme.admin })).status).toBe(400);
  });

  it('patches controls (null clears), and the key cache answers the new ones at once', async () => {
    const key = await h.createKey(acme.admin, { name: 'patched', meta: { team: 'a' } });
    // Verified once, so the key is cached.
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await h.services.keyCache.get(key.accessKeyId))?.controls?.meta).toEqual({ team: 'a' });

    const res = await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: acme.admin, body: { ratelimits: [REQUESTS], meta: null, externalId: 'cust-7' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ratelimits: [REQUESTS], meta: null, externalId: 'cust-7', credits: null });
    expect(h.services.keyCache.peek(key.accessKeyId)).toBeUndefined();
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await h.services.keyCache.get(key.accessKeyId))?.controls).toMatchObject({ ratelimits: [REQUESTS], meta: null, externalId: 'cust-7' });

    const cleared = await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: acme.admin, body: { ratelimits: null, externalId: null } });
    expect(cleared.body).toMatchObject(NONE);
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await h.services.keyCache.get(key.accessKeyId))?.controls).toBeNull();
  });

  it.each([
    [{ ratelimits: [{ name: 'r', limit: 0, durationMs: 1_000 }] }, 'ratelimits.0.limit'],
    [{ ratelimits: [{ name: 'r', limit: -3, durationMs: 1_000 }] }, 'ratelimits.0.limit'],
    [{ ratelimits: [{ name: 'r', limit: 1, durationMs: 500 }] }, 'ratelimits.0.durationMs'],
    [{ ratelimits: [{ name: 'r', limit: 1, durationMs: 31 * 86_400_000 }] }, 'ratelimits.0.durationMs'],
    [
      {
        ratelimits: [
          { name: 'r', limit: 1, durationMs: 1_000 },
          { name: 'r', limit: 2, durationMs: 1_000 },
        ],
      },
      'ratelimits.1.name',
    ],
    [{ ratelimits: [{ name: 'Upper', limit: 1, durationMs: 1_000 }] }, 'ratelimits.0.name'],
    [{ ipAllowlist: ['10.0.0.0/8', '300.1.1.1'] }, 'ipAllowlist.1'],
    [{ ipAllowlist: ['10.0.0.0/40'] }, 'ipAllowlist.0'],
    [{ meta: { blob: 'x'.repeat(5_000) } }, 'meta'],
    [{ meta: { password: 'hunter2' } }, 'meta.password'],
    [{ meta: ['not', 'an', 'object'] }, 'meta'],
    [{ externalId: 'has space' }, 'externalId'],
    [{ credits: { remaining: -1 } }, 'credits.remaining'],
    [{ credits: { remaining: 1, refill: { interval: 'weekly', amount: 5 } } }, 'credits.refill.interval'],
    [{ credits: { remaining: 1, refill: { interval: 'daily', amount: 5, refillDay: 2 } } }, 'credits.refill.refillDay'],
  ])('refuses %j with 400 naming %s, writing nothing', async (body, field) => {
    const before = (await readAllPages(h, acme.admin, '/v1/access-keys', 100)).items.length;
    const created = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { name: 'bad', ...body } });
    expect(created.status).toBe(400);
    expect(created.body.error.details.field).toBe(field);
    expect((await readAllPages(h, acme.admin, '/v1/access-keys', 100)).items.length).toBe(before);

    const key = await h.createKey(acme.admin, { name: 'untouched' });
    const patched = await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: acme.admin, body: { name: 'renamed', ...body } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details.field).toBe(field);
    expect((await keyOf(key.accessKeyId)).body).toMatchObject({ name: 'untouched', ...NONE });
  });

  it('members see the controls on their own keys but only administrators set them', async () => {
    const own = await h.createKey(member.session, { name: 'mine' });
    const refused = await h.request({ method: 'PATCH', url: `/v1/access-keys/${own.accessKeyId}`, as: member.session, body: { credits: { remaining: 1_000_000 } } });
    expect(refused.status).toBe(403);
    expect((await h.request({ method: 'POST', url: '/v1/access-keys', as: member.session, body: { name: 'x', ratelimits: [] } })).status).toBe(403);
    const set = await h.request({ method: 'PATCH', url: `/v1/access-keys/${own.accessKeyId}`, as: acme.admin, body: { credits: { remaining: 10 } } });
    expect(set.status).toBe(200);
    expect((await keyOf(own.accessKeyId, member.session)).body.credits).toMatchObject({ remaining: 10, refill: null });
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${own.accessKeyId}/credits`, as: member.session, body: { add: 5 } })).status).toBe(403);
    expect((await h.request({ method: 'GET', url: '/v1/identities', as: member.session })).status).toBe(403);
  });

  it('adds to and sets a key’s credits atomically; add stops at zero; unlimited credits take a set first', async () => {
    const key = await h.createKey(acme.admin, { name: 'credits', credits: { remaining: 5 } });
    const post = (body: unknown, id = key.accessKeyId, as = acme.admin) => h.request({ method: 'POST', url: `/v1/access-keys/${id}/credits`, as, body });
    expect((await post({ add: 10 })).body).toEqual({ remaining: 15, refill: null, lastRefillAt: null });
    expect((await post({ add: -100 })).body.remaining).toBe(0);
    expect((await post({ set: 42 })).body.remaining).toBe(42);
    expect((await keyOf(key.accessKeyId)).body.credits.remaining).toBe(42);
    for (const [body, field] of [
      [{ add: 0 }, 'add'],
      [{ add: 1.5 }, 'add'],
      [{ set: -1 }, 'set'],
    ] as const) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.field).toBe(field);
    }
    expect((await post({ add: 1, set: 1 })).status).toBe(400);
    expect((await post({})).status).toBe(400);

    const unlimited = await h.createKey(acme.admin, { name: 'unlimited' });
    expect((await post({ add: 1 }, unlimited.accessKeyId)).status).toBe(409);
    expect((await post({ set: 3 }, unlimited.accessKeyId)).body.remaining).toBe(3);
    expect((await keyOf(unlimited.accessKeyId)).body.credits).toEqual({ remaining: 3, refill: null, lastRefillAt: null });
    // Another tenant's key is not found.
    expect((await post({ set: 3 }, key.accessKeyId, globex.admin)).status).toBe(404);
  });

  it('puts, reads, lists and deletes identities; another tenant’s identity is 404', async () => {
    const put = (id: string, body: unknown, as = acme.admin) => h.request({ method: 'PUT', url: `/v1/identities/${id}`, as, body });
    const created = await put('acme-corp', { ratelimits: [REQUESTS], meta: { tier: 'gold' }, credits: { remaining: 100, refill: { interval: 'daily', amount: 100 } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      externalId: 'acme-corp',
      ratelimits: [REQUESTS],
      meta: { tier: 'gold' },
      credits: { remaining: 100, refill: { interval: 'daily', amount: 100 }, lastRefillAt: TEST_EPOCH.toISOString() },
    });
    const replaced = await put('acme-corp', { meta: { tier: 'silver' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ ratelimits: null, meta: { tier: 'silver' }, credits: null });
    await put('other-corp', {});
    const list = await readAllPages(h, acme.admin, '/v1/identities', 1);
    expect(list.items.map((i: { externalId: string }) => i.externalId).sort()).toEqual(['acme-corp', 'other-corp']);

    expect((await h.request({ method: 'GET', url: '/v1/identities/acme-corp', as: globex.admin })).status).toBe(404);
    expect((await h.request({ method: 'DELETE', url: '/v1/identities/acme-corp', as: globex.admin })).status).toBe(404);
    expect((await h.request({ method: 'POST', url: '/v1/identities/acme-corp/credits', as: globex.admin, body: { set: 1 } })).status).toBe(404);
    expect((await readAllPages(h, globex.admin, '/v1/identities', 10)).items).toEqual([]);

    const bad = await put('acme-corp', { ratelimits: [{ name: 'x', limit: 0, durationMs: 1_000 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('ratelimits.0.limit');
    expect((await h.request({ method: 'GET', url: '/v1/identities/acme-corp', as: acme.admin })).body.meta).toEqual({ tier: 'silver' });
    expect((await put('bad id!', {})).status).toBe(400);
    // The longest externalId (128 characters) fits in the path.
    expect((await put('x'.repeat(128), {})).status).toBe(201);
    expect((await h.request({ method: 'DELETE', url: `/v1/identities/${'x'.repeat(128)}`, as: acme.admin })).status).toBe(204);

    expect((await h.request({ method: 'POST', url: '/v1/identities/acme-corp/credits', as: acme.admin, body: { add: 5 } })).status).toBe(409);
    expect((await h.request({ method: 'POST', url: '/v1/identities/acme-corp/credits', as: acme.admin, body: { set: 5 } })).body.remaining).toBe(5);
    expect((await h.request({ method: 'POST', url: '/v1/identities/acme-corp/credits', as: acme.admin, body: { add: 2 } })).body.remaining).toBe(7);

    expect((await h.request({ method: 'DELETE', url: '/v1/identities/acme-corp', as: acme.admin })).status).toBe(204);
    expect((await h.request({ method: 'GET', url: '/v1/identities/acme-corp', as: acme.admin })).status).toBe(404);
    expect((await h.request({ method: 'DELETE', url: '/v1/identities/acme-corp', as: acme.admin })).status).toBe(404);
  });

  it('finds identities by a part of their external ID (q): any case, LIKE wildcards taken literally, paged, only the tenant’s own', async () => {
    for (const id of ['Acme_EU', 'acmeXeu', 'globex-1']) expect((await h.request({ method: 'PUT', url: `/v1/identities/${id}`, as: acme.admin, body: {} })).status).toBe(201);
    const found = async (q: string, as = acme.admin) => (await readAllPages(h, as, `/v1/identities?q=${encodeURIComponent(q)}`, 1)).items.map((i: { externalId: string }) => i.externalId).sort();
    expect(await found('ACME')).toEqual(['Acme_EU', 'acmeXeu']);
    // "_" is one character of LIKE: here it is only itself, so "acmeXeu" does not match "e_e".
    expect(await found('e_e')).toEqual(['Acme_EU']);
    expect(await found('%')).toEqual([]);
    expect(await found('  globex  ')).toEqual(['globex-1']);
    // No search: every identity of the tenant (earlier tests of this file made some too).
    expect(await found('')).toEqual(expect.arrayContaining(['Acme_EU', 'acmeXeu', 'globex-1']));
    expect(await found('acme', globex.admin)).toEqual([]);
    const tooLong = await h.request({ method: 'GET', url: `/v1/identities?q=${'a'.repeat(129)}`, as: acme.admin });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.field).toBe('q');
  });

  it('an identity change evicts the cached keys with its externalId, and they load its controls', async () => {
    const key = await h.createKey(acme.admin, { name: 'of an identity', externalId: 'shared-co' });
    const bystander = await h.createKey(acme.admin, { name: 'bystander', externalId: 'else-co' });
    for (const k of [key, bystander]) expect((await verify(h, k.token)).valid).toBe(true);
    // The creations' change rows are applied first, so no poll drops what is loaded next.
    await h.services.keyCache.poll();
    for (const k of [key, bystander]) expect((await h.services.keyCache.get(k.accessKeyId))?.controls?.identityRatelimits).toEqual([]);

    await h.request({ method: 'PUT', url: '/v1/identities/shared-co', as: acme.admin, body: { ratelimits: [REQUESTS], credits: { remaining: 3 } } });
    expect(h.services.keyCache.peek(key.accessKeyId)).toBeUndefined();
    expect(h.services.keyCache.peek(bystander.accessKeyId)).not.toBeUndefined();
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await h.services.keyCache.get(key.accessKeyId))?.controls).toMatchObject({ identityRatelimits: [REQUESTS], identityHasCredits: true, externalId: 'shared-co' });
  });

  it('takes tenant defaults per key type and an IP default through the policy, and keys without their own use them', async () => {
    const current = (await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body;
    expect(current).toMatchObject({ defaultRatelimits: { access: [], api: [] }, defaultIpAllowlist: [] });
    const bad = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...current, defaultIpAllowlist: ['nope'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('defaultIpAllowlist.0');
    const bad2 = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...current, defaultRatelimits: { access: [], api: [{ name: 'r', limit: 0, durationMs: 1_000 }] } } });
    expect(bad2.status).toBe(400);

    const key = await h.createKey(acme.admin, { name: 'uses defaults' });
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await h.services.keyCache.get(key.accessKeyId))?.controls).toBeNull();
    const put = await h.request({
      method: 'PUT',
      url: '/v1/policy',
      as: acme.admin,
      body: { ...current, defaultRatelimits: { access: [], api: [REQUESTS] }, defaultIpAllowlist: ['192.0.2.1/24'] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ defaultRatelimits: { access: [], api: [REQUESTS] }, defaultIpAllowlist: ['192.0.2.0/24'] });
    // A client that does not know the rules leaves them as they are.
    const { defaultRatelimits: _r, defaultIpAllowlist: _i, ...older } = put.body;
    expect((await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: older })).body.defaultIpAllowlist).toEqual(['192.0.2.0/24']);
    // The key names no IP rule of its own, so the tenant's default applies: the test's loopback address is outside it…
    expect(await verify(h, key.token)).toMatchObject({ valid: false, code: 'IP_NOT_ALLOWED' });
    expect((await h.services.keyCache.get(key.accessKeyId))?.controls).toMatchObject({ ratelimits: [REQUESTS], ipAllowlist: ['192.0.2.0/24'] });
    // …and an end client inside it (given by the verifier) is let through.
    const verifier = await verifierForText(h.services, h.store, key.token);
    const inside = await h.request({ method: 'POST', url: '/v1/verify', as: verifier, body: { token: key.token, context: { sourceIp: '192.0.2.77' } } });
    expect(inside.body).toMatchObject({ valid: true });

    const rules = (await h.request({ method: 'GET', url: '/v1/policy/rules', as: acme.admin })).body.rules;
    expect(rules.find((r: { name: string }) => r.name === 'defaultRatelimits')).toEqual({ name: 'defaultRatelimits', kind: 'ratelimits', maximum: 16, default: { access: [], api: [] } });
    expect(rules.find((r: { name: string }) => r.name === 'defaultIpAllowlist')).toEqual({ name: 'defaultIpAllowlist', kind: 'cidrs', maximum: 100, default: [] });
    await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...current } });
  });

  it('audits every change, with no secret in the events', async () => {
    const key = await h.createKey(acme.admin, { name: 'audited', credits: { remaining: 1 }, meta: { team: 'x' } });
    await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: acme.admin, body: { ipAllowlist: ['10.0.0.0/8'] } });
    await h.request({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/credits`, as: acme.admin, body: { add: 4 } });
    await h.request({ method: 'PUT', url: '/v1/identities/audited-co', as: acme.admin, body: { meta: { a: 1 } } });
    await h.request({ method: 'DELETE', url: '/v1/identities/audited-co', as: acme.admin });
    await h.request({ method: 'PUT', url: '/v1/identities/audited-co', as: member.session, body: {} });
    const { items } = await readAllPages(h, acme.admin, '/v1/audit-events', 100);
    const of = (action: string) => items.filter((e: { action: string }) => e.action === action);
    expect(of('access_key.create').find((e: { targetId: string }) => e.targetId === key.accessKeyId)?.details).toMatchObject({ credits: { remaining: 1 }, meta: { team: 'x' } });
    expect(of('access_key.update').find((e: { targetId: string }) => e.targetId === key.accessKeyId)?.details).toMatchObject({ ipAllowlist: ['10.0.0.0/8'] });
    expect(of('access_key.credits')[0]).toMatchObject({ targetId: key.accessKeyId, details: { add: 4, remaining: 5 } });
    expect(of('identity.create').map((e: { targetId: string }) => e.targetId)).toContain('audited-co');
    expect(of('identity.delete').map((e: { targetId: string }) => e.targetId)).toContain('audited-co');
    expect(of('identity.put').find((e: { result: string }) => e.result === 'failure')).toBeDefined();
    const text = JSON.stringify(items);
    expect(text).not.toContain(key.secret);
    expect(text).not.toContain(key.token);
  });

  it('a bearer key of an admin manages controls as its owner; another tenant’s key is 404', async () => {
    const admin = await h.createKey(acme.admin, { name: 'automation', type: 'access' });
    const target = await h.createKey(acme.admin, { name: 'target' });
    const res = await h.request({ method: 'PATCH', url: `/v1/access-keys/${target.accessKeyId}`, as: bearer(admin), body: { externalId: 'via-api' } });
    expect(res.status).toBe(200);
    expect((await h.request({ method: 'PATCH', url: `/v1/access-keys/${target.accessKeyId}`, as: globex.admin, body: { externalId: 'x' } })).status).toBe(404);
    expect((await h.request({ method: 'GET', url: '/v1/access-keys?externalId=via-api', as: globex.admin })).body.items).toEqual([]);
  });
});
