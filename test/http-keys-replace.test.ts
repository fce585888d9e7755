/** HTTP: Regenerate (replace a key by a new one) and ending a rotation's overlap early, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, verify, type CreatedUser, type Harness, type Session, type Tenant } from './support/http.js';

describe.each(DATABASE_KINDS)('HTTP replace and end-overlap on %s', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  let member: CreatedUser;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    globex = await h.bootstrap();
    member = await h.createUser(acme.admin, { programmaticAccess: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  const act = (id: string, action: string, as: Session = acme.admin, body?: unknown) =>
    h.request({ method: 'POST', url: `/v1/access-keys/${id}/${action}`, as, ...(body !== undefined && { body }) });
  const get = (id: string, as: Session = acme.admin) => h.request({ method: 'GET', url: `/v1/access-keys/${id}`, as });
  const audit = async (id: string) =>
    (await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${id}&limit=100`, as: acme.admin })).body.items as { action: string; result: string; details: Record<string, unknown> }[];

  it('replaces a key: a new ID and secret that verify, the same settings, the old key disabled (KEY_DISABLED), audited', async () => {
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: `readers-${kind}`, permissions: ['storage:read'] } });
    const old = await h.createKey(acme.admin, {
      name: 'billing sync',
      type: 'access',
      roleIds: [role.body.id],
      expiresInDays: 30,
      meta: { plan: 'pro' },
      externalId: 'cust-7',
      ipAllowlist: ['127.0.0.0/8'],
    });
    const res = await act(old.accessKeyId, 'replace');
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const made = res.body;
    expect(made.accessKeyId).not.toBe(old.accessKeyId);
    expect(made.replacedKeyId).toBe(old.accessKeyId);
    expect(made.secret).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(made.copyText).toBe(`key:${made.accessKeyId}::${made.secret},tenant id: ${acme.tenantId}`);
    expect(made).toMatchObject({
      name: 'billing sync',
      type: 'access',
      state: 'enabled',
      ownerId: acme.admin.userId,
      roleIds: [role.body.id],
      expiresAt: old.expiresAt,
      meta: { plan: 'pro' },
      externalId: 'cust-7',
      ipAllowlist: ['127.0.0.0/8'],
      lastUsedAt: null,
    });
    expect(await verify(h, old.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect((await verify(h, made.token, 'storage:read')).valid).toBe(true);
    expect((await get(old.accessKeyId)).body.state).toBe('disabled');
    // The secret is never shown again.
    expect((await get(made.accessKeyId)).text).not.toContain(made.secret);

    const events = await audit(old.accessKeyId);
    expect(events[0]).toMatchObject({ action: 'access_key.replace', result: 'success', details: { replacedBy: made.accessKeyId, from: 'enabled', to: 'disabled' } });
    expect((await audit(made.accessKeyId))[0]).toMatchObject({ action: 'access_key.create', details: { replaces: old.accessKeyId } });
    for (const e of [...events, ...(await audit(made.accessKeyId))]) expect(JSON.stringify(e)).not.toContain(made.secret);
  });

  it('lets a member replace their own key, not anyone else’s; another tenant’s key is 404', async () => {
    const own = await h.createKey(member.session, { name: 'mine' });
    const res = await act(own.accessKeyId, 'replace', member.session);
    expect(res.status).toBe(201);
    expect(res.body.ownerId).toBe(member.id);
    expect((await verify(h, res.body.token)).valid).toBe(true);
    expect(await verify(h, own.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });

    const admins = await h.createKey(acme.admin);
    const foreign = await h.createKey(globex.admin);
    for (const [id, as] of [
      [admins.accessKeyId, member.session],
      [foreign.accessKeyId, acme.admin],
    ] as const) {
      for (const action of ['replace', 'end-overlap']) {
        const refused = await act(id, action, as);
        expect([refused.status, refused.body.error.code], action).toEqual([404, 'NOT_FOUND']);
      }
    }
    expect((await verify(h, admins.token)).valid).toBe(true);
    expect((await verify(h, foreign.token)).valid).toBe(true);
  });

  it('keeps the quota: at the limit the replacement is 409 KEY_LIMIT_REACHED and the old key stays enabled', async () => {
    const m = await h.createUser(acme.admin, { programmaticAccess: true });
    const first = await h.createKey(m.session);
    await h.createKey(m.session);
    const res = await act(first.accessKeyId, 'replace', m.session);
    expect([res.status, res.body.error.code]).toEqual([409, 'KEY_LIMIT_REACHED']);
    expect(res.body.error.details).toEqual({ limit: 2 });
    expect((await get(first.accessKeyId, m.session)).body.state).toBe('enabled');
    expect((await verify(h, first.token)).valid).toBe(true);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: m.session })).body.keyCount).toBe(2);
    expect((await audit(first.accessKeyId))[0]).toMatchObject({ action: 'access_key.replace', result: 'failure', details: { reason: 'KEY_LIMIT_REACHED' } });
  });

  it('refuses bad input and deleted keys: a malformed ID is 400, a deleted key 409', async () => {
    for (const action of ['replace', 'end-overlap']) {
      const bad = await act('not-a-key', action);
      expect([bad.status, bad.body.error.code], action).toEqual([400, 'MALFORMED_ID']);
    }
    const k = await h.createKey(acme.admin);
    await act(k.accessKeyId, 'disable');
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin });
    const res = await act(k.accessKeyId, 'replace');
    expect([res.status, res.body.error.code]).toEqual([409, 'KEY_ALREADY_DELETED']);

    // An expired key's successor would be born expired: 409, and the key stays as it was.
    const short = await h.createKey(acme.admin, { expiresInDays: 1 });
    h.clock.advance(86_400_000);
    const expired = await act(short.accessKeyId, 'replace');
    expect([expired.status, expired.body.error.code]).toEqual([409, 'CONFLICT']);
    expect(expired.body.error.message).toContain('expired');
    expect((await get(short.accessKeyId)).body.state).toBe('enabled');
  });

  it('ends an overlap now: the old secret stops at once, the new one works, audited; 409 without an overlap', async () => {
    const m = await h.createUser(acme.admin, { programmaticAccess: true });
    const k = await h.createKey(m.session, { name: 'overlapping' });
    const rotated = await act(k.accessKeyId, 'rotate', m.session, { overlapSeconds: 3600 });
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(h.clock.now().getTime() + 3_600_000).toISOString());
    expect((await verify(h, k.token)).valid).toBe(true);

    const res = await act(k.accessKeyId, 'end-overlap', m.session);
    expect(res.status).toBe(200);
    expect(res.body.previousSecretExpiresAt).toBe(h.clock.now().toISOString());
    expect(await verify(h, k.token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    expect((await verify(h, rotated.body.token)).valid).toBe(true);
    const stored = (await h.store.accessKeys.find(acme.tenantId, k.accessKeyId))!.secrets;
    expect([stored.previousSecretDigest, stored.previousSecretEnvelope]).toEqual([null, null]);
    expect((await audit(k.accessKeyId))[0]).toMatchObject({ action: 'access_key.end_overlap', result: 'success' });

    const again = await act(k.accessKeyId, 'end-overlap', m.session);
    expect([again.status, again.body.error.code]).toEqual([409, 'CONFLICT']);
    const never = await h.createKey(acme.admin);
    expect((await act(never.accessKeyId, 'end-overlap')).status).toBe(409);
    // An overlap that ran out by itself has nothing left to end.
    await act(never.accessKeyId, 'rotate', acme.admin, { overlapSeconds: 60 });
    h.clock.advance(60_000);
    expect((await act(never.accessKeyId, 'end-overlap')).status).toBe(409);
  });
});
