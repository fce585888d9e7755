/**
 * HTTP: an administrator resets a member's password (issue 10, item 3a). A one-time password is
 * answered once, the member must change it at next sign-in, every session of theirs ends, and the
 * audit log says who did it (never the password). Members may not, and another tenant's user is 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, PASSWORD, readAllPages, type Harness, type Tenant } from './support/http.js';

describe.each(DATABASE_KINDS)('HTTP admin password reset (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    globex = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  const reset = (as: Tenant['admin'], userId: string) => h.request({ method: 'POST', url: `/v1/users/${userId}/password-reset`, as });
  const signIn = (email: string, password: string) => h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email, password } });

  it('answers a one-time password once; the old password and every session stop; the member must change it', async () => {
    const member = await h.createUser(acme.admin, { email: `rita@${acme.slug}.example` });
    const res = await reset(acme.admin, member.id);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const oneTimePassword = res.body.oneTimePassword as string;
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(12);
    expect(res.body.user).toMatchObject({ id: member.id, mustChangePassword: true });

    // The member's session ended; the old password no longer signs in.
    expect((await h.request({ method: 'GET', url: '/v1/me', as: member.session })).status).toBe(401);
    expect((await signIn(member.email, PASSWORD)).body.error.code).toBe('INVALID_CREDENTIALS');

    // The one-time password signs in, but nothing works until it is changed.
    const fresh = await h.login(acme.slug, member.email, oneTimePassword);
    expect((await h.request({ method: 'GET', url: '/v1/access-keys', as: fresh })).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const change = await h.request({ method: 'PUT', url: '/v1/me/password', as: fresh, body: { currentPassword: oneTimePassword, newPassword: 'a brand new passphrase' } });
    expect(change.status).toBe(204);
    expect((await h.request({ method: 'GET', url: '/v1/access-keys', as: fresh })).status).toBe(200);
    expect((await signIn(member.email, oneTimePassword)).body.error.code).toBe('INVALID_CREDENTIALS');

    // The audit event names the admin and the member, and holds no password; nor does the log.
    const { items } = await readAllPages(h, acme.admin, '/v1/audit-events', 100);
    const event = items.find((e: { action: string }) => e.action === 'user.password.reset');
    expect(event).toMatchObject({ actorId: acme.admin.userId, targetType: 'user', targetId: member.id, result: 'success' });
    expect(JSON.stringify(items)).not.toContain(oneTimePassword);
    expect(h.logText()).not.toContain(oneTimePassword);
  });

  it('refuses members (403), answers 404 for another tenant’s user and for nobody, and 403 for oneself', async () => {
    const member = await h.createUser(acme.admin);
    const other = await h.createUser(acme.admin);
    const outsider = await h.createUser(globex.admin);

    expect((await reset(member.session, other.id)).body.error.code).toBe('FORBIDDEN');
    expect((await reset(globex.admin, member.id)).body.error.code).toBe('NOT_FOUND');
    expect((await reset(acme.admin, outsider.id)).body.error.code).toBe('NOT_FOUND');
    const nobody = `${member.id.slice(0, -1)}${member.id.endsWith('a') ? 'b' : 'a'}`;
    expect((await reset(acme.admin, nobody)).body.error.code).toBe('NOT_FOUND');
    expect((await reset(acme.admin, 'not an id')).body.error.code).toBe('MALFORMED_ID');
    const self = await reset(acme.admin, acme.admin.userId);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('Change your own password');
    // Without the CSRF token a cookie session cannot do it.
    expect((await h.request({ method: 'POST', url: `/v1/users/${member.id}/password-reset`, as: acme.admin, csrf: false })).body.error.code).toBe('CSRF_TOKEN_INVALID');

    // Nothing changed for any of them: their sessions and passwords still work.
    for (const who of [member, other]) expect((await h.request({ method: 'GET', url: '/v1/me', as: who.session })).status).toBe(200);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: outsider.session })).status).toBe(200);
    expect((await signIn(member.email, PASSWORD)).status).toBe(200);

    const refused = (await readAllPages(h, acme.admin, '/v1/audit-events', 100)).items.filter(
      (e: { action: string; result: string }) => e.action === 'user.password.reset' && e.result !== 'success',
    );
    expect(refused.length).toBeGreaterThanOrEqual(2);
  });
});
