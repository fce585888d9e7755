/** HTTP: creating access keys — for oneself or another user, each validity option, roles and groups. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, openHttp, verify, type CreatedUser, type Harness, type Tenant } from './support/http.js';

describe('HTTP access keys: create (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let member: CreatedUser;
  let noAccess: CreatedUser;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin);
    noAccess = await h.createUser(acme.admin, { programmaticAccess: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  const keyRows = async () =>
    Number(
      (
        await h.store.db
          .selectFrom('accessKeys')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const setPolicy = async (patch: Record<string, unknown>) => {
    const current = (await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body;
    const res = await h.request({ method: 'PUT', url: '/v1/policy', as: acme.admin, body: { ...current, ...patch } });
    expect(res.status, res.text).toBe(200);
  };

  it('creates a key for oneself: 201 with the secret, token and copy text, valid for 365 days by default', async () => {
    const now = h.clock.now();
    const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { name: '  ci deploy  ' } });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const k = res.body;
    expect(k.accessKeyId).toMatch(/^LK[A-Z2-7]{18}$/);
    expect(k.secret).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(k.token).toMatch(new RegExp(`^lk_${k.accessKeyId}_${k.secret}[0-9A-Za-z]{6}$`));
    expect(k.copyText).toBe(`key:${k.accessKeyId}::${k.secret},tenant id: ${acme.tenantId}`);
    expect(k).toMatchObject({
      name: 'ci deploy',
      type: 'api',
      state: 'enabled',
      expired: false,
      ownerId: acme.admin.userId,
      creatorId: acme.admin.userId,
      tenantId: acme.tenantId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 365 * DAY_MS).toISOString(),
      lastUsedAt: null,
      roleIds: [],
      groupIds: [],
    });
    expect(await verify(h, k.token)).toMatchObject({ valid: true, accessKeyId: k.accessKeyId });
  });

  it('names a key by its creation time when no name is given, and makes access-type keys on request', async () => {
    const k = await h.createKey(acme.admin, { type: 'access' });
    expect(k.type).toBe('access');
    expect(k.name).toMatch(/^key-\d{8}-\d{6}$/);
  });

  it('honours every validity option', async () => {
    const now = h.clock.now().getTime();
    for (const days of [30, 90, 180]) {
      const k = await h.createKey(acme.admin, { expiresInDays: days });
      expect(k.expiresAt).toBe(new Date(now + days * DAY_MS).toISOString());
    }
    const custom = new Date(now + 45 * DAY_MS + 3_600_000);
    expect((await h.createKey(acme.admin, { expiresAt: custom.toISOString() })).expiresAt).toBe(custom.toISOString());
    // A date with an offset is read as that instant.
    const offsetText = `${new Date(now + 10 * DAY_MS).toISOString().slice(0, 19)}+02:00`;
    expect((await h.createKey(acme.admin, { expiresAt: offsetText })).expiresAt).toBe(new Date(Date.parse(offsetText)).toISOString());
    expect((await h.createKey(acme.admin, { neverExpires: true })).expiresAt).toBeNull();
  });

  it('uses the policy default validity, including never', async () => {
    await setPolicy({ defaultValidityDays: 90 });
    try {
      const now = h.clock.now().getTime();
      expect((await h.createKey(acme.admin)).expiresAt).toBe(new Date(now + 90 * DAY_MS).toISOString());
      await setPolicy({ defaultValidityDays: null });
      expect((await h.createKey(acme.admin)).expiresAt).toBeNull();
    } finally {
      await setPolicy({ defaultValidityDays: 365 });
    }
  });

  it('refuses a never-expiring key when the policy forbids it: 409 NEVER_EXPIRES_NOT_ALLOWED', async () => {
    await setPolicy({ allowNeverExpires: false });
    try {
      const before = await keyRows();
      const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { neverExpires: true } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('NEVER_EXPIRES_NOT_ALLOWED');
      expect(await keyRows()).toBe(before);
    } finally {
      await setPolicy({ allowNeverExpires: true });
    }
  });

  it('refuses bad validity with a clear 400 and stores nothing', async () => {
    const before = await keyRows();
    const now = h.clock.now().getTime();
    const cases: [Record<string, unknown>, string][] = [
      [{ expiresInDays: 30, neverExpires: true }, 'INVALID_EXPIRY'],
      [{ expiresAt: new Date(now - 1000).toISOString() }, 'INVALID_EXPIRY'],
      [{ expiresAt: '2031-01-01' }, 'INVALID_EXPIRY'],
      [{ expiresAt: '2031-01-01T00:00:00' }, 'INVALID_EXPIRY'],
      [{ expiresAt: 'tomorrow' }, 'INVALID_EXPIRY'],
      [{ expiresAt: new Date(now + 3651 * DAY_MS).toISOString() }, 'INVALID_EXPIRY'],
      [{ neverExpires: false }, 'INVALID_EXPIRY'],
      [{ expiresInDays: 0 }, 'VALIDATION_FAILED'],
      [{ expiresInDays: 3651 }, 'VALIDATION_FAILED'],
      [{ expiresInDays: 1.5 }, 'VALIDATION_FAILED'],
      [{ expiresInDays: '30' }, 'VALIDATION_FAILED'],
      [{ name: '   ' }, 'VALIDATION_FAILED'],
      [{ name: 'x'.repeat(101) }, 'VALIDATION_FAILED'],
      [{ type: 'root' }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code, JSON.stringify(body)).toBe(code);
    }
    expect(await keyRows()).toBe(before);
  });

  it('lets an admin create a key for another user of the tenant', async () => {
    const k = await h.createKey(acme.admin, { userId: member.id, name: 'for mia' });
    expect(k).toMatchObject({ ownerId: member.id, creatorId: acme.admin.userId });
    const mine = await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}`, as: member.session });
    expect(mine.status).toBe(200);
    expect((await verify(h, k.token)).userId).toBe(member.id);
  });

  it('refuses a key for a member without programmatic access: 403 PROGRAMMATIC_ACCESS_REQUIRED', async () => {
    const before = await keyRows();
    const byAdmin = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { userId: noAccess.id } });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.error.code).toBe('PROGRAMMATIC_ACCESS_REQUIRED');
    const bySelf = await h.request({ method: 'POST', url: '/v1/access-keys', as: noAccess.session, body: {} });
    expect(bySelf.status).toBe(403);
    expect(bySelf.body.error.code).toBe('PROGRAMMATIC_ACCESS_REQUIRED');
    expect(await keyRows()).toBe(before);
  });

  it('refuses keys for unknown or disabled users, and members creating keys for others', async () => {
    const before = await keyRows();
    const unknown = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { userId: 'usr_aaaaaaaaaaaaaaaa' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const forOther = await h.request({ method: 'POST', url: '/v1/access-keys', as: member.session, body: { userId: acme.admin.userId } });
    expect(forOther.status).toBe(404);
    const gone = await h.addUser(acme.admin);
    await h.request({ method: 'PATCH', url: `/v1/users/${gone.id}`, as: acme.admin, body: { status: 'disabled' } });
    const disabled = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { userId: gone.id } });
    expect(disabled.status).toBe(403);
    expect(disabled.body.error.code).toBe('USER_DISABLED');
    expect(await keyRows()).toBe(before);
  });

  it('assigns roles and groups at creation, and refuses unknown ones', async () => {
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'readers', permissions: ['storage:read'] } });
    const group = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'billing', roleIds: [role.body.id] } });
    const k = await h.createKey(acme.admin, { roleIds: [role.body.id], groupIds: [group.body.id] });
    expect(k.roleIds).toEqual([role.body.id]);
    expect(k.groupIds).toEqual([group.body.id]);
    expect((await verify(h, k.token)).permissions).toEqual(['storage:read']);

    const before = await keyRows();
    for (const body of [{ roleIds: ['rol_aaaaaaaaaaaaaaaa'] }, { groupIds: ['grp_aaaaaaaaaaaaaaaa'] }, { roleIds: ['readers'] }]) {
      const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await keyRows()).toBe(before);
  });
});
