/**
 * HTTP: the bell (seed 001: "When the user group or role assignments change, the impacted users
 * receive a bell notification"). Each kind reaches exactly the users it is for; a user reads and
 * marks only their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openHttp, readAllPages, type Caller, type CreatedUser, type Harness, type Session, type Tenant } from './support/http.js';

describe('HTTP notifications (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let admin2: CreatedUser;
  let roleA: string;
  let roleB: string;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    admin2 = await h.createUser(acme.admin, { role: 'admin', name: 'Ada Second' });
    roleA = (await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'reports-reader', permissions: ['reports:read'] } })).body.id;
    roleB = (await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'billing-reader', permissions: ['billing:read'] } })).body.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const inbox = async (as: Caller) => (await readAllPages(h, as, '/v1/notifications', 100)).items;
  const kinds = async (as: Caller) => (await inbox(as)).map((n: { kind: string }) => n.kind);
  /** Moves the clock so each notification has its own time and newest-first is well defined. */
  const tick = () => h.clock.advance(1000);

  it('tells the owner when an admin creates, disables, enables, rotates or deletes their key, and nobody when they act themselves', async () => {
    const mia = await h.createUser(acme.admin, { name: 'Mia Member' });
    const created = await h.createKey(acme.admin, { userId: mia.id, name: 'made-for-mia' });
    tick();
    for (const action of ['disable', 'enable', 'rotate']) {
      expect((await h.request({ method: 'POST', url: `/v1/access-keys/${created.accessKeyId}/${action}`, as: admin2.session })).status).toBe(200);
      tick();
    }
    await h.request({ method: 'POST', url: `/v1/access-keys/${created.accessKeyId}/disable`, as: mia.session });
    tick();
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${created.accessKeyId}`, as: acme.admin });

    const items = await inbox(mia.session);
    expect(items.map((n: any) => [n.kind, n.data.action])).toEqual([
      ['key.changed_by_admin', 'delete'],
      ['key.changed_by_admin', 'rotate'],
      ['key.changed_by_admin', 'enable'],
      ['key.changed_by_admin', 'disable'],
      ['key.changed_by_admin', 'create'],
    ]);
    expect(items[3]).toEqual({
      id: expect.stringMatching(/^ntf_[a-z2-7]{16}$/),
      kind: 'key.changed_by_admin',
      title: 'An administrator disabled your access key “made-for-mia”',
      body: `Ada Second disabled the access key ${created.accessKeyId} (“made-for-mia”). Requests that use it now fail.`,
      data: { accessKeyId: created.accessKeyId, action: 'disable', actorId: admin2.id },
      createdAt: expect.any(String),
      readAt: null,
    });
    // The admins acted on someone else's key: they hear nothing of it; nor does the owner of their own actions.
    expect(await kinds(acme.admin)).toEqual([]);
    expect(await kinds(admin2.session)).toEqual([]);
    const own = await h.createKey(mia.session);
    await h.request({ method: 'POST', url: `/v1/access-keys/${own.accessKeyId}/disable`, as: mia.session });
    expect(await inbox(mia.session)).toHaveLength(5);
  });

  it("tells the owner when an admin moves their key's expiry, and nobody for the same date or the owner's own change", async () => {
    const olga = await h.createUser(acme.admin, { name: 'Olga Owner' });
    const key = await h.createKey(olga.session, { name: 'olga-export', expiresInDays: 30 });
    const patch = (as: Session, body: Record<string, unknown>) => h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as, body });
    const moved = await patch(admin2.session, { expiresInDays: 90 });
    expect(moved.status).toBe(200);
    tick();
    expect((await patch(admin2.session, { expiresAt: moved.body.expiresAt })).status).toBe(200);
    expect((await patch(olga.session, { expiresInDays: 60 })).status).toBe(200);
    expect((await patch(admin2.session, { name: 'renamed' })).status).toBe(200);
    const items = await inbox(olga.session);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'key.changed_by_admin',
      title: 'An administrator changed the expiry of your access key “olga-export”',
      data: { accessKeyId: key.accessKeyId, action: 'expiry', actorId: admin2.id, expiresAt: moved.body.expiresAt },
    });
    expect(items[0].body).toContain('Ada Second changed the expiry');
    expect(await kinds(admin2.session)).toEqual([]);
  });

  it("tells the owner when someone else changes their key's roles or groups, and not for a rename or an unchanged list", async () => {
    const nina = await h.createUser(acme.admin);
    const key = await h.createKey(nina.session, { name: 'nina-reports' });
    const patch = (as: Session, body: Record<string, unknown>) => h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as, body });
    expect((await patch(acme.admin, { roleIds: [roleA] })).status).toBe(200);
    tick();
    expect((await patch(acme.admin, { roleIds: [roleA] })).status).toBe(200);
    expect((await patch(acme.admin, { name: 'renamed by admin' })).status).toBe(200);
    expect((await patch(nina.session, { roleIds: [] })).status).toBe(200);
    const items = await inbox(nina.session);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'key.assignments_changed', data: { accessKeyId: key.accessKeyId, roleIds: [roleA], groupIds: [] } });
  });

  it('tells a user when an admin changes their roles, and only that user', async () => {
    const ula = await h.createUser(acme.admin);
    const bystander = await h.createUser(acme.admin);
    expect((await h.request({ method: 'PATCH', url: `/v1/users/${ula.id}`, as: acme.admin, body: { roleIds: [roleA] } })).status).toBe(200);
    expect((await h.request({ method: 'PATCH', url: `/v1/users/${ula.id}`, as: acme.admin, body: { roleIds: [roleA], name: 'Ula' } })).status).toBe(200);
    expect(await kinds(ula.session)).toEqual(['user.roles_changed']);
    expect(await kinds(bystander.session)).toEqual([]);
    // An admin changing their own roles needs no bell.
    await h.request({ method: 'PATCH', url: `/v1/users/${admin2.id}`, as: admin2.session, body: { roleIds: [roleB] } });
    expect(await kinds(admin2.session)).toEqual([]);
  });

  it('tells group members when they join or leave a group, when its roles change, and when it is deleted', async () => {
    const [gus, gwen, gil] = [await h.createUser(acme.admin), await h.createUser(acme.admin), await h.createUser(acme.admin)];
    const group = (await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'reporting', userIds: [gus.id, gwen.id], roleIds: [roleA] } })).body;
    tick();
    expect((await inbox(gus.session)).map((n: any) => n.title)).toEqual(['You were added to the group “reporting”']);
    expect(await kinds(gil.session)).toEqual([]);

    // Gwen leaves, Gil joins, and the roles change: Gus hears of the roles, Gil of joining, Gwen of leaving.
    await h.request({ method: 'PATCH', url: `/v1/groups/${group.id}`, as: acme.admin, body: { userIds: [gus.id, gil.id], roleIds: [roleA, roleB] } });
    tick();
    expect((await inbox(gus.session))[0]).toMatchObject({ kind: 'user.roles_changed', data: { groupId: group.id } });
    expect((await inbox(gus.session))[0].body).toContain('changed the roles of the group “reporting”');
    expect((await inbox(gil.session)).map((n: any) => n.title)).toEqual(['You were added to the group “reporting”']);
    expect((await inbox(gwen.session)).map((n: any) => n.title)).toEqual(['You were removed from the group “reporting”', 'You were added to the group “reporting”']);

    // A description change alters nobody's roles.
    await h.request({ method: 'PATCH', url: `/v1/groups/${group.id}`, as: acme.admin, body: { description: 'just words' } });
    expect(await inbox(gus.session)).toHaveLength(2);

    await h.request({ method: 'DELETE', url: `/v1/groups/${group.id}`, as: acme.admin });
    expect((await inbox(gus.session))[0].title).toBe('You were removed from the group “reporting”');
    expect((await inbox(gil.session))[0].title).toBe('You were removed from the group “reporting”');
    expect(await inbox(gwen.session)).toHaveLength(2);
  });

  it('tells the holders of a deleted role, directly or through a group', async () => {
    const role = (await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'temporary', permissions: ['tmp:read'] } })).body.id;
    const [direct, viaGroup, neither] = [await h.createUser(acme.admin), await h.createUser(acme.admin), await h.createUser(acme.admin)];
    await h.request({ method: 'PATCH', url: `/v1/users/${direct.id}`, as: acme.admin, body: { roleIds: [role] } });
    await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'temps', userIds: [viaGroup.id], roleIds: [role] } });
    tick();
    expect((await h.request({ method: 'DELETE', url: `/v1/roles/${role}`, as: acme.admin })).status).toBe(204);
    for (const who of [direct, viaGroup]) expect((await inbox(who.session))[0]).toMatchObject({ kind: 'user.roles_changed', data: { roleId: role } });
    expect(await kinds(neither.session)).toEqual([]);
  });

  it('lists newest first page by page, filters unread, counts unread, and marks one or all read', async () => {
    const pat = await h.createUser(acme.admin);
    const key = await h.createKey(acme.admin, { userId: pat.id });
    for (let i = 0; i < 4; i++) {
      tick();
      await h.request({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/${i % 2 === 0 ? 'disable' : 'enable'}`, as: acme.admin });
    }
    const first = await h.request({ method: 'GET', url: '/v1/notifications?limit=2', as: pat.session });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.unreadCount).toBe(5);
    const all = await readAllPages(h, pat.session, '/v1/notifications', 2);
    expect(all.pages).toBe(3);
    expect(all.items.map((n: any) => n.data.action)).toEqual(['enable', 'disable', 'enable', 'disable', 'create']);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: pat.session })).body.unreadNotifications).toBe(5);

    tick();
    const read = await h.request({ method: 'POST', url: `/v1/notifications/${all.items[1].id}/read`, as: pat.session });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ ...all.items[1], readAt: h.clock.now().toISOString() });
    tick();
    expect((await h.request({ method: 'POST', url: `/v1/notifications/${all.items[1].id}/read`, as: pat.session })).body.readAt).toBe(read.body.readAt);
    const unread = await h.request({ method: 'GET', url: '/v1/notifications?unread=true', as: pat.session });
    expect(unread.body.items.map((n: any) => n.id)).toEqual(all.items.filter((_: unknown, i: number) => i !== 1).map((n: any) => n.id));
    expect(unread.body.unreadCount).toBe(4);

    const readAll = await h.request({ method: 'POST', url: '/v1/notifications/read-all', as: pat.session });
    expect(readAll.body).toEqual({ updated: 4 });
    expect((await h.request({ method: 'GET', url: '/v1/notifications?unread=true', as: pat.session })).body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    expect((await h.request({ method: 'POST', url: '/v1/notifications/read-all', as: pat.session })).body).toEqual({ updated: 0 });
  });

  it("answers 404 for another user's notification (same tenant or not) and leaves it unread", async () => {
    const owner = await h.createUser(acme.admin);
    await h.createKey(acme.admin, { userId: owner.id });
    const [theirs] = await inbox(owner.session);
    const nosy = await h.createUser(acme.admin);
    for (const as of [nosy.session, acme.admin, (await h.bootstrap()).admin]) {
      const res = await h.request({ method: 'POST', url: `/v1/notifications/${theirs.id}/read`, as });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await h.request({ method: 'POST', url: '/v1/notifications/ntf_aaaaaaaaaaaaaaaa/read', as: owner.session })).status).toBe(404);
    expect((await inbox(owner.session))[0].readAt).toBeNull();
  });

  it("lets an access key read its owner's notifications", async () => {
    const kim = await h.createUser(acme.admin);
    const program = await h.createKey(kim.session, { type: 'access' });
    const other = await h.createKey(kim.session, { type: 'api' });
    await h.request({ method: 'POST', url: `/v1/access-keys/${other.accessKeyId}/rotate`, as: acme.admin });
    const res = await h.request({ method: 'GET', url: '/v1/notifications', as: bearer(program) });
    expect(res.status).toBe(200);
    expect(res.body.items.map((n: any) => [n.data.action, n.data.accessKeyId])).toEqual([['rotate', other.accessKeyId]]);
    expect((await h.request({ method: 'POST', url: '/v1/notifications/read-all', as: bearer(program) })).body).toEqual({ updated: 1 });
  });

  it('refuses bad input with 400 and state changes without the CSRF token with 403', async () => {
    const who = await h.createUser(acme.admin);
    for (const url of ['/v1/notifications?unread=yes', '/v1/notifications?limit=0', '/v1/notifications?cursor=!!', '/v1/notifications?page=2']) {
      const res = await h.request({ method: 'GET', url, as: who.session });
      expect(res.status, url).toBe(400);
    }
    expect((await h.request({ method: 'POST', url: '/v1/notifications/nope/read', as: who.session })).body.error.code).toBe('MALFORMED_ID');
    for (const url of ['/v1/notifications/read-all', '/v1/notifications/ntf_aaaaaaaaaaaaaaaa/read']) {
      const res = await h.request({ method: 'POST', url, as: who.session, csrf: false });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('CSRF_TOKEN_INVALID');
    }
  });
});
