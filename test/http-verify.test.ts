/** HTTP: POST /v1/verify answers, and access-type keys on the management API (Authorization: Bearer). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { bearer, DAY_MS, openHttp, verifierFor, verify as verifyOnce, type CreatedUser, type Harness, type IssuedKey, type Tenant } from './support/http.js';

describe('HTTP verification (sqlite)', () => {
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

  /** Verifies, then moves the clock 1 ms: access records made in one millisecond have no order. */
  const verify = async (harness: Harness, token: string, permission?: string) => {
    const answer = await verifyOnce(harness, token, permission);
    harness.clock.advance(1);
    return answer;
  };
  const records = async (k: { accessKeyId: string }) => {
    await h.services.recorder.flush();
    const res = await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/access-records?limit=100`, as: acme.admin });
    expect(res.status).toBe(200);
    return res.body.items as { code: string | null; outcome: string; permission: string | null; detail: Record<string, string> | null }[];
  };
  const patchUser = (id: string, body: Record<string, unknown>) => h.request({ method: 'PATCH', url: `/v1/users/${id}`, as: acme.admin, body });

  it('answers a valid token with the key, tenant, owner, permissions and expiry', async () => {
    const k = await h.createKey(acme.admin, { expiresInDays: 30 });
    const res = await h.request({ method: 'POST', url: '/v1/verify', as: await verifierFor(h.services, acme.tenantId), body: { token: k.token } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      valid: true,
      accessKeyId: k.accessKeyId,
      tenantId: acme.tenantId,
      userId: acme.admin.userId,
      type: 'api',
      permissions: ['*'],
      expiresAt: k.expiresAt,
    });
  });

  it('answers MALFORMED for garbage and a broken checksum, without naming any key', async () => {
    const k = await h.createKey(acme.admin);
    const last = k.token.at(-1)!;
    const broken = k.token.slice(0, -1) + (last === 'a' ? 'b' : 'a');
    for (const token of ['hello', 'lk_', `lk_${k.accessKeyId}_${k.secret}`, broken, k.token.toLowerCase(), ` ${k.token}`]) {
      expect(await verify(h, token), token).toEqual({ valid: false, code: 'MALFORMED', message: expect.any(String) });
    }
    expect(await records(k)).toEqual([]);
  });

  it('answers KEY_NOT_FOUND for an unknown key and for a wrong secret alike; the record says SECRET_MISMATCH', async () => {
    const k = await h.createKey(acme.admin);
    const unknown = await verify(h, buildToken(generateAccessKeyId(), generateSecret()));
    const wrongSecret = await verify(h, buildToken(k.accessKeyId, generateSecret()));
    expect(unknown).toEqual({ valid: false, code: 'KEY_NOT_FOUND', message: expect.any(String) });
    expect(wrongSecret).toEqual(unknown);
    const [record] = await records(k);
    expect(record).toMatchObject({ outcome: 'failure', code: 'SECRET_MISMATCH' });
  });

  it('fails a disabled, deleted or expired key on the very next request', async () => {
    const k = await h.createKey(acme.admin, { expiresInDays: 2 });
    expect((await verify(h, k.token)).valid).toBe(true);
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/disable`, as: acme.admin });
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/enable`, as: acme.admin });
    expect((await verify(h, k.token)).valid).toBe(true);
    h.clock.advance(2 * DAY_MS);
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_EXPIRED' });
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/disable`, as: acme.admin });
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin });
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_DELETED' });
    expect((await records(k)).map((r) => r.code)).toEqual(['KEY_DELETED', 'KEY_EXPIRED', null, 'KEY_DISABLED', null]);
  });

  it('fails every key of a disabled owner, and of a member whose programmatic access is revoked', async () => {
    const u = await h.createUser(acme.admin);
    const k = await h.createKey(u.session);
    expect((await verify(h, k.token)).valid).toBe(true);
    await patchUser(u.id, { status: 'disabled' });
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'USER_DISABLED' });
    await patchUser(u.id, { status: 'active' });
    expect((await verify(h, k.token)).valid).toBe(true);
    await patchUser(u.id, { programmaticAccess: false });
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'PROGRAMMATIC_ACCESS_REVOKED' });
    await patchUser(u.id, { programmaticAccess: true });
    expect((await verify(h, k.token)).valid).toBe(true);
  });

  it('checks a permission: PERMISSION_DENIED names nothing more, and role changes apply at once', async () => {
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'verify-role', permissions: ['orders:read'] } });
    const k = await h.createKey(acme.admin, { roleIds: [role.body.id] });
    expect(await verify(h, k.token, 'orders:read')).toMatchObject({ valid: true, permissions: ['orders:read'] });
    expect(await verify(h, k.token, 'orders:write')).toEqual({ valid: false, code: 'PERMISSION_DENIED', message: expect.any(String) });
    await h.request({ method: 'PATCH', url: `/v1/roles/${role.body.id}`, as: acme.admin, body: { permissions: ['orders:*'] } });
    expect((await verify(h, k.token, 'orders:write')).valid).toBe(true);
    const [latest] = await records(k);
    expect(latest).toMatchObject({ outcome: 'success', permission: 'orders:write' });
  });

  it('records the end client given in context, else the caller', async () => {
    const k = await h.createKey(acme.admin);
    const as = await verifierFor(h.services, acme.tenantId);
    await h.request({ method: 'POST', url: '/v1/verify', as, body: { token: k.token, context: { sourceIp: '203.0.113.9', userAgent: 'gateway/1.0' } } });
    h.clock.advance(1000);
    await h.request({ method: 'POST', url: '/v1/verify', as, headers: { 'user-agent': 'curl/8' }, body: { token: k.token } });
    const [direct, viaGateway] = (await records(k)) as unknown as { sourceIp: string; userAgent: string }[];
    expect(viaGateway).toMatchObject({ sourceIp: '203.0.113.9', userAgent: 'gateway/1.0' });
    expect(direct).toMatchObject({ sourceIp: '127.0.0.1', userAgent: 'curl/8' });
  });

  describe('access-type keys on the management API', () => {
    let adminKey: IssuedKey;
    beforeAll(async () => {
      adminKey = await h.createKey(acme.admin, { type: 'access', name: 'automation' });
    });

    it('authenticate as their owner, with no CSRF token needed', async () => {
      const me = await h.request({ method: 'GET', url: '/v1/me', as: bearer(adminKey) });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ via: 'key', accessKeyId: adminKey.accessKeyId, csrfToken: null, user: { id: acme.admin.userId } });
      h.clock.advance(1);
      const created = await h.request({ method: 'POST', url: '/v1/access-keys', as: bearer(adminKey), body: { name: 'made by a key' } });
      expect(created.status).toBe(201);
      expect(created.body.creatorId).toBe(acme.admin.userId);
      const audit = await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${created.body.accessKeyId}`, as: acme.admin });
      expect(audit.body.items[0]).toMatchObject({ action: 'access_key.create', actorId: acme.admin.userId, actorKeyId: adminKey.accessKeyId });
      const [record] = await records(adminKey);
      expect(record).toMatchObject({ outcome: 'success', detail: { via: 'management-api', route: 'POST /v1/access-keys' } });
    });

    it("act as a member: only the member's keys, no admin routes", async () => {
      const key = await h.createKey(member.session, { type: 'access' });
      const list = await h.request({ method: 'GET', url: '/v1/access-keys', as: bearer(key) });
      expect(list.status).toBe(200);
      expect(list.body.items.every((k: { ownerId: string }) => k.ownerId === member.id)).toBe(true);
      expect((await h.request({ method: 'GET', url: `/v1/access-keys/${adminKey.accessKeyId}`, as: bearer(key) })).status).toBe(404);
      const users = await h.request({ method: 'GET', url: '/v1/users', as: bearer(key) });
      expect(users.status).toBe(403);
      expect(users.body.error.code).toBe('FORBIDDEN');
    });

    it("are narrowed to the key's roles", async () => {
      const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'key-reader', permissions: ['latchkey:keys:read'] } });
      const narrow = await h.createKey(acme.admin, { type: 'access', roleIds: [role.body.id] });
      expect((await h.request({ method: 'GET', url: '/v1/access-keys', as: bearer(narrow) })).status).toBe(200);
      for (const call of [
        { method: 'POST', url: '/v1/access-keys', body: {} },
        { method: 'POST', url: `/v1/access-keys/${adminKey.accessKeyId}/disable` },
        { method: 'GET', url: '/v1/users' },
        { method: 'PUT', url: '/v1/policy', body: (await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body },
      ] as const) {
        const res = await h.request({ ...call, as: bearer(narrow) });
        expect(res.status, `${call.method} ${call.url}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect((await h.request({ method: 'GET', url: `/v1/access-keys/${adminKey.accessKeyId}`, as: acme.admin })).body.state).toBe('enabled');
    });

    it('cannot hand out more than they hold: no wider key by create, change or rotate', async () => {
      const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'key-manager', permissions: ['latchkey:keys:*'] } });
      const manager = await h.createKey(acme.admin, { type: 'access', roleIds: [role.body.id] });
      const as = bearer(manager);

      const wide = await h.request({ method: 'POST', url: '/v1/access-keys', as, body: { type: 'access' } });
      expect(wide.status).toBe(403);
      expect(wide.body.error.code).toBe('FORBIDDEN');
      const unnarrowSelf = await h.request({ method: 'PATCH', url: `/v1/access-keys/${manager.accessKeyId}`, as, body: { roleIds: [] } });
      expect(unnarrowSelf.status).toBe(403);
      const rotateWider = await h.request({ method: 'POST', url: `/v1/access-keys/${adminKey.accessKeyId}/rotate`, as, body: {} });
      expect(rotateWider.status).toBe(403);
      expect(rotateWider.text).not.toMatch(/"secret"/);
      expect((await verify(h, adminKey.token)).valid).toBe(true);
      expect((await h.request({ method: 'GET', url: `/v1/access-keys/${manager.accessKeyId}`, as: acme.admin })).body.roleIds).toEqual([role.body.id]);

      // Within its own permissions it may do all of these.
      const peer = await h.request({ method: 'POST', url: '/v1/access-keys', as, body: { type: 'access', roleIds: [role.body.id] } });
      expect(peer.status).toBe(201);
      expect((await h.request({ method: 'PATCH', url: `/v1/access-keys/${manager.accessKeyId}`, as, body: { name: 'renamed by itself' } })).status).toBe(200);
      expect((await h.request({ method: 'POST', url: `/v1/access-keys/${peer.body.accessKeyId}/rotate`, as, body: {} })).status).toBe(200);
    });

    it('refuse an api-type key, a bad header and a key that no longer works', async () => {
      const api = await h.createKey(acme.admin, { type: 'api' });
      const refused = await h.request({ method: 'GET', url: '/v1/me', as: bearer(api) });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');

      const basic = await h.request({ method: 'GET', url: '/v1/me', headers: { authorization: `Basic ${adminKey.token}` } });
      expect(basic.status).toBe(401);
      expect(basic.body.error.code).toBe('UNAUTHENTICATED');
      const garbage = await h.request({ method: 'GET', url: '/v1/me', headers: { authorization: 'Bearer nonsense' } });
      expect(garbage.status).toBe(401);

      const doomed = await h.createKey(acme.admin, { type: 'access' });
      expect((await h.request({ method: 'GET', url: '/v1/me', as: bearer(doomed) })).status).toBe(200);
      await h.request({ method: 'POST', url: `/v1/access-keys/${doomed.accessKeyId}/disable`, as: acme.admin });
      const after = await h.request({ method: 'GET', url: '/v1/me', as: bearer(doomed) });
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('UNAUTHENTICATED');
      expect(after.text).not.toContain(doomed.secret);
    });

    it('cannot sign out or change a password (those belong to console sessions)', async () => {
      const out = await h.request({ method: 'POST', url: '/v1/auth/logout', as: bearer(adminKey) });
      expect(out.status).toBe(403);
      const pw = await h.request({ method: 'PUT', url: '/v1/me/password', as: bearer(adminKey), body: { currentPassword: 'x', newPassword: 'a long new password' } });
      expect(pw.status).toBe(403);
    });
  });
});
