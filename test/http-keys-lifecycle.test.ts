/** HTTP: an access key's life — list, get, change, disable/enable, delete, rotate — on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { DAY_MS, openHttp, readAllPages, verify, type CreatedUser, type Harness, type IssuedKey, type Tenant } from './support/http.js';

describe.each(DATABASE_KINDS)('HTTP access key lifecycle on %s', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let member: CreatedUser;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin);
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = (k: { accessKeyId: string }) => h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin });
  const act = (k: { accessKeyId: string }, action: string, body?: unknown) =>
    h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/${action}`, as: acme.admin, ...(body !== undefined && { body }) });

  it('lists keys with filters and cursor paging: no duplicates, no gaps, newest first', async () => {
    const t = await h.bootstrap();
    const m = await h.createUser(t.admin);
    const created: IssuedKey[] = [];
    for (let i = 0; i < 7; i++) {
      created.push(await h.createKey(t.admin, { name: `admin-${i}`, type: i % 2 === 0 ? 'access' : 'api' }));
      h.clock.advance(1000);
    }
    for (let i = 0; i < 2; i++) created.push(await h.createKey(t.admin, { name: `member-${i}`, userId: m.id }));
    await h.request({ method: 'POST', url: `/v1/access-keys/${created[0]!.accessKeyId}/disable`, as: t.admin });

    const all = await readAllPages(h, t.admin, '/v1/access-keys', 100);
    expect(all.items).toHaveLength(9);
    for (const limit of [1, 2, 4]) {
      const paged = await readAllPages(h, t.admin, '/v1/access-keys', limit);
      expect(paged.items.map((k) => k.accessKeyId)).toEqual(all.items.map((k) => k.accessKeyId));
      expect(paged.pages).toBe(Math.ceil(9 / limit));
    }
    const times = all.items.map((k) => Date.parse(k.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(all.items.map((k) => k.accessKeyId))).toEqual(new Set(created.map((k) => k.accessKeyId)));

    const byUser = await readAllPages(h, t.admin, `/v1/access-keys?userId=${m.id}`, 1);
    expect(byUser.items.map((k) => k.name).sort()).toEqual(['member-0', 'member-1']);
    const disabled = await readAllPages(h, t.admin, '/v1/access-keys?state=disabled', 10);
    expect(disabled.items.map((k) => k.accessKeyId)).toEqual([created[0]!.accessKeyId]);
    const access = await readAllPages(h, t.admin, '/v1/access-keys?type=access', 2);
    expect(access.items.every((k) => k.type === 'access')).toBe(true);
    expect(access.items).toHaveLength(4);

    const asMember = await readAllPages(h, m.session, '/v1/access-keys', 1);
    expect(asMember.items.map((k) => k.ownerId)).toEqual([m.id, m.id]);
    const peek = await h.request({ method: 'GET', url: `/v1/access-keys?userId=${t.admin.userId}`, as: m.session });
    expect(peek.status).toBe(404);

    for (const item of all.items) expect(item).not.toHaveProperty('secret');
  });

  it('gets a key without its secret', async () => {
    const k = await h.createKey(acme.admin, { name: 'readable' });
    const res = await get(k);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accessKeyId: k.accessKeyId, name: 'readable', state: 'enabled', expired: false });
    expect(res.text).not.toContain(k.secret);
    expect(Object.keys(res.body)).not.toEqual(expect.arrayContaining(['secret']));
  });

  it('renames a key and changes its expiry', async () => {
    const k = await h.createKey(acme.admin, { name: 'old name' });
    const renamed = await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin, body: { name: 'new name' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'new name', expiresAt: k.expiresAt });
    const now = h.clock.now().getTime();
    const shorter = await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin, body: { expiresInDays: 7 } });
    expect(shorter.body.expiresAt).toBe(new Date(now + 7 * DAY_MS).toISOString());
    const never = await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin, body: { neverExpires: true } });
    expect(never.body.expiresAt).toBeNull();
    expect((await get(k)).body).toMatchObject({ name: 'new name', expiresAt: null });
    const both = await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin, body: { expiresInDays: 7, neverExpires: true } });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('INVALID_EXPIRY');
    expect((await get(k)).body.expiresAt).toBeNull();
  });

  it('expires a key whose new expiry has passed: KEY_EXPIRED on the very next request', async () => {
    const k = await h.createKey(acme.admin);
    await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin, body: { expiresInDays: 1 } });
    expect((await verify(h, k.token)).valid).toBe(true);
    h.clock.advance(DAY_MS);
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_EXPIRED' });
    expect((await get(k)).body).toMatchObject({ state: 'enabled', expired: true });
  });

  it("changes a key's roles and groups; its effective permissions never exceed its owner's", async () => {
    const storage = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: `storage-${kind}`, permissions: ['storage:*'] } });
    const billing = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: `billing-${kind}`, permissions: ['billing:read', 'storage:read'] } });
    const group = await h.request({ method: 'POST', url: '/v1/groups', as: acme.admin, body: { name: `g-${kind}`, roleIds: [billing.body.id] } });
    // The member holds storage:* only.
    await h.request({ method: 'PATCH', url: `/v1/users/${member.id}`, as: acme.admin, body: { roleIds: [storage.body.id] } });
    const k = await h.createKey(member.session, { name: 'narrow' });

    const asOwner = await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/permissions`, as: member.session });
    expect(asOwner.status).toBe(200);
    expect(asOwner.body).toEqual({ permissions: ['storage:*'], ownerPermissions: ['storage:*'], keyGrants: null, actsAsOwner: true });

    const changed = await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: member.session, body: { groupIds: [group.body.id] } });
    expect(changed.status).toBe(200);
    expect(changed.body.groupIds).toEqual([group.body.id]);
    const narrowed = await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/permissions`, as: member.session });
    // The group grants billing:read and storage:read; the owner lacks billing:read, so the key does too.
    expect(narrowed.body).toEqual({ permissions: ['storage:read'], ownerPermissions: ['storage:*'], keyGrants: ['billing:read', 'storage:read'], actsAsOwner: false });
    expect(await verify(h, k.token, 'storage:read')).toMatchObject({ valid: true, permissions: ['storage:read'] });
    expect(await verify(h, k.token, 'billing:read')).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
    expect(await verify(h, k.token, 'storage:write')).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });

    const roles = await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: member.session, body: { roleIds: [storage.body.id], groupIds: [] } });
    expect(roles.body).toMatchObject({ roleIds: [storage.body.id], groupIds: [] });
    expect(await verify(h, k.token, 'storage:write')).toMatchObject({ valid: true });

    // Taking the role away from the owner narrows the key at once.
    await h.request({ method: 'PATCH', url: `/v1/users/${member.id}`, as: acme.admin, body: { roleIds: [] } });
    expect(await verify(h, k.token, 'storage:write')).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
    const none = await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/permissions`, as: acme.admin });
    expect(none.body.permissions).toEqual([]);
  });

  it('disables and enables a key: verification fails and works again on the very next request', async () => {
    const k = await h.createKey(acme.admin);
    expect((await verify(h, k.token)).valid).toBe(true);
    const off = await act(k, 'disable');
    expect(off.status).toBe(200);
    expect(off.body.state).toBe('disabled');
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect((await act(k, 'disable')).body.state).toBe('disabled');
    const on = await act(k, 'enable');
    expect(on.body.state).toBe('enabled');
    expect((await verify(h, k.token)).valid).toBe(true);
  });

  it('deletes only a disabled key by default (409 KEY_NOT_DISABLED), softly and for good', async () => {
    const k = await h.createKey(acme.admin);
    const refused = await h.request({ method: 'DELETE', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('KEY_NOT_DISABLED');
    expect((await verify(h, k.token)).valid).toBe(true);

    await act(k, 'disable');
    const del = await h.request({ method: 'DELETE', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin });
    expect(del.status).toBe(200);
    expect(del.body.state).toBe('deleted');
    expect(del.body.deletedAt).toBe(h.clock.now().toISOString());
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_DELETED' });
    // Soft: still readable, but nothing more can be done with it.
    expect((await get(k)).body.state).toBe('deleted');
    for (const [method, url, body] of [
      ['POST', 'enable', undefined],
      ['POST', 'disable', undefined],
      ['POST', 'rotate', undefined],
      ['PATCH', '', { name: 'revived' }],
      ['DELETE', '', undefined],
    ] as const) {
      const res = await h.request({ method, url: `/v1/access-keys/${k.accessKeyId}${url ? `/${url}` : ''}`, as: acme.admin, ...(body && { body }) });
      expect(res.status, `${method} ${url}`).toBe(409);
      expect(res.body.error.code).toBe('KEY_ALREADY_DELETED');
    }
    expect((await get(k)).body).toMatchObject({ state: 'deleted', name: k.name });
  });

  it('deletes an enabled key at once when the policy allows it', async () => {
    const t = await h.bootstrap();
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
    await h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...policy, deleteRequiresDisabled: false } });
    const k = await h.createKey(t.admin);
    const del = await h.request({ method: 'DELETE', url: `/v1/access-keys/${k.accessKeyId}`, as: t.admin });
    expect(del.status).toBe(200);
    expect(del.body.state).toBe('deleted');
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_DELETED' });
  });

  it('rotates without overlap: the new secret once, the old one stops at once', async () => {
    const k = await h.createKey(acme.admin);
    const res = await act(k, 'rotate');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const next = res.body;
    expect(next.accessKeyId).toBe(k.accessKeyId);
    expect(next.secret).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(next.secret).not.toBe(k.secret);
    expect(next.copyText).toBe(`key:${k.accessKeyId}::${next.secret},tenant id: ${acme.tenantId}`);
    expect(next.previousSecretExpiresAt).toBeNull();
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    expect((await verify(h, next.token)).valid).toBe(true);
    expect((await get(k)).text).not.toContain(next.secret);
  });

  it('rotates with an overlap: the old secret works until the overlap ends, then not', async () => {
    const k = await h.createKey(acme.admin);
    const res = await act(k, 'rotate', { overlapSeconds: 3600 });
    expect(res.status).toBe(200);
    expect(res.body.previousSecretExpiresAt).toBe(new Date(h.clock.now().getTime() + 3_600_000).toISOString());
    expect((await verify(h, k.token)).valid).toBe(true);
    expect((await verify(h, res.body.token)).valid).toBe(true);
    h.clock.advance(3_599_000);
    expect((await verify(h, k.token)).valid).toBe(true);
    h.clock.advance(1_000);
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    expect((await verify(h, res.body.token)).valid).toBe(true);
  });

  it('allows an overlap of at most 24 hours, and a second rotation ends the first overlap', async () => {
    const k = await h.createKey(acme.admin);
    const tooLong = await act(k, 'rotate', { overlapSeconds: 86_401 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('VALIDATION_FAILED');
    expect((await verify(h, k.token)).valid).toBe(true);

    const first = await act(k, 'rotate', { overlapSeconds: 86_400 });
    expect(first.status).toBe(200);
    const second = await act(k, 'rotate', { overlapSeconds: 60 });
    // Only the secret just replaced lives on during the overlap; the original one is gone.
    expect(await verify(h, k.token)).toMatchObject({ valid: false });
    expect((await verify(h, first.body.token)).valid).toBe(true);
    expect((await verify(h, second.body.token)).valid).toBe(true);
  });

  it('leaves an audit event for every management action on a key, none holding a secret', async () => {
    // One second between actions, so "newest first" has one right answer.
    const tick = () => h.clock.advance(1000);
    const k = await h.createKey(acme.admin, { name: 'audited' });
    tick();
    await h.request({ method: 'PATCH', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin, body: { name: 'audited 2' } });
    tick();
    const rotated = await act(k, 'rotate', { overlapSeconds: 10 });
    for (const action of ['disable', 'enable', 'disable']) {
      tick();
      await act(k, action);
    }
    tick();
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin });
    const res = await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${k.accessKeyId}&limit=100`, as: acme.admin });
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action).reverse()).toEqual([
      'access_key.create',
      'access_key.update',
      'access_key.rotate',
      'access_key.disable',
      'access_key.enable',
      'access_key.disable',
      'access_key.delete',
    ]);
    for (const e of res.body.items) expect(e).toMatchObject({ actorId: acme.admin.userId, targetType: 'access_key', result: 'success' });
    for (const secret of [k.secret, rotated.body.secret]) expect(res.text).not.toContain(secret);
  });

  it('never lets simultaneous rotations or state changes both land on the same state: the late ones answer 409 CONFLICT', async () => {
    const k = await h.createKey(acme.admin, { name: 'raced' });
    const versionOf = async () => (await h.store.accessKeys.find(acme.tenantId, k.accessKeyId))!.secrets.secretVersion;
    const startVersion = await versionOf();
    const rotations = await Promise.all([1, 2, 3, 4].map(() => act(k, 'rotate')));
    const won = rotations.filter((r) => r.status === 200);
    const lost = rotations.filter((r) => r.status !== 200);
    // However the machine interleaves the four (all at once, or one after another), a request
    // that read the key before another rotation landed must not land as well: every 200 moved the
    // secret version exactly once, and the others answer 409 CONFLICT.
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(await versionOf()).toBe(startVersion + won.length);
    for (const r of lost) expect([r.status, r.body.error.code]).toEqual([409, 'CONFLICT']);
    // Exactly one secret is live (no overlap was asked for): the last one that landed.
    const live = [];
    for (const r of won) if ((await verify(h, r.body.token)).valid) live.push(r.body.accessKeyId);
    expect(live).toHaveLength(1);
    expect((await verify(h, k.token)).valid).toBe(false);

    const disables = await Promise.all([1, 2, 3].map(() => act(k, 'disable')));
    // One that read the key after a disable landed finds nothing to change (200, as any repeated
    // disable); one that read it before must not land a second time (409): one disable landed.
    for (const r of disables.filter((d) => d.status !== 200)) expect(r.status).toBe(409);
    const landed = await h.request({ method: 'GET', url: `/v1/audit-events?action=access_key.disable&targetId=${k.accessKeyId}`, as: acme.admin });
    expect(landed.body.items.filter((e: { result: string }) => e.result === 'success')).toHaveLength(1);
    expect((await get(k)).body.state).toBe('disabled');
  });
});
