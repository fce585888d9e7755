/** HTTP: roles (named permission sets) and groups (users that carry roles). */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttp, readAllPages, verifierFor, type CreatedUser, type Harness, type Tenant } from './support/http.js';

describe('HTTP roles and groups (sqlite)', () => {
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

  const createRole = async (name: string, permissions: string[]) => {
    const res = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name, permissions } });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; name: string; permissions: string[] };
  };
  /** A real database failure on the change log (an SQLite trigger), not a mock. */
  const failChangeLog = () => sql.raw("CREATE TRIGGER fail_changes BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'change log unavailable'); END").execute(h.store.db);
  const changeRows = async () =>
    Number(
      (
        await h.store.db
          .selectFrom('changes')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  describe('roles', () => {
    it('creates a role with normalised permissions and answers it', async () => {
      const res = await h.request({
        method: 'POST',
        url: '/v1/roles',
        as: acme.admin,
        body: { name: '  Storage reader ', description: 'reads buckets', permissions: ['storage:read', 'storage:*', 'billing:read', 'billing:read'] },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Storage reader', description: 'reads buckets', permissions: ['billing:read', 'storage:*'] });
      expect(res.body.id).toMatch(/^rol_/);
      expect(res.body).not.toHaveProperty('tenantId');
      const got = await h.request({ method: 'GET', url: `/v1/roles/${res.body.id}`, as: member.session });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it('refuses a taken name with NAME_TAKEN and a bad permission with INVALID_PERMISSION', async () => {
      await createRole('unique-role', ['a:b']);
      const before = (await readAllPages(h, acme.admin, '/v1/roles', 100)).items.length;
      const taken = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'unique-role', permissions: [] } });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('NAME_TAKEN');
      const bad = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'bad', permissions: ['Storage Read'] } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('INVALID_PERMISSION');
      const missing = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'no-permissions' } });
      expect(missing.status).toBe(400);
      expect(missing.body.error.code).toBe('VALIDATION_FAILED');
      expect((await readAllPages(h, acme.admin, '/v1/roles', 100)).items.length).toBe(before);
    });

    it('lists roles in pages without duplicates or gaps', async () => {
      for (let i = 0; i < 4; i++) await createRole(`paged-${i}`, [`svc${i}:read`]);
      const all = await readAllPages(h, acme.admin, '/v1/roles', 100);
      const paged = await readAllPages(h, member.session, '/v1/roles', 3);
      expect(paged.items.map((r) => r.id)).toEqual(all.items.map((r) => r.id));
      expect(paged.pages).toBe(Math.ceil(all.items.length / 3));
    });

    it('renames and re-scopes a role; a taken name is NAME_TAKEN', async () => {
      const role = await createRole('to-change', ['a:read']);
      const res = await h.request({ method: 'PATCH', url: `/v1/roles/${role.id}`, as: acme.admin, body: { name: 'changed', permissions: ['a:write'] } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: role.id, name: 'changed', permissions: ['a:write'] });
      expect((await h.request({ method: 'GET', url: `/v1/roles/${role.id}`, as: acme.admin })).body.name).toBe('changed');
      const clash = await h.request({ method: 'PATCH', url: `/v1/roles/${role.id}`, as: acme.admin, body: { name: 'unique-role' } });
      expect(clash.status).toBe(409);
      expect(clash.body.error.code).toBe('NAME_TAKEN');
      const empty = await h.request({ method: 'PATCH', url: `/v1/roles/${role.id}`, as: acme.admin, body: {} });
      expect(empty.status).toBe(400);
    });

    it('deletes a role: 204, then 404 for every route', async () => {
      const role = await createRole('short-lived', ['x:y']);
      const del = await h.request({ method: 'DELETE', url: `/v1/roles/${role.id}`, as: acme.admin });
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await h.request({ method, url: `/v1/roles/${role.id}`, as: acme.admin, ...(method === 'PATCH' && { body: { name: 'z' } }) });
        expect(res.status, method).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
    });

    it('lets members read roles but not write them', async () => {
      const role = await createRole('member-visible', ['m:read']);
      expect((await h.request({ method: 'GET', url: '/v1/roles', as: member.session })).status).toBe(200);
      for (const call of [
        { method: 'POST', url: '/v1/roles', body: { name: 'mine', permissions: ['*'] } },
        { method: 'PATCH', url: `/v1/roles/${role.id}`, body: { permissions: ['*'] } },
        { method: 'DELETE', url: `/v1/roles/${role.id}` },
      ] as const) {
        const res = await h.request({ ...call, as: member.session });
        expect(res.status, `${call.method} ${call.url}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect((await h.request({ method: 'GET', url: `/v1/roles/${role.id}`, as: acme.admin })).body.permissions).toEqual(['m:read']);
    });

    it('writes a change row with every role change, so other processes drop cached keys', async () => {
      const role = await createRole('tracked', ['t:read']);
      const before = await changeRows();
      await h.request({ method: 'PATCH', url: `/v1/roles/${role.id}`, as: acme.admin, body: { permissions: ['t:write'] } });
      await h.request({ method: 'DELETE', url: `/v1/roles/${role.id}`, as: acme.admin });
      expect(await changeRows()).toBe(before + 2);
    });

    it('changes a role and its change row together or not at all', async () => {
      const role = await createRole('atomic', ['t:read']);
      await failChangeLog();
      try {
        const res = await h.request({ method: 'PATCH', url: `/v1/roles/${role.id}`, as: acme.admin, body: { permissions: ['t:admin'] } });
        expect(res.status).toBe(500);
        const del = await h.request({ method: 'DELETE', url: `/v1/roles/${role.id}`, as: acme.admin });
        expect(del.status).toBe(500);
      } finally {
        await sql.raw('DROP TRIGGER fail_changes').execute(h.store.db);
      }
      const after = await h.request({ method: 'GET', url: `/v1/roles/${role.id}`, as: acme.admin });
      expect(after.status).toBe(200);
      expect(after.body.permissions).toEqual(['t:read']);
    });
  });

  describe('roles and groups that narrow keys', () => {
    it('refuses to delete a role or group an access key uses (409), so no key widens to its owner', async () => {
      const role = await createRole('narrowing-role', ['storage:read']);
      const group = (await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'narrowing-group', roleIds: [role.id] } })).body;
      const byRole = await h.createKey(acme.admin, { roleIds: [role.id] });
      const byGroup = await h.createKey(acme.admin, { groupIds: [group.id] });
      const check = async (token: string) =>
        (await h.request({ method: 'POST', url: '/v1/verify', as: await verifierFor(h.services, acme.tenantId), body: { token, permission: 'billing:write' } })).body;
      expect(await check(byRole.token)).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
      expect(await check(byGroup.token)).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });

      const delGroup = await h.request({ method: 'DELETE', url: `/v1/groups/${group.id}`, as: acme.admin });
      expect(delGroup.status).toBe(409);
      expect(delGroup.body.error.code).toBe('CONFLICT');
      expect(delGroup.body.error.message).toContain('1 access key');
      // The refusal names the keys that hold it, so the admin knows where to take it off.
      const groupKey = (await h.request({ method: 'GET', url: `/v1/access-keys/${byGroup.accessKeyId}`, as: acme.admin })).body;
      expect(delGroup.body.error.message).toContain(`${groupKey.name} (${byGroup.accessKeyId})`);
      expect(delGroup.body.error.details).toMatchObject({ accessKeys: 1, keys: [{ accessKeyId: byGroup.accessKeyId, name: groupKey.name }] });
      const delRole = await h.request({ method: 'DELETE', url: `/v1/roles/${role.id}`, as: acme.admin });
      expect(delRole.status).toBe(409);
      expect(delRole.body.error.code).toBe('CONFLICT');
      expect(delRole.body.error.message).toContain(byRole.accessKeyId);
      expect(delRole.body.error.message).not.toContain(byGroup.accessKeyId);
      expect(await check(byRole.token)).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
      expect(await check(byGroup.token)).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });

      // Once no live key uses them (a deleted key does not count), they can go.
      await h.request({ method: 'PATCH', url: `/v1/access-keys/${byGroup.accessKeyId}`, as: acme.admin, body: { groupIds: [], roleIds: [role.id] } });
      expect((await h.request({ method: 'DELETE', url: `/v1/groups/${group.id}`, as: acme.admin })).status).toBe(204);
      for (const k of [byRole, byGroup]) {
        await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/disable`, as: acme.admin });
        await h.request({ method: 'DELETE', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin });
      }
      expect((await h.request({ method: 'DELETE', url: `/v1/roles/${role.id}`, as: acme.admin })).status).toBe(204);
    });
  });

  describe('groups', () => {
    it('creates a group with roles and members, reads, changes and deletes it', async () => {
      const role = await createRole('group-role', ['g:read']);
      const res = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'Readers', roleIds: [role.id], userIds: [member.id, member.id] } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Readers', description: '', roleIds: [role.id], userIds: [member.id] });
      const id = res.body.id as string;
      expect(id).toMatch(/^grp_/);

      const user = await h.request({ method: 'GET', url: `/v1/users/${member.id}`, as: acme.admin });
      expect(user.body.groupIds).toContain(id);

      const got = await h.request({ method: 'GET', url: `/v1/groups/${id}`, as: member.session });
      expect(got.status).toBe(200);
      const patched = await h.request({ method: 'PATCH', url: `/v1/groups/${id}`, as: acme.admin, body: { description: 'people who read', userIds: [] } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ description: 'people who read', userIds: [], roleIds: [role.id] });

      const list = await readAllPages(h, acme.admin, '/v1/groups', 1);
      expect(list.items.map((g) => g.id)).toContain(id);

      expect((await h.request({ method: 'DELETE', url: `/v1/groups/${id}`, as: acme.admin })).status).toBe(204);
      expect((await h.request({ method: 'GET', url: `/v1/groups/${id}`, as: acme.admin })).status).toBe(404);
      expect((await h.request({ method: 'DELETE', url: `/v1/groups/${id}`, as: acme.admin })).status).toBe(404);
    });

    it('refuses unknown roles or users, a taken name, and members', async () => {
      await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'Taken' } });
      const before = (await readAllPages(h, acme.admin, '/v1/groups', 100)).items.length;
      const unknownRole = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'G1', roleIds: ['rol_aaaaaaaaaaaaaaaa'] } });
      expect(unknownRole.status).toBe(400);
      expect(unknownRole.body.error.code).toBe('VALIDATION_FAILED');
      const unknownUser = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'G2', userIds: ['usr_aaaaaaaaaaaaaaaa'] } });
      expect(unknownUser.status).toBe(400);
      const badId = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'G3', userIds: ['someone'] } });
      expect(badId.status).toBe(400);
      const taken = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'Taken' } });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('NAME_TAKEN');
      const byMember = await h.request({ method: 'POST', url: '/v1/groups', as: member.session, body: { name: 'G4' } });
      expect(byMember.status).toBe(403);
      expect((await readAllPages(h, acme.admin, '/v1/groups', 100)).items.length).toBe(before);
    });

    it('changes a group and its change row together or not at all', async () => {
      const created = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: 'atomic-group' } });
      const id = created.body.id as string;
      await failChangeLog();
      try {
        const res = await h.request({ method: 'PATCH', url: `/v1/groups/${id}`, as: acme.admin, body: { userIds: [member.id] } });
        expect(res.status).toBe(500);
        expect((await h.request({ method: 'DELETE', url: `/v1/groups/${id}`, as: acme.admin })).status).toBe(500);
      } finally {
        await sql.raw('DROP TRIGGER fail_changes').execute(h.store.db);
      }
      const after = await h.request({ method: 'GET', url: `/v1/groups/${id}`, as: acme.admin });
      expect(after.status).toBe(200);
      expect(after.body.userIds).toEqual([]);
    });
  });
});
