/** HTTP: signing in and out of the console, sessions, the brake on guessing, one-time passwords. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../src/core/login-throttle.js';
import { openHttp, PASSWORD, type Harness, type Tenant } from './support/http.js';

describe('HTTP auth (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Fails to sign in until refused with 429 (at most FREE_FAILURES + 3 tries); the statuses seen. */
  const failUntilLocked = async (body: Record<string, string>) => {
    const statuses: number[] = [];
    while (statuses.at(-1) !== 429 && statuses.length < FREE_FAILURES + 3) {
      const res = await h.request({ method: 'POST', url: '/v1/auth/login', body });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    return statuses;
  };

  it('signs in with an HttpOnly SameSite cookie and answers the user and a CSRF token', async () => {
    const res = await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email: acme.admin.email, password: PASSWORD } });
    expect(res.status).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'latchkey_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie!.value.length).toBeGreaterThanOrEqual(40);
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(res.body.csrfToken).not.toBe(cookie!.value);
    expect(res.body.user).toMatchObject({ id: acme.admin.userId, email: acme.admin.email, role: 'admin', tenantId: acme.tenantId });
    expect(res.text).not.toMatch(/argon2|passwordHash/i);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('accepts the tenant by ID as well as by name, and the email in any case', async () => {
    const res = await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.tenantId, email: acme.admin.email.toUpperCase(), password: PASSWORD } });
    expect(res.status).toBe(200);
  });

  it('answers a wrong password, an unknown email and an unknown tenant exactly alike', async () => {
    const attempts = [
      { tenant: acme.slug, email: acme.admin.email, password: 'not the password at all' },
      { tenant: acme.slug, email: 'nobody@example.test', password: PASSWORD },
      { tenant: 'no-such-tenant', email: acme.admin.email, password: PASSWORD },
    ];
    const answers = [];
    for (const body of attempts) {
      const res = await h.request({ method: 'POST', url: '/v1/auth/login', body });
      expect(res.status).toBe(401);
      expect(res.cookies).toHaveLength(0);
      answers.push({ code: res.body.error.code, message: res.body.error.message });
    }
    expect(answers[0]).toEqual({ code: 'INVALID_CREDENTIALS', message: expect.any(String) });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('slows down repeated failures with TOO_MANY_ATTEMPTS and Retry-After, even for the right password', async () => {
    const t = await h.bootstrap();
    const body = { tenant: t.slug, email: t.admin.email, password: 'wrong password, again' };
    const statuses = await failUntilLocked(body);
    expect(statuses.slice(0, FREE_FAILURES)).toEqual(Array(FREE_FAILURES).fill(401));
    expect(statuses.at(-1)).toBe(429);

    const locked = await h.request({ method: 'POST', url: '/v1/auth/login', body: { ...body, password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);

    h.clock.advance(retryAfter * 1000);
    const after = await h.request({ method: 'POST', url: '/v1/auth/login', body: { ...body, password: PASSWORD } });
    expect(after.status).toBe(200);
  });

  it('lets no more guesses through when they are sent all at once', async () => {
    const t = await h.bootstrap();
    const body = { tenant: t.slug, email: t.admin.email, password: 'parallel guess' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.request({ method: 'POST', url: '/v1/auth/login', body })));
    const statuses = answers.map((r) => r.status).sort();
    // Each guess takes its own place in the count: the free failures and the one that sets the
    // lock are checked, every other guess meets the lock.
    expect(statuses.filter((s) => s === 401)).toHaveLength(FREE_FAILURES + 1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - FREE_FAILURES - 1);
    const locked = await h.request({ method: 'POST', url: '/v1/auth/login', body: { ...body, password: PASSWORD } });
    expect(locked.status).toBe(429);
  });

  it('throttles guesses against an unknown account as well', async () => {
    const body = { tenant: acme.slug, email: 'ghost@example.test', password: 'guess guess guess' };
    const statuses = await failUntilLocked(body);
    expect(statuses.slice(0, FREE_FAILURES)).toEqual(Array(FREE_FAILURES).fill(401));
    expect(statuses.at(-1)).toBe(429);
  });

  it('refuses management calls without a session', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/access-keys' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    const forged = await h.request({ method: 'GET', url: '/v1/me', headers: { cookie: 'latchkey_session=forged-value' } });
    expect(forged.status).toBe(401);
  });

  it('ends the session at logout: the cookie no longer works', async () => {
    const session = await h.login(acme.slug, acme.admin.email);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: session })).status).toBe(200);
    const out = await h.request({ method: 'POST', url: '/v1/auth/logout', as: session });
    expect(out.status).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'latchkey_session');
    expect(cleared?.value ?? '').toBe('');
    const again = await h.request({ method: 'GET', url: '/v1/me', as: session });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('does not log out without the CSRF token', async () => {
    const session = await h.login(acme.slug, acme.admin.email);
    const res = await h.request({ method: 'POST', url: '/v1/auth/logout', as: session, csrf: false });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await h.request({ method: 'GET', url: '/v1/me', as: session })).status).toBe(200);
  });

  it('expires a session after its lifetime with SESSION_EXPIRED', async () => {
    const t = await h.bootstrap();
    expect((await h.request({ method: 'GET', url: '/v1/me', as: t.admin })).status).toBe(200);
    h.clock.advance(h.config.sessionTtlMinutes * 60_000 + 1000);
    const res = await h.request({ method: 'GET', url: '/v1/me', as: t.admin });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('ends the sessions of a user an admin disables', async () => {
    const admin = await h.login(acme.slug, acme.admin.email);
    const member = await h.createUser(admin);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: member.session })).status).toBe(200);
    const off = await h.request({ method: 'PATCH', url: `/v1/users/${member.id}`, as: admin, body: { status: 'disabled' } });
    expect(off.status).toBe(200);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: member.session })).status).toBe(401);
    const relogin = await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email: member.email, password: PASSWORD } });
    expect(relogin.status).toBe(401);
    expect(relogin.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('a password change ends every other session of the user, and keeps the one that made it', async () => {
    const admin = await h.login(acme.slug, acme.admin.email);
    const member = await h.createUser(admin);
    const elsewhere = await h.login(acme.slug, member.email);
    const changed = await h.request({ method: 'PUT', url: '/v1/me/password', as: member.session, body: { currentPassword: PASSWORD, newPassword: 'another long passphrase' } });
    expect(changed.status).toBe(204);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: member.session })).status).toBe(200);
    const stolen = await h.request({ method: 'GET', url: '/v1/me', as: elsewhere });
    expect(stolen.status).toBe(401);
    expect(stolen.body.error.code).toBe('SESSION_EXPIRED');
    // Another user's sessions are untouched.
    expect((await h.request({ method: 'GET', url: '/v1/me', as: admin })).status).toBe(200);
  });

  describe('one-time passwords', () => {
    it('asks for a new password before anything else, then works normally', async () => {
      const admin = await h.login(acme.slug, acme.admin.email);
      const created = await h.request({ method: 'POST', url: '/v1/users', as: admin, body: { email: 'otp@example.test', role: 'member', programmaticAccess: true } });
      expect(created.status).toBe(201);
      const oneTime: string = created.body.oneTimePassword;
      expect(oneTime).toMatch(/^[0-9A-Za-z]{20}$/);
      expect(created.body.user.mustChangePassword).toBe(true);

      const session = await h.login(acme.slug, 'otp@example.test', oneTime);
      const me = await h.request({ method: 'GET', url: '/v1/me', as: session });
      expect(me.status).toBe(200);
      expect(me.body.user.mustChangePassword).toBe(true);
      for (const [method, url] of [
        ['GET', '/v1/access-keys'],
        ['POST', '/v1/access-keys'],
        ['GET', '/v1/policy'],
        ['GET', '/v1/roles'],
      ] as const) {
        const res = await h.request({ method, url, as: session, ...(method === 'POST' && { body: {} }) });
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      }
      expect(await h.store.accessKeys.countHeld(session.userId)).toBe(0);

      const wrong = await h.request({ method: 'PUT', url: '/v1/me/password', as: session, body: { currentPassword: 'not it at all', newPassword: 'a brand new password' } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
      const weak = await h.request({ method: 'PUT', url: '/v1/me/password', as: session, body: { currentPassword: oneTime, newPassword: 'short' } });
      expect(weak.status).toBe(400);
      expect(weak.body.error.code).toBe('WEAK_PASSWORD');
      const same = await h.request({ method: 'PUT', url: '/v1/me/password', as: session, body: { currentPassword: oneTime, newPassword: oneTime } });
      expect(same.status).toBe(400);
      expect(same.body.error.code).toBe('WEAK_PASSWORD');
      const noCsrf = await h.request({ method: 'PUT', url: '/v1/me/password', as: session, csrf: false, body: { currentPassword: oneTime, newPassword: 'a brand new password' } });
      expect(noCsrf.status).toBe(403);

      const changed = await h.request({ method: 'PUT', url: '/v1/me/password', as: session, body: { currentPassword: oneTime, newPassword: 'a brand new password' } });
      expect(changed.status).toBe(204);
      expect((await h.request({ method: 'GET', url: '/v1/access-keys', as: session })).status).toBe(200);

      const old = await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email: 'otp@example.test', password: oneTime } });
      expect(old.status).toBe(401);
      await h.login(acme.slug, 'otp@example.test', 'a brand new password');
    });
  });
});
