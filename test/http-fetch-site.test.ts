/**
 * Issue 10 item 10: a state-changing request riding on a console session cookie is refused when
 * the browser says it comes from another site (Sec-Fetch-Site: cross-site), even with the right
 * CSRF token; defence in depth behind the token and SameSite=Strict. Keys carry no cookie and are
 * not concerned; reads are not concerned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { bearer, openHttp, type Harness, type IssuedKey, type Tenant } from './support/http.js';

describe('Sec-Fetch-Site on cookie sessions (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let automation: IssuedKey;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    automation = await h.createKey(acme.admin, { type: 'access', name: 'automation' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const keyNames = async () => (await h.request({ method: 'GET', url: '/v1/access-keys?limit=100', as: acme.admin })).body.items.map((k: { name: string }) => k.name);

  it('refuses a cross-site POST with a valid session and CSRF token, and creates nothing', async () => {
    const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { name: 'cross-site' }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'CROSS_SITE_REQUEST', message: expect.stringContaining('Sec-Fetch-Site') });
    expect(await keyNames()).not.toContain('cross-site');
  });

  it('refuses cross-site PUT, PATCH, DELETE and sign-out too: the session and the policy stay as they were', async () => {
    const cross = { 'sec-fetch-site': 'cross-site' };
    const policy = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...DEFAULT_POLICY, memberKeyLimit: 9 }, headers: cross });
    expect(policy.status).toBe(403);
    expect((await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body.memberKeyLimit).toBe(DEFAULT_POLICY.memberKeyLimit);
    const rename = await h.request({ method: 'PATCH', url: `/v1/access-keys/${automation.accessKeyId}`, as: acme.admin, body: { name: 'renamed' }, headers: cross });
    expect(rename.status).toBe(403);
    const remove = await h.request({ method: 'DELETE', url: `/v1/access-keys/${automation.accessKeyId}`, as: acme.admin, headers: cross });
    expect(remove.status).toBe(403);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${automation.accessKeyId}`, as: acme.admin })).body).toMatchObject({ name: 'automation', state: 'enabled' });
    expect((await h.request({ method: 'POST', url: '/v1/auth/logout', as: acme.admin, headers: cross })).status).toBe(403);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: acme.admin })).status).toBe(200);
  });

  it('passes same-origin, same-site, none and absent Sec-Fetch-Site, and cross-site reads', async () => {
    for (const site of ['same-origin', 'same-site', 'none', undefined]) {
      const name = `from ${site ?? 'an old browser'}`;
      const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { name }, headers: site === undefined ? {} : { 'sec-fetch-site': site } });
      expect(res.status, name).toBe(201);
    }
    expect((await h.request({ method: 'GET', url: '/v1/me', as: acme.admin, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('still refuses a cross-site request without the CSRF token as before', async () => {
    const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { name: 'no token' }, csrf: false, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(['CSRF_TOKEN_INVALID', 'CROSS_SITE_REQUEST']).toContain(res.body.error.code);
  });

  it('does not concern an access key (no cookie): a cross-site header on a keyed call is no CSRF', async () => {
    const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: bearer(automation), body: { name: 'by key' }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(201);
  });
});
