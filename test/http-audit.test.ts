/** HTTP: GET /v1/audit-events — one event per management action, never a secret, admins only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import { openHttp, PASSWORD, readAllPages, type Harness, type Session, type Tenant } from './support/http.js';

describe('HTTP audit events (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  /** Every credential seen during the session, none of which may appear in an audit event. */
  const credentials: string[] = [PASSWORD];
  let memberSession: Session;
  let memberId: string;

  beforeAll(async () => {
    h = await openHttp('sqlite');
    // Made by hand rather than h.bootstrap(), so the tenant's creation and first sign-in are a second apart.
    const slug = 'audited-tenant';
    const made = await h.services.tenants.create({ slug, email: 'admin@audited.example', password: PASSWORD });
    h.clock.advance(1000);
    acme = { tenantId: made.tenant.id, slug, admin: await h.login(slug, 'admin@audited.example') };
    credentials.push(acme.admin.cookie, acme.admin.csrfToken);
    // One of each management action, a second apart so the order is well defined.
    const as = acme.admin;
    const step = async (o: Parameters<Harness['request']>[0]) => {
      h.clock.advance(1000);
      const res = await h.request({ as, ...o });
      expect(res.status, `${o.method} ${o.url}: ${res.text}`).toBeLessThan(300);
      return res.body;
    };
    const user = await step({ method: 'POST', url: '/v1/users', body: { email: 'audited@example.test', role: 'member', programmaticAccess: true } });
    memberId = user.user.id;
    credentials.push(user.oneTimePassword);
    h.clock.advance(1000);
    memberSession = await h.login(acme.slug, 'audited@example.test', user.oneTimePassword);
    credentials.push(memberSession.cookie, memberSession.csrfToken);
    await step({ method: 'PUT', url: '/v1/me/password', as: memberSession, body: { currentPassword: user.oneTimePassword, newPassword: 'the member password 2' } });
    credentials.push('the member password 2');
    await step({ method: 'PATCH', url: `/v1/users/${memberId}`, body: { name: 'Audited' } });
    const role = await step({ method: 'POST', url: '/v1/roles', body: { name: 'r', permissions: ['a:b'] } });
    await step({ method: 'PATCH', url: `/v1/roles/${role.id}`, body: { permissions: ['a:c'] } });
    const group = await step({ method: 'POST', url: '/v1/groups', body: { name: 'g' } });
    await step({ method: 'PATCH', url: `/v1/groups/${group.id}`, body: { roleIds: [role.id] } });
    await step({ method: 'DELETE', url: `/v1/groups/${group.id}` });
    await step({ method: 'DELETE', url: `/v1/roles/${role.id}` });
    await step({ method: 'PUT', url: '/v1/policy', body: { ...DEFAULT_POLICY, memberKeyLimit: 3 } });
    const key = await step({ method: 'POST', url: '/v1/access-keys', body: { name: 'k', type: 'access' } });
    credentials.push(key.secret, key.token);
    await step({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, body: { name: 'k2' } });
    const rotated = await step({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/rotate`, body: { overlapSeconds: 60 } });
    credentials.push(rotated.secret, rotated.token);
    await step({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/disable` });
    await step({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/enable` });
    await step({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/disable` });
    await step({ method: 'DELETE', url: `/v1/access-keys/${key.accessKeyId}` });
    await step({ method: 'POST', url: '/v1/auth/logout', as: memberSession });
    h.clock.advance(1000);
    await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email: acme.admin.email, password: 'a wrong password' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('records every management action, newest first, with actor, target, result and address', async () => {
    const { items } = await readAllPages(h, acme.admin, '/v1/audit-events', 100);
    expect(items.map((e) => e.action).reverse()).toEqual([
      'tenant.create',
      'auth.login',
      'user.create',
      'auth.login',
      'user.password.change',
      'user.update',
      'role.create',
      'role.update',
      'group.create',
      'group.update',
      'group.delete',
      'role.delete',
      'policy.update',
      'access_key.create',
      'access_key.update',
      'access_key.rotate',
      'access_key.disable',
      'access_key.enable',
      'access_key.disable',
      'access_key.delete',
      'auth.logout',
      'auth.login',
    ]);
    const [failedLogin] = items;
    expect(failedLogin).toMatchObject({ action: 'auth.login', result: 'failure', actorId: acme.admin.userId, details: { reason: 'WRONG_PASSWORD' } });
    const created = items.find((e) => e.action === 'user.create');
    expect(created).toMatchObject({ actorId: acme.admin.userId, actorKeyId: null, targetType: 'user', targetId: memberId, result: 'success', ip: '127.0.0.1' });
    expect(items.find((e) => e.action === 'auth.logout')).toMatchObject({ actorId: memberId });
    for (const e of items) expect(Date.parse(e.at)).not.toBeNaN();
  });

  it('never holds a secret, token, password, cookie or CSRF token', async () => {
    const { items } = await readAllPages(h, acme.admin, '/v1/audit-events', 100);
    const text = JSON.stringify(items);
    for (const c of credentials) expect(text.includes(c), `audit events contain ${c.slice(0, 4)}…`).toBe(false);
    const stored = JSON.stringify(await h.store.db.selectFrom('auditEvents').selectAll().execute());
    for (const c of credentials) expect(stored.includes(c)).toBe(false);
  });

  it('filters by actor, action, target and time, and pages without duplicates or gaps', async () => {
    const all = await readAllPages(h, acme.admin, '/v1/audit-events', 100);
    const paged = await readAllPages(h, acme.admin, '/v1/audit-events', 4);
    expect(paged.items.map((e) => e.id)).toEqual(all.items.map((e) => e.id));

    const byMember = await readAllPages(h, acme.admin, `/v1/audit-events?actorId=${memberId}`, 100);
    expect(byMember.items.map((e) => e.action).sort()).toEqual(['auth.login', 'auth.logout', 'user.password.change']);
    const disables = await readAllPages(h, acme.admin, '/v1/audit-events?action=access_key.disable', 1);
    expect(disables.items).toHaveLength(2);
    const aboutMember = await readAllPages(h, acme.admin, `/v1/audit-events?targetId=${memberId}`, 100);
    expect(aboutMember.items.every((e) => e.targetId === memberId)).toBe(true);

    const middle = all.items[10]!.at as string;
    const from = await readAllPages(h, acme.admin, `/v1/audit-events?from=${encodeURIComponent(middle)}`, 100);
    expect(from.items.every((e) => e.at >= middle)).toBe(true);
    const to = await readAllPages(h, acme.admin, `/v1/audit-events?to=${encodeURIComponent(middle)}`, 100);
    expect(to.items.every((e) => e.at < middle)).toBe(true);
    expect(from.items.length + to.items.length).toBe(all.items.length);
  });

  it('is for admins only', async () => {
    const member = await h.login(acme.slug, 'audited@example.test', 'the member password 2');
    const res = await h.request({ method: 'GET', url: '/v1/audit-events', as: member });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses bad filters with a 400', async () => {
    for (const [query, code] of [
      ['from=yesterday', 'VALIDATION_FAILED'],
      ['to=2030-01-01', 'VALIDATION_FAILED'],
      ['actorId=admin', 'VALIDATION_FAILED'],
      ['action=DROP%20TABLE', 'VALIDATION_FAILED'],
      ['cursor=%%%', 'INVALID_CURSOR'],
      ['who=me', 'UNKNOWN_FIELD'],
    ]) {
      const res = await h.request({ method: 'GET', url: `/v1/audit-events?${query}`, as: acme.admin });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe(code);
    }
  });

  it('lists actions made within the same millisecond in the order they happened', async () => {
    // The clock does not move here: every event below carries the same time.
    const as = acme.admin;
    const role = await h.request({ method: 'POST', url: '/v1/roles', as, body: { name: 'same-ms', permissions: ['x:y'] } });
    for (const permissions of [['x:1'], ['x:2'], ['x:3']]) {
      expect((await h.request({ method: 'PATCH', url: `/v1/roles/${role.body.id}`, as, body: { permissions } })).status).toBe(200);
    }
    expect((await h.request({ method: 'DELETE', url: `/v1/roles/${role.body.id}`, as })).status).toBe(204);
    const page = await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${role.body.id}`, as });
    const events = page.body.items as { action: string; at: string; details: { permissions?: string[] } }[];
    expect(new Set(events.map((e) => e.at)).size).toBe(1);
    expect(events.map((e) => [e.action, e.details.permissions?.[0] ?? null])).toEqual([
      ['role.delete', null],
      ['role.update', 'x:3'],
      ['role.update', 'x:2'],
      ['role.update', 'x:1'],
      ['role.create', 'x:y'],
    ]);
  });

  it('records a refused change as a failure with its reason, but not malformed input, a step-up request or an unknown target', async () => {
    const t = await h.bootstrap();
    const member = await h.createUser(t.admin);
    const key = await h.createKey(t.admin, { name: 'still-enabled' });
    const failures = async () =>
      (await readAllPages(h, t.admin, '/v1/audit-events', 100)).items
        .filter((e: { result: string }) => e.result === 'failure')
        .map((e: any) => ({ action: e.action, actorId: e.actorId, targetId: e.targetId, reason: e.details?.reason }));
    const before = await failures();

    // 409: the policy wants a disabled key before delete. 403: a member creating a user.
    expect((await h.request({ method: 'DELETE', url: `/v1/access-keys/${key.accessKeyId}`, as: t.admin })).status).toBe(409);
    expect((await h.request({ method: 'POST', url: '/v1/users', as: member.session, body: { email: 'sneaky@example.test' } })).status).toBe(403);
    // Not attempts worth a record: malformed input, and an ID this tenant does not have.
    expect((await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: t.admin, body: { name: 5 } })).status).toBe(400);
    expect((await h.request({ method: 'DELETE', url: '/v1/roles/rol_aaaaaaaaaaaaaaaa', as: t.admin })).status).toBe(404);

    expect((await failures()).slice(0, (await failures()).length - before.length)).toEqual([
      { action: 'user.create', actorId: member.id, targetId: null, reason: 'FORBIDDEN' },
      { action: 'access_key.delete', actorId: t.admin.userId, targetId: key.accessKeyId, reason: 'KEY_NOT_DISABLED' },
    ]);
  });

  it('records how each action came: console for a session, api for an access key', async () => {
    const key = await h.createKey(acme.admin, { name: 'via-console', type: 'access' });
    const bearer = { kind: 'bearer' as const, token: key.token };
    const made = await h.request({ method: 'POST', url: '/v1/access-keys', as: bearer, body: { name: 'via-api' } });
    expect(made.status).toBe(201);
    // A refusal says how it came too: this key may not delete an enabled key.
    expect((await h.request({ method: 'DELETE', url: `/v1/access-keys/${made.body.accessKeyId}`, as: bearer })).status).toBe(409);
    const of = async (targetId: string) =>
      (await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${targetId}`, as: acme.admin })).body.items.map((e: any) => [e.action, e.result, e.via, e.actorKeyId]);
    expect(await of(key.accessKeyId)).toEqual([['access_key.create', 'success', 'console', null]]);
    expect(await of(made.body.accessKeyId)).toEqual([
      ['access_key.delete', 'failure', 'api', key.accessKeyId],
      ['access_key.create', 'success', 'api', key.accessKeyId],
    ]);
  });

  const SCRUBBED = { secret: 'scrubbed-secret-7f3a9c', token: 'scrubbed-token-b21e04', password: 'scrubbed-password-d58f61' };

  it('drops fields named like a credential at any depth of the details, even if a caller passes one', async () => {
    const admin = (await h.services.users.findById(acme.tenantId, acme.admin.userId))!;
    await h.services.audit.record(
      { tenantId: acme.tenantId, user: admin, accessKeyId: null, ip: null, via: 'session' },
      {
        action: 'user.update',
        targetType: 'test',
        targetId: 'nested-1',
        details: { name: 'kept', secret: SCRUBBED.secret, nested: { token: SCRUBBED.token, keep: 1, list: [{ password: SCRUBBED.password, ok: true }] } },
      },
    );
    const res = await h.request({ method: 'GET', url: '/v1/audit-events?targetId=nested-1', as: acme.admin });
    expect(res.body.items[0].details).toEqual({ name: 'kept', nested: { keep: 1, list: [{ ok: true }] } });
    // Values that cannot occur by chance in ids, timestamps or any other field of the answer.
    for (const value of Object.values(SCRUBBED)) expect(res.text).not.toContain(value);
  });
});
