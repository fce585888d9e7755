/**
 * HTTP: authenticator apps (TOTP) — enrolment, sign-in, step-up (seed 004: MFA on re-activation),
 * turning off and admin reset. Codes come from otplib, an implementation independent of ours.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../src/core/login-throttle.js';
import { bearer, openHttp, PASSWORD, setPolicy, totpAt, type CreatedUser, type Harness, type Session, type Tenant } from './support/http.js';
import { DATABASE_KINDS } from './support/databases.js';

const STEP = 30_000;

describe.each(DATABASE_KINDS)('HTTP TOTP (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  const begin = (as: Session) => h.request({ method: 'POST', url: '/v1/me/totp', as });
  const confirm = (as: Session, code: unknown) => h.request({ method: 'POST', url: '/v1/me/totp/confirm', as, body: { code } });
  const me = async (as: Session) => (await h.request({ method: 'GET', url: '/v1/me', as })).body;
  const signIn = (email: string, totp?: string, password = PASSWORD) =>
    h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email, password, ...(totp !== undefined && { totp }) } });
  /** Enrols and confirms; the clock then moves one step on so the next code is a fresh one. */
  const enrolled = async (who: CreatedUser): Promise<string> => {
    const secret = (await begin(who.session)).body.secret as string;
    expect((await confirm(who.session, totpAt(secret, h.clock))).status).toBe(204);
    h.clock.advance(STEP);
    return secret;
  };
  const wrong = (secret: string) => {
    const right = totpAt(secret, h.clock);
    return right === '000000' ? '000001' : '000000';
  };

  it('enrols: a fresh base32 secret and otpauth link, pending until a first code confirms it', async () => {
    const who = await h.createUser(acme.admin, { email: `tom@${acme.slug}.example` });
    const first = await begin(who.session);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const link = new URL(first.body.otpauthUrl);
    expect(link.protocol).toBe('otpauth:');
    expect(link.searchParams.get('secret')).toBe(first.body.secret);
    expect(decodeURIComponent(link.pathname)).toBe(`/Latchkey:${acme.slug}/${who.email}`);

    // Pending: not on, and sign-in does not ask for it.
    expect((await me(who.session)).totpEnabled).toBe(false);
    expect((await signIn(who.email)).status).toBe(200);

    // Again while pending: another secret; the first one's codes no longer confirm.
    const second = await begin(who.session);
    expect(second.body.secret).not.toBe(first.body.secret);
    const stale = totpAt(first.body.secret, h.clock);
    if (stale !== totpAt(second.body.secret, h.clock)) expect((await confirm(who.session, stale)).body.error.code).toBe('TOTP_CODE_INVALID');

    expect((await confirm(who.session, totpAt(second.body.secret, h.clock))).status).toBe(204);
    expect((await me(who.session)).totpEnabled).toBe(true);
    expect((await h.request({ method: 'GET', url: `/v1/users/${who.id}`, as: acme.admin })).body.totpEnabled).toBe(true);
    const listed = (await h.request({ method: 'GET', url: `/v1/users?q=${encodeURIComponent(who.email)}`, as: acme.admin })).body.items;
    expect(listed.map((u: { totpEnabled: boolean }) => u.totpEnabled)).toEqual([true]);

    expect((await begin(who.session)).body.error.code).toBe('TOTP_ALREADY_ENROLLED');
    expect((await confirm(who.session, totpAt(second.body.secret, h.clock))).body.error.code).toBe('TOTP_ALREADY_ENROLLED');

    // Sealed at rest, and nowhere in logs or the audit trail.
    const stored = await h.store.db.selectFrom('totpCredentials').selectAll().where('userId', '=', who.id).executeTakeFirstOrThrow();
    expect(stored.secretEnvelope).toMatch(/^v2\.[A-Za-z0-9_-]{8}\./);
    expect(stored.secretEnvelope).not.toContain(second.body.secret);
    const audit = (await h.request({ method: 'GET', url: `/v1/audit-events?actorId=${who.id}`, as: acme.admin })).body.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['user.totp.enroll_start', 'user.totp.enroll']));
    expect(JSON.stringify(audit)).not.toContain(second.body.secret);
    expect(h.logText()).not.toContain(second.body.secret);
    h.clock.advance(STEP);
  });

  it('asks for the code at sign-in: TOTP_REQUIRED without one; a wrong or replayed one is a failed sign-in', async () => {
    const who = await h.createUser(acme.admin);
    const secret = await enrolled(who);
    const none = await signIn(who.email);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('TOTP_REQUIRED');
    expect(none.cookies).toEqual([]);

    const bad = await signIn(who.email, wrong(secret));
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
    const code = totpAt(secret, h.clock);
    // A right code does not rescue a wrong password.
    expect((await signIn(who.email, code, 'not the password at all')).body.error.code).toBe('INVALID_CREDENTIALS');

    const ok = await signIn(who.email, code);
    expect(ok.status).toBe(200);
    const replay = await signIn(who.email, code);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('INVALID_CREDENTIALS');

    const failures = (await h.request({ method: 'GET', url: `/v1/audit-events?action=auth.login&targetId=${who.id}`, as: acme.admin })).body.items;
    expect(failures.filter((e: any) => e.details?.reason === 'WRONG_TOTP')).toHaveLength(2);

    // Wrong codes slow sign-in down like wrong passwords: past the free failures even a right,
    // unused code (the next step's, accepted one step early) has to wait.
    // (The replayed code above was the first failure since the last success.)
    for (let i = 0; i < FREE_FAILURES; i++) expect((await signIn(who.email, wrong(secret))).status).toBe(401);
    const next = totpAt(secret, { now: () => new Date(h.clock.now().getTime() + STEP) });
    const locked = await signIn(who.email, next);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    h.clock.advance(1000);
    expect((await signIn(who.email, next)).status).toBe(200);
  });

  it('is the step-up method when the policy says totp; users without one are told to enrol', async () => {
    const withApp = await h.createUser(acme.admin);
    const without = await h.createUser(acme.admin);
    const secret = await enrolled(withApp);
    await setPolicy(h, acme.admin, { stepUp: 'totp', memberKeyLimit: 10 });
    try {
      const refused = await h.request({ method: 'POST', url: '/v1/auth/step-up/start', as: without.session });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('TOTP_NOT_ENROLLED');
      expect(refused.body.error.message).toContain('Personal Settings → Security');
      const unverifiable = await h.request({ method: 'POST', url: '/v1/auth/step-up/verify', as: without.session, body: { code: '123456' } });
      expect(unverifiable.status).toBe(409);
      expect(unverifiable.body.error.code).toBe('TOTP_NOT_ENROLLED');

      const create = () => h.request({ method: 'POST', url: '/v1/access-keys', as: withApp.session, body: {} });
      expect((await create()).body.error).toMatchObject({ code: 'STEP_UP_REQUIRED', details: { method: 'totp' } });
      expect((await h.request({ method: 'POST', url: '/v1/auth/step-up/start', as: withApp.session })).body).toEqual({ method: 'totp' });
      const verify = (code: string) => h.request({ method: 'POST', url: '/v1/auth/step-up/verify', as: withApp.session, body: { code } });
      expect((await verify(wrong(secret))).body.error.code).toBe('STEP_UP_CODE_INVALID');
      const code = totpAt(secret, h.clock);
      const verified = await verify(code);
      expect(verified.status).toBe(200);
      expect(verified.body.verifiedUntil).toBe(new Date(h.clock.now().getTime() + 20 * 60_000).toISOString());
      expect((await create()).status).toBe(201);
      // The same code never verifies twice.
      expect((await verify(code)).body.error.code).toBe('STEP_UP_CODE_INVALID');
    } finally {
      await setPolicy(h, acme.admin, { stepUp: 'none' });
      h.clock.advance(STEP);
    }
  });

  it('turns off only with a current code, after which sign-in needs the password alone', async () => {
    const who = await h.createUser(acme.admin);
    const secret = await enrolled(who);
    const off = (code: unknown) => h.request({ method: 'DELETE', url: '/v1/me/totp', as: who.session, body: { code } });
    expect((await off(wrong(secret))).body.error.code).toBe('TOTP_CODE_INVALID');
    expect((await me(who.session)).totpEnabled).toBe(true);
    expect((await off(totpAt(secret, h.clock))).status).toBe(204);
    expect((await me(who.session)).totpEnabled).toBe(false);
    const removed = (await h.request({ method: 'GET', url: `/v1/audit-events?actorId=${who.id}&action=user.totp.remove`, as: acme.admin })).body.items;
    expect(removed.map((e: any) => e.result).sort()).toEqual(['failure', 'success']);
    expect((await signIn(who.email)).status).toBe(200);
    const again = await off(totpAt(secret, h.clock));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TOTP_NOT_ENROLLED');
    expect((await confirm(who.session, '123456')).body.error.code).toBe('TOTP_NOT_ENROLLED');
  });

  it('lets an admin reset another user’s app: their sessions end and the reset is audited', async () => {
    const who = await h.createUser(acme.admin);
    await enrolled(who);
    const reset = (as: Session, userId: string) => h.request({ method: 'DELETE', url: `/v1/users/${userId}/totp`, as });

    const member = await h.createUser(acme.admin);
    expect((await reset(member.session, who.id)).body.error.code).toBe('FORBIDDEN');
    expect((await reset(acme.admin, acme.admin.userId)).body.error.code).toBe('FORBIDDEN');
    expect((await reset(acme.admin, 'usr_aaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await reset((await h.bootstrap()).admin, who.id)).status).toBe(404);
    expect((await me(who.session)).totpEnabled).toBe(true);

    expect((await reset(acme.admin, who.id)).status).toBe(204);
    const ended = await h.request({ method: 'GET', url: '/v1/me', as: who.session });
    expect(ended.body.error.code).toBe('SESSION_EXPIRED');
    expect((await signIn(who.email)).status).toBe(200);
    const events = (await h.request({ method: 'GET', url: `/v1/audit-events?action=user.totp.reset`, as: acme.admin })).body.items;
    expect(events[0]).toMatchObject({ actorId: acme.admin.userId, targetId: who.id, result: 'success' });

    const twice = await reset(acme.admin, who.id);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('TOTP_NOT_ENROLLED');
  });

  it('slows down guessing at confirmation: past a few wrong codes, 429 with Retry-After', async () => {
    const who = await h.createUser(acme.admin);
    const secret = (await begin(who.session)).body.secret as string;
    for (let i = 0; i <= FREE_FAILURES; i++) expect((await confirm(who.session, wrong(secret))).body.error.code).toBe('TOTP_CODE_INVALID');
    const locked = await confirm(who.session, totpAt(secret, h.clock));
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    h.clock.advance(STEP);
    expect((await confirm(who.session, totpAt(secret, h.clock))).status).toBe(204);
    h.clock.advance(STEP);
  });

  it('is a person’s business: an access key cannot enrol, confirm or remove one', async () => {
    const key = await h.createKey(acme.admin, { type: 'access' });
    for (const [method, url, body] of [
      ['POST', '/v1/me/totp', undefined],
      ['POST', '/v1/me/totp/confirm', { code: '123456' }],
      ['DELETE', '/v1/me/totp', { code: '123456' }],
    ] as const) {
      const res = await h.request({ method, url, as: bearer(key), ...(body && { body }) });
      expect(res.status, url).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('refuses malformed codes and bodies with 400, and state changes without the CSRF token', async () => {
    const who = await h.createUser(acme.admin);
    for (const body of [{ code: '12345' }, { code: 123456 }, { code: '12345a' }, {}, { code: '123456', secret: 'x' }]) {
      for (const [method, url] of [
        ['POST', '/v1/me/totp/confirm'],
        ['DELETE', '/v1/me/totp'],
      ] as const) {
        const res = await h.request({ method, url, as: who.session, body });
        expect(res.status, `${url} ${JSON.stringify(body)}`).toBe(400);
        expect(['VALIDATION_FAILED', 'UNKNOWN_FIELD']).toContain(res.body.error.code);
      }
    }
    expect((await signIn(who.email, '12345')).status).toBe(400);
    for (const [method, url, body] of [
      ['POST', '/v1/me/totp', undefined],
      ['POST', '/v1/me/totp/confirm', { code: '123456' }],
      ['DELETE', '/v1/me/totp', { code: '123456' }],
      ['DELETE', `/v1/users/${who.id}/totp`, undefined],
    ] as const) {
      const res = await h.request({ method, url, as: method === 'DELETE' && url.startsWith('/v1/users') ? acme.admin : who.session, csrf: false, ...(body && { body }) });
      expect(res.status, url).toBe(403);
      expect(res.body.error.code).toBe('CSRF_TOKEN_INVALID');
    }
    expect((await h.request({ method: 'DELETE', url: '/v1/users/not-a-user/totp', as: acme.admin })).body.error.code).toBe('MALFORMED_ID');
  });
});

describe('HTTP TOTP across two processes sharing PostgreSQL', () => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    const masterKey = randomBytes(32);
    a = await openHttp('postgres', { masterKey });
    b = await openHttp('postgres', { masterKey, databaseUrl: a.testStore.databaseUrl! });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('refuses on one process a code the other already accepted', async () => {
    const acme = await a.bootstrap();
    const who = await a.createUser(acme.admin);
    const secret = (await a.request({ method: 'POST', url: '/v1/me/totp', as: who.session })).body.secret;
    expect((await a.request({ method: 'POST', url: '/v1/me/totp/confirm', as: who.session, body: { code: totpAt(secret, a.clock) } })).status).toBe(204);
    a.clock.advance(STEP);
    b.clock.advance(STEP);
    const code = totpAt(secret, a.clock);
    const body = { tenant: acme.slug, email: who.email, password: PASSWORD, totp: code };
    expect((await a.request({ method: 'POST', url: '/v1/auth/login', body })).status).toBe(200);
    const replay = await b.request({ method: 'POST', url: '/v1/auth/login', body });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('INVALID_CREDENTIALS');
  });
});
