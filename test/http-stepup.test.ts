/**
 * HTTP: step-up verification by email code (seed 002: verify the email address before creating
 * a key; "refreshed every 20 minutes"). The codes travel through a real SMTP server.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openHttp, setPolicy, type CreatedUser, type Harness, type Session, type Tenant } from './support/http.js';
import { openMailServer, type MailServer } from './support/mail.js';

const MINUTE = 60_000;
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

describe('HTTP step-up verification by email (sqlite)', () => {
  let h: Harness;
  let smtp: MailServer;
  let acme: Tenant;
  let member: CreatedUser;
  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp('sqlite', { env: { LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>' } });
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin, { email: `mia@${acme.slug}.example` });
    await setPolicy(h, acme.admin, { stepUp: 'email', memberKeyLimit: 20 });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  const status = async (as: Session) => (await h.request({ method: 'GET', url: '/v1/auth/step-up', as })).body;
  const start = (as: Session) => h.request({ method: 'POST', url: '/v1/auth/step-up/start', as });
  const verify = (as: Session, code: unknown) => h.request({ method: 'POST', url: '/v1/auth/step-up/verify', as, body: { code } });
  const create = (as: Session | ReturnType<typeof bearer>) => h.request({ method: 'POST', url: '/v1/access-keys', as, body: { name: 'guarded', type: 'access' } });
  /** Starts, reads the code from the mailbox, returns it. Moves the clock past the start interval first. */
  const mailedCode = async (who: CreatedUser | { session: Session; email: string }) => {
    h.clock.advance(31_000);
    const seen = smtp.to(who.email).length;
    const res = await start(who.session);
    expect(res.status, res.text).toBe(200);
    return codeIn((await smtp.next(who.email, seen)).text);
  };

  it('refuses a guarded action until the session is verified: 403 STEP_UP_REQUIRED with the method', async () => {
    const res = await create(member.session);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('STEP_UP_REQUIRED');
    expect(res.body.error.details).toEqual({ method: 'email' });
    expect(await status(member.session)).toEqual({ method: 'email', verifiedUntil: null, required: true });
    expect(await h.store.accessKeys.countHeld(member.id)).toBe(0);
  });

  it('sends a 6-digit code by SMTP; the code verifies the session for 20 minutes, and the action passes', async () => {
    const seen = smtp.to(member.email).length;
    const started = await start(member.session);
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ method: 'email', sentTo: `m•••@${member.email.split('@')[1]}`, expiresAt: new Date(h.clock.now().getTime() + 10 * MINUTE).toISOString() });
    const mail = await smtp.next(member.email, seen);
    expect(mail.from).toMatch(/^"?Latchkey"? <latchkey@example\.test>$/);
    expect(mail.subject).toBe('Your Latchkey verification code');
    const code = codeIn(mail.text);
    expect(code).toMatch(/^\d{6}$/);

    const verified = await verify(member.session, code);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ verifiedUntil: new Date(h.clock.now().getTime() + 20 * MINUTE).toISOString() });
    expect(await status(member.session)).toEqual({ method: 'email', verifiedUntil: verified.body.verifiedUntil, required: false });
    expect((await h.request({ method: 'GET', url: '/v1/me', as: member.session })).body.stepUp).toEqual({ method: 'email', verifiedUntil: verified.body.verifiedUntil });

    const created = await create(member.session);
    expect(created.status).toBe(201);
    const id = created.body.accessKeyId;
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${id}/rotate`, as: member.session })).status).toBe(200);
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${id}/disable`, as: member.session })).status).toBe(200);
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${id}/enable`, as: member.session })).status).toBe(200);

    // The code is spent: it does not verify again.
    expect((await verify(member.session, code)).body.error.code).toBe('STEP_UP_CODE_EXPIRED');

    // 20 minutes later the verification has lapsed (the test clock moves; nothing else does).
    h.clock.advance(20 * MINUTE);
    expect((await create(member.session)).body.error.code).toBe('STEP_UP_REQUIRED');
    for (const action of ['rotate', 'replace', 'enable'] as const) {
      if (action === 'enable') await h.request({ method: 'POST', url: `/v1/access-keys/${id}/disable`, as: member.session });
      const res = await h.request({ method: 'POST', url: `/v1/access-keys/${id}/${action}`, as: member.session });
      expect(res.status, action).toBe(403);
      expect(res.body.error.code).toBe('STEP_UP_REQUIRED');
    }
    // Disabling, renaming and deleting are never guarded.
    expect((await h.request({ method: 'PATCH', url: `/v1/access-keys/${id}`, as: member.session, body: { name: 'renamed' } })).status).toBe(200);
    expect((await h.request({ method: 'DELETE', url: `/v1/access-keys/${id}`, as: member.session })).status).toBe(200);
  });

  it('counts a wrong code, says how many tries are left, and after 5 refuses even the right one: 429', async () => {
    const who = await h.createUser(acme.admin);
    const code = await mailedCode(who);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 1; i <= 5; i++) {
      const res = await verify(who.session, wrong);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('STEP_UP_CODE_INVALID');
      expect(res.body.error.message).toContain(i < 5 ? `${5 - i} tr` : 'last try');
    }
    const locked = await verify(who.session, code);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.headers['retry-after']).toMatch(/^\d+$/);
    expect((await status(who.session)).required).toBe(true);
    // A new code starts over.
    const fresh = await mailedCode(who);
    expect((await verify(who.session, fresh)).status).toBe(200);
  });

  it('sends at most one code per 30 s (429 with Retry-After); a new code replaces the old one', async () => {
    const who = await h.createUser(acme.admin);
    const first = await mailedCode(who);
    h.clock.advance(10_000);
    const again = await start(who.session);
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(again.headers['retry-after']).toBe('20');
    const second = await mailedCode(who);
    if (second !== first) expect((await verify(who.session, first)).body.error.code).toBe('STEP_UP_CODE_INVALID');
    expect((await verify(who.session, second)).status).toBe(200);
  });

  it('lets a code lapse after 10 minutes: 400 STEP_UP_CODE_EXPIRED, as when none was asked for', async () => {
    const who = await h.createUser(acme.admin);
    expect((await verify(who.session, '123456')).body.error.code).toBe('STEP_UP_CODE_EXPIRED');
    const code = await mailedCode(who);
    h.clock.advance(10 * MINUTE);
    const res = await verify(who.session, code);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('STEP_UP_CODE_EXPIRED');
  });

  it('keeps the verification to its session: another session of the same user is not verified', async () => {
    const who = await h.createUser(acme.admin);
    const other = await h.login(acme.slug, who.email);
    expect((await verify(who.session, await mailedCode(who))).status).toBe(200);
    expect((await status(other)).required).toBe(true);
    expect((await create(other)).body.error.code).toBe('STEP_UP_REQUIRED');
  });

  it('lets access keys create keys without step-up, but never start or verify one', async () => {
    const who = await h.createUser(acme.admin);
    expect((await verify(who.session, await mailedCode(who))).status).toBe(200);
    const key = (await create(who.session)).body;
    expect((await create(bearer(key))).status).toBe(201);
    for (const url of ['/v1/auth/step-up/start', '/v1/auth/step-up/verify']) {
      const res = await h.request({ method: 'POST', url, as: bearer(key), ...(url.endsWith('verify') && { body: { code: '123456' } }) });
      expect(res.status, url).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('audits starts and verifications, failed ones with their reason, never the code', async () => {
    const who = await h.createUser(acme.admin);
    const code = await mailedCode(who);
    // Audit events of the same millisecond have no order: let time pass between the steps.
    h.clock.advance(1000);
    await verify(who.session, code === '999999' ? '999998' : '999999');
    h.clock.advance(1000);
    await verify(who.session, code);
    const events = (await h.request({ method: 'GET', url: `/v1/audit-events?actorId=${who.id}`, as: acme.admin })).body.items;
    const steps = events.filter((e: { action: string }) => e.action.startsWith('auth.step_up')).map((e: any) => [e.action, e.result, e.details]);
    expect(steps.reverse()).toEqual([
      ['auth.step_up.start', 'success', { method: 'email' }],
      ['auth.step_up.verify', 'failure', { method: 'email', reason: 'WRONG_CODE' }],
      ['auth.step_up.verify', 'success', { method: 'email' }],
    ]);
    expect(JSON.stringify(events)).not.toContain(code);
    // Nor is it in any log line or any response but the mail itself.
    expect(h.logText()).not.toContain(code);
    const outbox = await h.store.outbox.listForTenant(acme.tenantId);
    expect(JSON.stringify(outbox)).not.toContain(`is ${code}`);
    expect(outbox.every((m) => m.bodyEnvelope === null || !m.bodyEnvelope.includes(code))).toBe(true);
  });

  it('refuses malformed codes with 400 and a bare start needs no body', async () => {
    for (const body of [{ code: '12345' }, { code: '1234567' }, { code: 123456 }, { code: 'abcdef' }, {}, { code: '123456', extra: 1 }]) {
      const res = await h.request({ method: 'POST', url: '/v1/auth/step-up/verify', as: member.session, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(['VALIDATION_FAILED', 'UNKNOWN_FIELD']).toContain(res.body.error.code);
    }
    expect((await h.request({ method: 'POST', url: '/v1/auth/step-up/verify', as: member.session })).status).toBe(400);
  });

  it('needs the CSRF token on start and verify', async () => {
    for (const url of ['/v1/auth/step-up/start', '/v1/auth/step-up/verify']) {
      const res = await h.request({ method: 'POST', url, as: member.session, csrf: false, ...(url.endsWith('verify') && { body: { code: '123456' } }) });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('CSRF_TOKEN_INVALID');
    }
  });

  it('has nothing to verify when the policy asks for none: 409 STEP_UP_NOT_REQUIRED', async () => {
    const other = await h.bootstrap();
    expect(await status(other.admin)).toEqual({ method: 'none', verifiedUntil: null, required: false });
    for (const res of [await start(other.admin), await verify(other.admin, '123456')]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('STEP_UP_NOT_REQUIRED');
    }
    expect((await create(other.admin)).status).toBe(201);
  });
});

describe('HTTP step-up by email on a server without SMTP (sqlite)', () => {
  it('answers start with 409 SMTP_NOT_CONFIGURED naming the settings, and keeps refusing guarded actions', async () => {
    const h = await openHttp('sqlite');
    try {
      const acme = await h.bootstrap();
      // The policy was set through a process that had mail (this one has none, so PUT would refuse it).
      const tenant = (await h.store.tenants.findById(acme.tenantId))!;
      await h.store.transaction((tx) => tx.tenants.updatePolicy(acme.tenantId, { ...tenant.policy, stepUp: 'email' }));
      const res = await h.request({ method: 'POST', url: '/v1/auth/step-up/start', as: acme.admin });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('SMTP_NOT_CONFIGURED');
      expect(res.body.error.message).toContain('LATCHKEY_SMTP_URL');
      expect((await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: {} })).body.error.code).toBe('STEP_UP_REQUIRED');
    } finally {
      await h.close();
    }
  });
});

describe('HTTP step-up verification across two processes sharing PostgreSQL', () => {
  let a: Harness;
  let b: Harness;
  let smtp: MailServer;
  beforeAll(async () => {
    smtp = await openMailServer();
    const env = { LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'latchkey@example.test' };
    const masterKey = randomBytes(32);
    a = await openHttp('postgres', { env, masterKey });
    b = await openHttp('postgres', { env, masterKey, databaseUrl: a.testStore.databaseUrl! });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await smtp?.close();
  });

  it('takes a code asked for through one process, verified through the other, and honours it on both', async () => {
    const acme = await a.bootstrap();
    await setPolicy(a, acme.admin, { stepUp: 'email' });
    const started = await a.request({ method: 'POST', url: '/v1/auth/step-up/start', as: acme.admin });
    expect(started.status).toBe(200);
    const email = `admin@${acme.slug}.example`;
    const code = codeIn((await smtp.next(email)).text);
    // A second start through the other process is held by the same 30-second limit.
    expect((await b.request({ method: 'POST', url: '/v1/auth/step-up/start', as: acme.admin })).status).toBe(429);
    expect((await b.request({ method: 'POST', url: '/v1/auth/step-up/verify', as: acme.admin, body: { code } })).status).toBe(200);
    expect((await a.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: {} })).status).toBe(201);
    expect((await b.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: {} })).status).toBe(201);
    // Exactly one mail went out, though both processes run a sender on the same outbox.
    await Promise.all([a.services.mailSender!.sendDue(), b.services.mailSender!.sendDue()]);
    expect(smtp.to(email)).toHaveLength(1);
  });
});
