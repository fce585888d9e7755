/** HTTP: nothing crosses tenants, and members cannot reach each other's keys — all 404, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { bearer, openHttp, verifierFor, type Harness, type IssuedKey, type RequestOptions, type Tenant } from './support/http.js';

describe.each(DATABASE_KINDS)('HTTP isolation on %s', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  let globexMember: { id: string };
  let globexKey: IssuedKey;
  let globexRole: { id: string };
  let globexGroup: { id: string };
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    globex = await h.bootstrap();
    globexMember = await h.addUser(globex.admin);
    globexKey = await h.createKey(globex.admin, { userId: globexMember.id, name: 'globex key' });
    globexRole = (await h.request({ method: 'POST', url: '/v1/roles', as: globex.admin, body: { name: 'globex-role', permissions: ['g:read'] } })).body;
    globexGroup = (await h.request({ method: 'POST', url: '/v1/groups', as: globex.admin, body: { name: 'globex-group', roleIds: [globexRole.id] } })).body;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Every route that names a key, user, role or group, aimed at the given objects. */
  const callsOn = (ids: { key: string; user: string; role: string; group: string }): Omit<RequestOptions, 'as'>[] => [
    { method: 'GET', url: `/v1/access-keys/${ids.key}` },
    { method: 'PATCH', url: `/v1/access-keys/${ids.key}`, body: { name: 'hijacked' } },
    { method: 'DELETE', url: `/v1/access-keys/${ids.key}` },
    { method: 'POST', url: `/v1/access-keys/${ids.key}/disable` },
    { method: 'POST', url: `/v1/access-keys/${ids.key}/enable` },
    { method: 'POST', url: `/v1/access-keys/${ids.key}/rotate`, body: {} },
    { method: 'GET', url: `/v1/access-keys/${ids.key}/permissions` },
    { method: 'GET', url: `/v1/access-keys/${ids.key}/access-records` },
    { method: 'GET', url: `/v1/users/${ids.user}` },
    { method: 'PATCH', url: `/v1/users/${ids.user}`, body: { status: 'disabled' } },
    { method: 'GET', url: `/v1/roles/${ids.role}` },
    { method: 'PATCH', url: `/v1/roles/${ids.role}`, body: { permissions: ['*'] } },
    { method: 'DELETE', url: `/v1/roles/${ids.role}` },
    { method: 'GET', url: `/v1/groups/${ids.group}` },
    { method: 'PATCH', url: `/v1/groups/${ids.group}`, body: { userIds: [] } },
    { method: 'DELETE', url: `/v1/groups/${ids.group}` },
    { method: 'POST', url: '/v1/access-keys', body: { userId: ids.user } },
  ];

  const globexUnchanged = async () => {
    const key = await h.request({ method: 'GET', url: `/v1/access-keys/${globexKey.accessKeyId}`, as: globex.admin });
    expect(key.body).toMatchObject({ state: 'enabled', name: 'globex key' });
    expect((await h.request({ method: 'GET', url: `/v1/users/${globexMember.id}`, as: globex.admin })).body.status).toBe('active');
    expect((await h.request({ method: 'GET', url: `/v1/roles/${globexRole.id}`, as: globex.admin })).body.permissions).toEqual(['g:read']);
    expect((await h.request({ method: 'GET', url: `/v1/groups/${globexGroup.id}`, as: globex.admin })).body.roleIds).toEqual([globexRole.id]);
    const verified = await h.request({ method: 'POST', url: '/v1/verify', as: await verifierFor(h.services, globex.admin.tenantId), body: { token: globexKey.token } });
    expect(verified.body.valid).toBe(true);
  };

  it("answers 404 to another tenant's admin for every route on a key, user, role or group", async () => {
    const ids = { key: globexKey.accessKeyId, user: globexMember.id, role: globexRole.id, group: globexGroup.id };
    for (const call of callsOn(ids)) {
      const res = await h.request({ ...call, as: acme.admin });
      expect(res.status, `${call.method} ${call.url}`).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    await globexUnchanged();
  });

  it("answers 404 to another tenant's access key on the management API as well", async () => {
    const acmeKey = await h.createKey(acme.admin, { type: 'access' });
    const ids = { key: globexKey.accessKeyId, user: globexMember.id, role: globexRole.id, group: globexGroup.id };
    for (const call of callsOn(ids)) {
      const res = await h.request({ ...call, as: bearer(acmeKey) });
      expect(res.status, `${call.method} ${call.url}`).toBe(404);
    }
    await globexUnchanged();
  });

  it("never lists or links another tenant's objects", async () => {
    for (const url of ['/v1/access-keys?limit=100', '/v1/users?limit=100', '/v1/roles?limit=100', '/v1/groups?limit=100', '/v1/audit-events?limit=100']) {
      const res = await h.request({ method: 'GET', url, as: acme.admin });
      expect(res.status, url).toBe(200);
      for (const id of [globexKey.accessKeyId, globexMember.id, globexRole.id, globexGroup.id, globex.tenantId]) expect(res.text, url).not.toContain(id);
    }
    const filtered = await h.request({ method: 'GET', url: `/v1/access-keys?userId=${globexMember.id}`, as: acme.admin });
    expect(filtered.body.items).toEqual([]);
    const foreignRefs = [
      { method: 'POST', url: '/v1/access-keys', body: { roleIds: [globexRole.id] } },
      { method: 'POST', url: '/v1/access-keys', body: { groupIds: [globexGroup.id] } },
      { method: 'POST', url: '/v1/groups', body: { name: 'steal', userIds: [globexMember.id] } },
      { method: 'POST', url: '/v1/groups', body: { name: 'steal', roleIds: [globexRole.id] } },
      { method: 'POST', url: '/v1/users', body: { email: 'x@example.test', password: 'a long enough password', roleIds: [globexRole.id] } },
    ] as const;
    for (const call of foreignRefs) {
      const res = await h.request({ ...call, as: acme.admin });
      expect(res.status, JSON.stringify(call.body)).toBe(400);
      expect(res.text).toMatch(/Unknown (role|group|user)/);
    }
    await globexUnchanged();
  });

  it("answers 404 to a member for another member's key, and lists only their own", async () => {
    const mia = await h.createUser(acme.admin);
    const max = await h.createUser(acme.admin);
    const miasKey = await h.createKey(mia.session, { name: 'mia' });
    const maxKey = await h.createKey(max.session, { name: 'max', type: 'access' });
    for (const call of callsOn({ key: miasKey.accessKeyId, user: mia.id, role: 'rol_aaaaaaaaaaaaaaaa', group: 'grp_aaaaaaaaaaaaaaaa' }).slice(0, 8)) {
      for (const as of [max.session, bearer(maxKey)]) {
        const res = await h.request({ ...call, as });
        expect(res.status, `${call.method} ${call.url}`).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
    }
    const list = await h.request({ method: 'GET', url: '/v1/access-keys', as: max.session });
    expect(list.body.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([maxKey.accessKeyId]);
    const mine = await h.request({ method: 'GET', url: `/v1/access-keys/${miasKey.accessKeyId}`, as: mia.session });
    expect(mine.body).toMatchObject({ name: 'mia', state: 'enabled' });
  });
});
