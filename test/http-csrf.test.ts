/** HTTP: every state-changing route refuses a cookie session without its CSRF token — and writes nothing. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { openHttp, PASSWORD, routeTable, type Harness, type Session, type Tenant } from './support/http.js';

/** Routes that take no session at all (sign-in, forgot password, verification, the gateway's authorize check for every method, and leak reports and self-revoke, which authenticate by the token they carry). */
const OPEN_ROUTES = new Set([
  'POST /v1/auth/login',
  'POST /v1/leaks',
  'POST /v1/access-keys/self-revoke',
  'POST /v1/auth/password-reset',
  'POST /v1/auth/password-reset/complete',
  'POST /v1/verify',
  'POST /v1/verify/batch',
  'POST /v1/authorize',
  'PUT /v1/authorize',
  'PATCH /v1/authorize',
  'DELETE /v1/authorize',
]);

describe('HTTP CSRF protection (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let other: Session;
  let ids: Record<string, string>;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    other = (await h.bootstrap()).admin;
    const member = await h.addUser(acme.admin);
    const key = await h.createKey(acme.admin);
    await h.request({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/disable`, as: acme.admin });
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'r', permissions: ['a:b'] } });
    const group = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'g' } });
    // Another admin disabling one of acme.admin's keys leaves acme.admin a notification to mark read.
    const otherAdmin = await h.createUser(acme.admin, { role: 'admin' });
    const own = await h.createKey(acme.admin);
    await h.request({ method: 'POST', url: `/v1/access-keys/${own.accessKeyId}/disable`, as: otherAdmin.session });
    const notificationId = (await h.request({ method: 'GET', url: '/v1/notifications', as: acme.admin })).body.items[0].id;
    ids = { accessKeyId: key.accessKeyId, userId: member.id, roleId: role.body.id, groupId: group.body.id, notificationId, externalId: 'csrf-co' };
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A body each route would accept, so only the CSRF check stands between the request and a write. */
  const BODIES: Record<string, unknown> = {
    'POST /v1/auth/logout': undefined,
    'PUT /v1/me/password': { currentPassword: PASSWORD, newPassword: 'a different long password' },
    'POST /v1/users': { email: 'csrf@example.test', password: PASSWORD },
    'PATCH /v1/users/:userId': { status: 'disabled' },
    'POST /v1/roles': { name: 'csrf', permissions: ['*'] },
    'PATCH /v1/roles/:roleId': { permissions: ['*'] },
    'DELETE /v1/roles/:roleId': undefined,
    'POST /v1/groups': { name: 'csrf' },
    'PATCH /v1/groups/:groupId': { name: 'csrf' },
    'DELETE /v1/groups/:groupId': undefined,
    'PUT /v1/policy': { ...DEFAULT_POLICY, memberKeyLimit: null },
    'POST /v1/access-keys': { name: 'csrf' },
    'POST /v1/access-keys/import': {
      keys: [{ owner: 'admin@example.test', name: 'csrf', state: 'enabled', expiresAt: null, secret: 'lk_LKAAAAAAAAAAAAAAAAAA_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123000000' }],
    },
    'PATCH /v1/access-keys/:accessKeyId': { name: 'csrf' },
    'DELETE /v1/access-keys/:accessKeyId': undefined,
    'POST /v1/access-keys/:accessKeyId/disable': undefined,
    'POST /v1/access-keys/:accessKeyId/enable': undefined,
    'POST /v1/access-keys/:accessKeyId/rotate': {},
    'POST /v1/access-keys/:accessKeyId/replace': undefined,
    'POST /v1/access-keys/:accessKeyId/end-overlap': undefined,
    'POST /v1/access-keys/:accessKeyId/reveal': undefined,
    'POST /v1/access-keys/:accessKeyId/credits': { set: 5 },
    'PUT /v1/identities/:externalId': { meta: { a: 1 } },
    'DELETE /v1/identities/:externalId': undefined,
    'POST /v1/identities/:externalId/credits': { set: 5 },
    'POST /v1/auth/step-up/start': undefined,
    'POST /v1/auth/step-up/verify': { code: '123456' },
    'POST /v1/me/totp': undefined,
    'POST /v1/me/totp/confirm': { code: '123456' },
    'DELETE /v1/me/totp': { code: '123456' },
    'DELETE /v1/users/:userId/totp': undefined,
    'POST /v1/users/:userId/password-reset': undefined,
    'POST /v1/me/totp/recovery-codes': { code: '123456' },
    'POST /v1/notifications/:notificationId/read': undefined,
    'POST /v1/notifications/read-all': undefined,
  };

  const stateChanging = () =>
    routeTable(h.app)
      .filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method))
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !OPEN_ROUTES.has(r));

  /** Every row of every table (access records and login failures aside), to prove nothing moved. */
  const snapshot = async () => {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(h.store.db);
    const dump: Record<string, unknown[]> = {};
    // Rows in a stable order whatever the table's keys (some tables have no rowid).
    for (const { name } of tables.rows) dump[name] = (await sql.raw(`select * from "${name}"`).execute(h.store.db)).rows.map((r) => JSON.stringify(r)).sort();
    return dump;
  };

  it('knows a body for every state-changing route, so none escapes the check', () => {
    expect(stateChanging().sort()).toEqual(Object.keys(BODIES).sort());
  });

  it('refuses a missing, empty, wrong or other-session CSRF token with 403 CSRF_TOKEN_INVALID on every such route', async () => {
    const before = await snapshot();
    for (const route of stateChanging()) {
      const [method, pattern] = route.split(' ') as ['POST' | 'PUT' | 'PATCH' | 'DELETE', string];
      const url = pattern.replace(/:(\w+)/g, (_, name: string) => ids[name]!);
      const body = BODIES[route];
      for (const csrf of [false, '', 'not-the-token', other.csrfToken, `${acme.admin.csrfToken}x`] as const) {
        const res = await h.request({ method, url, as: acme.admin, csrf, ...(body !== undefined && { body }) });
        expect(res.status, `${route} with csrf=${JSON.stringify(csrf)}`).toBe(403);
        expect(res.body.error.code).toBe('CSRF_TOKEN_INVALID');
      }
    }
    expect(await snapshot()).toEqual(before);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: acme.admin })).status).toBe(200);
  });

  it('lets the same requests through with the right token (the check is what stopped them)', async () => {
    const res = await h.request({ method: 'PATCH', url: `/v1/access-keys/${ids.accessKeyId}`, as: acme.admin, body: { name: 'csrf' } });
    expect(res.status).toBe(200);
    const logout = await h.request({ method: 'POST', url: '/v1/auth/logout', as: acme.admin });
    expect(logout.status).toBe(204);
  });
});
