/** HTTP: /v1/me and the people of a tenant, managed by its admins. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttp, PASSWORD, readAllPages, type CreatedUser, type Harness, type Tenant } from './support/http.js';

describe('HTTP users (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let member: CreatedUser;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin, { name: 'Mia Member' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const userCount = async () => (await readAllPages(h, acme.admin, '/v1/users', 100)).items.length;

  it('GET /v1/me tells who I am, my tenant, its policy, my key count and limit', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/me', as: member.session });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: member.id, email: member.email, name: 'Mia Member', role: 'member', programmaticAccess: true, status: 'active' },
      tenant: { id: acme.tenantId, slug: acme.slug },
      policy: { memberKeyLimit: 2, adminKeyLimit: null, defaultValidityDays: 365, allowNeverExpires: true, deleteRequiresDisabled: true },
      via: 'session',
      accessKeyId: null,
      csrfToken: member.session.csrfToken,
      keyCount: 0,
      keyLimit: 2,
    });
  });

  it('creates a user with a password, and refuses the same email again with EMAIL_TAKEN', async () => {
    const before = await userCount();
    const res = await h.request({ method: 'POST', url: '/v1/users', as: acme.admin, body: { email: 'Dana@Example.test', name: 'Dana', role: 'admin', password: PASSWORD } });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: 'dana@example.test', name: 'Dana', role: 'admin', programmaticAccess: true, mustChangePassword: false, tenantId: acme.tenantId });
    expect(res.body.oneTimePassword).toBeNull();
    expect(res.body.user.id).toMatch(/^usr_[a-z2-7]{16}$/);

    const again = await h.request({ method: 'POST', url: '/v1/users', as: acme.admin, body: { email: 'dana@example.TEST', password: PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
    expect(await userCount()).toBe(before + 1);
  });

  it('defaults a new member to no programmatic access', async () => {
    const res = await h.request({ method: 'POST', url: '/v1/users', as: acme.admin, body: { email: 'plain@example.test', password: PASSWORD } });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ role: 'member', programmaticAccess: false, name: 'plain' });
  });

  it('refuses bad user input with a clear 400 and creates nobody', async () => {
    const before = await userCount();
    const cases: [unknown, string][] = [
      [{ email: 'not-an-email', password: PASSWORD }, 'VALIDATION_FAILED'],
      [{ email: 'dana@localhost', password: PASSWORD }, 'VALIDATION_FAILED'],
      [{ email: 'short@example.test', password: 'short' }, 'WEAK_PASSWORD'],
      [{ email: 'roles@example.test', password: PASSWORD, roleIds: ['rol_aaaaaaaaaaaaaaaa'] }, 'VALIDATION_FAILED'],
      [{ email: 'x@example.test', role: 'owner' }, 'VALIDATION_FAILED'],
      [{ email: 'x@example.test', isRoot: true }, 'UNKNOWN_FIELD'],
    ];
    for (const [body, code] of cases) {
      const res = await h.request({ method: 'POST', url: '/v1/users', as: acme.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    expect(await userCount()).toBe(before);
  });

  it('lists users with cursor paging, no duplicates and no gaps', async () => {
    for (let i = 0; i < 3; i++) {
      await h.request({ method: 'POST', url: '/v1/users', as: acme.admin, body: { email: `page${i}@example.test`, password: PASSWORD } });
    }
    const all = await readAllPages(h, acme.admin, '/v1/users', 100);
    const paged = await readAllPages(h, acme.admin, '/v1/users', 2);
    expect(paged.pages).toBe(Math.ceil(all.items.length / 2));
    expect(paged.items.map((u) => u.id)).toEqual(all.items.map((u) => u.id));
    expect(new Set(paged.items.map((u) => u.id)).size).toBe(paged.items.length);
    expect(all.items.map((u) => u.id)).toContain(member.id);
    for (const u of all.items) expect(Object.keys(u)).not.toContain('passwordHash');
  });

  it('lists each user with their own roles and groups', async () => {
    const role = (await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'list-readers', permissions: ['list:read'] } })).body;
    const withRole = await h.addUser(acme.admin);
    expect((await h.request({ method: 'PATCH', url: `/v1/users/${withRole.id}`, as: acme.admin, body: { roleIds: [role.id] } })).status).toBe(200);
    const inGroup = await h.addUser(acme.admin);
    const group = (await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'list-group', userIds: [inGroup.id] } })).body;
    const listed = new Map((await readAllPages(h, acme.admin, '/v1/users', 2)).items.map((u) => [u.id, u]));
    expect(listed.get(withRole.id)).toMatchObject({ roleIds: [role.id], groupIds: [] });
    expect(listed.get(inGroup.id)).toMatchObject({ roleIds: [], groupIds: [group.id] });
    expect(listed.get(member.id)).toMatchObject({ roleIds: [], groupIds: [] });
    expect((await h.request({ method: 'GET', url: `/v1/users/${inGroup.id}`, as: acme.admin })).body).toMatchObject({ roleIds: [], groupIds: [group.id] });
  });

  it('changes the email a user signs in with, by the rule of creation, and audits the old and new address', async () => {
    const mover = await h.addUser(acme.admin, { email: 'mover@example.test' });
    const res = await h.request({ method: 'PATCH', url: `/v1/users/${mover.id}`, as: acme.admin, body: { email: ' Moved@Example.TEST ' } });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('moved@example.test');
    const login = (email: string) => h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email, password: PASSWORD } });
    expect((await login('moved@example.test')).status).toBe(200);
    expect((await login('mover@example.test')).status).toBe(401);
    const audit = await h.request({ method: 'GET', url: `/v1/audit-events?action=user.update&targetId=${mover.id}`, as: acme.admin });
    expect(audit.body.items[0].details).toMatchObject({ email: 'moved@example.test', previousEmail: 'mover@example.test' });

    for (const [email, status, code] of [
      ['moved@localhost', 400, 'VALIDATION_FAILED'],
      [acme.admin.email, 409, 'EMAIL_TAKEN'],
      ['', 400, 'VALIDATION_FAILED'],
    ] as const) {
      const refused = await h.request({ method: 'PATCH', url: `/v1/users/${mover.id}`, as: acme.admin, body: { email, name: 'Not Saved' } });
      expect(refused.status, email).toBe(status);
      expect(refused.body.error.code).toBe(code);
    }
    // Nothing of a refused change was written, the name with it.
    expect((await h.request({ method: 'GET', url: `/v1/users/${mover.id}`, as: acme.admin })).body).toMatchObject({ email: 'moved@example.test', name: 'mover' });
    // Another tenant's user is not found, whatever the body.
    const other = await h.bootstrap();
    const foreign = await h.request({ method: 'PATCH', url: `/v1/users/${mover.id}`, as: other.admin, body: { email: 'taken-over@example.test' } });
    expect(foreign.status).toBe(404);
  });

  it('gets a user; a member may read only themselves', async () => {
    const byAdmin = await h.request({ method: 'GET', url: `/v1/users/${member.id}`, as: acme.admin });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.id).toBe(member.id);
    expect((await h.request({ method: 'GET', url: `/v1/users/${member.id}`, as: member.session })).status).toBe(200);
    const other = await h.request({ method: 'GET', url: `/v1/users/${acme.admin.userId}`, as: member.session });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
    const missing = await h.request({ method: 'GET', url: '/v1/users/usr_aaaaaaaaaaaaaaaa', as: acme.admin });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const malformed = await h.request({ method: 'GET', url: '/v1/users/not-an-id', as: acme.admin });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('MALFORMED_ID');
  });

  it('keeps members out of the admin routes with FORBIDDEN', async () => {
    const calls = [
      { method: 'GET', url: '/v1/users' },
      { method: 'POST', url: '/v1/users', body: { email: 'sneaky@example.test', password: PASSWORD } },
      { method: 'PATCH', url: `/v1/users/${member.id}`, body: { role: 'admin' } },
      { method: 'PATCH', url: `/v1/users/${acme.admin.userId}`, body: { status: 'disabled' } },
    ] as const;
    for (const call of calls) {
      const res = await h.request({ ...call, as: member.session });
      expect(res.status, `${call.method} ${call.url}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const me = await h.request({ method: 'GET', url: `/v1/users/${member.id}`, as: acme.admin });
    expect(me.body.role).toBe('member');
  });

  it('changes name, role and programmatic access, and records who did it', async () => {
    const u = await h.addUser(acme.admin);
    const res = await h.request({ method: 'PATCH', url: `/v1/users/${u.id}`, as: acme.admin, body: { name: 'Renamed', programmaticAccess: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, name: 'Renamed', programmaticAccess: false, role: 'member' });
    const promoted = await h.request({ method: 'PATCH', url: `/v1/users/${u.id}`, as: acme.admin, body: { role: 'admin' } });
    expect(promoted.body.role).toBe('admin');
    const audit = await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${u.id}&action=user.update`, as: acme.admin });
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.items[0]).toMatchObject({ actorId: acme.admin.userId, targetType: 'user', result: 'success' });
  });

  it('refuses an empty change, an unknown user and a bad status', async () => {
    const empty = await h.request({ method: 'PATCH', url: `/v1/users/${member.id}`, as: acme.admin, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
    const missing = await h.request({ method: 'PATCH', url: '/v1/users/usr_aaaaaaaaaaaaaaaa', as: acme.admin, body: { name: 'x' } });
    expect(missing.status).toBe(404);
    const bad = await h.request({ method: 'PATCH', url: `/v1/users/${member.id}`, as: acme.admin, body: { status: 'gone' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('never lets the last active admin go: LAST_ADMIN', async () => {
    const t = await h.bootstrap();
    for (const body of [{ role: 'member' }, { status: 'disabled' }]) {
      const res = await h.request({ method: 'PATCH', url: `/v1/users/${t.admin.userId}`, as: t.admin, body });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('LAST_ADMIN');
    }
    const me = await h.request({ method: 'GET', url: '/v1/me', as: t.admin });
    expect(me.body.user).toMatchObject({ role: 'admin', status: 'active' });

    const second = await h.createUser(t.admin, { role: 'admin' });
    const demoted = await h.request({ method: 'PATCH', url: `/v1/users/${t.admin.userId}`, as: second.session, body: { role: 'member' } });
    expect(demoted.status).toBe(200);
    const last = await h.request({ method: 'PATCH', url: `/v1/users/${second.id}`, as: second.session, body: { status: 'disabled' } });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('LAST_ADMIN');
  });
});
