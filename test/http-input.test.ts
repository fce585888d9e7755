/** HTTP: bad input gets a clear 400-class error in the one envelope, writes nothing, and is never a 500. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { openHttp, PASSWORD, routeTable, type Harness, type Response, type Tenant } from './support/http.js';

describe('HTTP input validation (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let ids: Record<string, string>;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    const member = await h.addUser(acme.admin);
    const key = await h.createKey(acme.admin);
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'r', permissions: ['a:b'] } });
    const group = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'g' } });
    ids = { accessKeyId: key.accessKeyId, userId: member.id, roleId: role.body.id, groupId: group.body.id };
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Every row of every table but the login throttle's, to prove a refused request wrote nothing. */
  const snapshot = async () => {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name != 'login_failures' order by name`.execute(h.store.db);
    const dump: Record<string, unknown[]> = {};
    // Rows in a stable order whatever the table's keys (some tables have no rowid).
    for (const { name } of tables.rows) dump[name] = (await sql.raw(`select * from "${name}"`).execute(h.store.db)).rows.map((r) => JSON.stringify(r)).sort();
    return dump;
  };
  const expectError = (res: Response, status: number, code: unknown, what: string) => {
    expect(res.status, `${what}: ${res.text}`).toBe(status);
    expect(res.body, what).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String), ...(res.body?.error?.details && { details: expect.anything() }) } });
    expect(res.headers['x-request-id'], what).toBe(res.body.error.requestId);
  };

  const writes = () =>
    [
      { method: 'POST', url: '/v1/access-keys' },
      { method: 'PATCH', url: `/v1/access-keys/${ids.accessKeyId}` },
      { method: 'POST', url: `/v1/access-keys/${ids.accessKeyId}/rotate` },
      { method: 'POST', url: '/v1/users' },
      { method: 'PATCH', url: `/v1/users/${ids.userId}` },
      { method: 'POST', url: '/v1/roles' },
      { method: 'PATCH', url: `/v1/roles/${ids.roleId}` },
      { method: 'POST', url: '/v1/groups' },
      { method: 'PATCH', url: `/v1/groups/${ids.groupId}` },
      { method: 'PUT', url: '/v1/policy' },
      { method: 'PUT', url: '/v1/me/password' },
      { method: 'POST', url: '/v1/verify' },
      { method: 'POST', url: '/v1/auth/login' },
    ] as const;

  it('answers malformed JSON with 400 MALFORMED_JSON on every route that takes a body', async () => {
    const before = await snapshot();
    for (const call of writes()) {
      for (const body of ['{"name": ', '{name: "x"}', "{'a': 1}", '{"a": 1,}', '\u0000', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"x": 1}}}']) {
        expectError(await h.request({ ...call, as: acme.admin, body }), 400, 'MALFORMED_JSON', `${call.method} ${call.url} ${JSON.stringify(body)}`);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers wrong types with VALIDATION_FAILED and unknown fields with UNKNOWN_FIELD naming the field', async () => {
    const before = await snapshot();
    const cases: [string, 'POST' | 'PATCH' | 'PUT', unknown, string][] = [
      ['/v1/access-keys', 'POST', { name: 42 }, 'VALIDATION_FAILED'],
      ['/v1/access-keys', 'POST', { roleIds: 'rol_aaaaaaaaaaaaaaaa' }, 'VALIDATION_FAILED'],
      ['/v1/access-keys', 'POST', { neverExpires: 'true' }, 'VALIDATION_FAILED'],
      ['/v1/access-keys', 'POST', [], 'VALIDATION_FAILED'],
      ['/v1/access-keys', 'POST', 'null', 'VALIDATION_FAILED'],
      ['/v1/access-keys', 'POST', '"a key"', 'VALIDATION_FAILED'],
      ['/v1/access-keys', 'POST', { name: 'x', secret: 'mine' }, 'UNKNOWN_FIELD'],
      ['/v1/access-keys', 'POST', { name: 'x', state: 'enabled' }, 'UNKNOWN_FIELD'],
      [`/v1/access-keys/${ids.accessKeyId}`, 'PATCH', { ownerId: ids.userId }, 'UNKNOWN_FIELD'],
      [`/v1/access-keys/${ids.accessKeyId}`, 'PATCH', { name: ['x'] }, 'VALIDATION_FAILED'],
      [`/v1/access-keys/${ids.accessKeyId}`, 'PATCH', {}, 'VALIDATION_FAILED'],
      [`/v1/access-keys/${ids.accessKeyId}/rotate`, 'POST', { overlapSeconds: '60' }, 'VALIDATION_FAILED'],
      [`/v1/access-keys/${ids.accessKeyId}/rotate`, 'POST', { overlapSeconds: -1 }, 'VALIDATION_FAILED'],
      [`/v1/access-keys/${ids.accessKeyId}/rotate`, 'POST', { keepOld: true }, 'UNKNOWN_FIELD'],
      ['/v1/users', 'POST', { email: 'a@b.test', password: PASSWORD, admin: true }, 'UNKNOWN_FIELD'],
      ['/v1/users', 'POST', { email: 12, password: PASSWORD }, 'VALIDATION_FAILED'],
      [`/v1/users/${ids.userId}`, 'PATCH', { programmaticAccess: 'yes' }, 'VALIDATION_FAILED'],
      [`/v1/users/${ids.userId}`, 'PATCH', { passwordHash: 'x' }, 'UNKNOWN_FIELD'],
      ['/v1/roles', 'POST', { name: 'x', permissions: 'a:b' }, 'VALIDATION_FAILED'],
      ['/v1/roles', 'POST', { name: 'x', permissions: [], tenantId: 'tnt_aaaaaaaaaaaaaaaa' }, 'UNKNOWN_FIELD'],
      ['/v1/groups', 'POST', { name: 'x', userIds: [1] }, 'VALIDATION_FAILED'],
      ['/v1/policy', 'PUT', { ...DEFAULT_POLICY, memberKeyLimit: '2' }, 'VALIDATION_FAILED'],
      ['/v1/me/password', 'PUT', { currentPassword: PASSWORD }, 'VALIDATION_FAILED'],
      ['/v1/verify', 'POST', { token: 5 }, 'VALIDATION_FAILED'],
      ['/v1/verify', 'POST', { token: 'x', userId: ids.userId }, 'UNKNOWN_FIELD'],
      ['/v1/verify', 'POST', { token: 'x'.repeat(201) }, 'VALIDATION_FAILED'],
      ['/v1/auth/login', 'POST', { tenant: acme.slug, email: acme.admin.email }, 'VALIDATION_FAILED'],
      ['/v1/auth/login', 'POST', { tenant: acme.slug, email: acme.admin.email, password: PASSWORD, remember: true }, 'UNKNOWN_FIELD'],
    ];
    for (const [url, method, body, code] of cases) {
      const res = await h.request({ method, url, as: acme.admin, body });
      expectError(res, 400, code, `${method} ${url} ${JSON.stringify(body)}`);
      if (code === 'UNKNOWN_FIELD') expect(res.body.error.message).toMatch(/Unknown field "\w+"/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers an oversize body with 413 PAYLOAD_TOO_LARGE and another media type with 415', async () => {
    const before = await snapshot();
    const huge = JSON.stringify({ name: 'x'.repeat(h.config.bodyLimitBytes) });
    for (const call of writes()) {
      expectError(await h.request({ ...call, as: acme.admin, body: huge }), 413, 'PAYLOAD_TOO_LARGE', `${call.method} ${call.url}`);
      const text = await h.request({ ...call, as: acme.admin, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectError(text, 415, 'UNSUPPORTED_MEDIA_TYPE', `${call.method} ${call.url} form`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers malformed IDs in paths with 400 MALFORMED_ID', async () => {
    const before = await snapshot();
    const params = routeTable(h.app).filter((r) => r.url.includes('/:'));
    expect(params.length).toBeGreaterThanOrEqual(15);
    for (const route of params) {
      // An identity's externalId is the tenant's own ID for its customer: "nope" or "usr_…" are fine ones.
      const external = route.url.includes(':externalId');
      const bads = external
        ? ['%20', "1'%20OR%20'1'='1", `${'x'.repeat(120)}!`, '%C3%A9', 'a%3Cb']
        : ['nope', 'LK123', 'lkaaaaaaaaaaaaaaaaaa', 'usr_AAAAAAAAAAAAAAAA', 'rol_aaaa', '%20', "1'%20OR%20'1'='1", 'x'.repeat(100)];
      for (const bad of bads) {
        const url = route.url.replace(/:\w+/, bad);
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const res = await h.request({ method: route.method as 'GET', url, as: acme.admin, ...(body && { body }) });
        expectError(res, 400, 'MALFORMED_ID', `${route.method} ${url}`);
      }
    }
    // Past the longest an externalId may be (128), the router itself refuses it.
    const tooLong = await h.request({ method: 'GET', url: `/v1/identities/${'x'.repeat(129)}`, as: acme.admin });
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'MALFORMED_ID']);
    expect(await snapshot()).toEqual(before);
  });

  it('answers a bad cursor with 400 INVALID_CURSOR on every listing', async () => {
    const lists = ['/v1/access-keys', '/v1/users', '/v1/roles', '/v1/groups', '/v1/audit-events', '/v1/identities', `/v1/access-keys/${ids.accessKeyId}/access-records`];
    const forged = Buffer.from(JSON.stringify(['soon', 'x'])).toString('base64url');
    for (const url of lists) {
      for (const cursor of ['!!', 'bm90IGpzb24', forged, Buffer.from('[1,2,3]').toString('base64url')]) {
        expectError(await h.request({ method: 'GET', url: `${url}?cursor=${cursor}`, as: acme.admin }), 400, 'INVALID_CURSOR', `${url} ${cursor}`);
      }
      expectError(await h.request({ method: 'GET', url: `${url}?limit=1000`, as: acme.admin }), 400, 'VALIDATION_FAILED', url);
      expectError(await h.request({ method: 'GET', url: `${url}?page=2`, as: acme.admin }), 400, 'UNKNOWN_FIELD', url);
    }
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND in the envelope', async () => {
    for (const [method, url] of [
      ['GET', '/v1/nothing-here'],
      ['POST', '/v1/access-keys/LKAAAAAAAAAAAAAAAAAA/explode'],
      ['DELETE', '/v1/users'],
    ] as const) {
      const res = await h.request({ method, url, as: acme.admin });
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('never answers 500 to anything a client can send', async () => {
    const bodies = ['', 'null', '[]', '"text"', '123', 'true', '{}', '{"a":', '{"name": {"$gt": ""}}', JSON.stringify({ name: '\u0000\uffff\ud800' }), '{"roleIds": [null]}'];
    const params = ['', 'LKAAAAAAAAAAAAAAAAAA', '%E0%A4%A', '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(2000)];
    const routes = routeTable(h.app).filter((r) => !r.url.startsWith('/docs') && r.url !== '/v1/auth/logout');
    const seen = new Set<number>();
    for (const route of routes) {
      for (const param of route.url.includes('/:') ? params : ['']) {
        const url = route.url.replace(/:\w+/g, (m) => (param === '' ? ids[m.slice(1)]! : param));
        for (const body of route.method === 'GET' ? [undefined] : bodies) {
          for (const query of body === undefined || body === '{}' ? ['', '?limit=-1&cursor=%ZZ&state[]=x', '?userId=usr_aaaaaaaaaaaaaaaa&userId=x'] : ['']) {
            const res = await h.request({ method: route.method as 'GET', url: url + query, as: acme.admin, ...(body !== undefined && { body }) });
            seen.add(res.status);
            expect(res.status, `${route.method} ${url}${query} ${body}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
            // Even what the router refuses before any handler runs (a bad percent-encoding, a path
            // parameter over 100 characters) answers in the error envelope.
            if (res.status >= 400) {
              expect(res.body?.error?.code, `${route.method} ${url}${query} ${body}`).toEqual(expect.any(String));
              expect(res.body.error.requestId).toMatch(/^req_/);
            }
            if (param === '%E0%A4%A') expect(res.body.error.code).toBe('BAD_REQUEST');
            if (param.length > 100) expect(res.body.error.code).toBe('MALFORMED_ID');
          }
        }
      }
    }
    expect(seen.has(400)).toBe(true);
  });
});
