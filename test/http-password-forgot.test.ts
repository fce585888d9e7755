/**
 * HTTP: "forgot password" by email (issue 10, item 3b), with a real SMTP server. The link works
 * once and for 30 minutes, setting the password ends every session, the answer never tells
 * whether an account exists (same body, and it is sent before any account is looked up), and a
 * server without SMTP does not offer it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESET_LINK_MINUTES, RESET_MAIL_SPACING_MS } from '../src/services/password-recovery.js';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, PASSWORD, readAllPages, totpAt, type CreatedUser, type Harness, type Tenant } from './support/http.js';
import { openMailServer, type MailServer } from './support/mail.js';
import { holdSqliteWriteLock } from './support/sqlite-locker.js';
import { join } from 'node:path';

const PUBLIC_URL = 'https://keys.example.test';
const mailEnv = (smtp: MailServer) => ({ LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>', LATCHKEY_PUBLIC_URL: PUBLIC_URL });
const NEW_PASSWORD = 'a passphrase chosen after forgetting';

describe.each(DATABASE_KINDS)('HTTP forgot password (%s, real SMTP)', (kind) => {
  let smtp: MailServer;
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp(kind, { env: mailEnv(smtp) });
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  const ask = (email: string, tenant = acme.slug) => h.request({ method: 'POST', url: '/v1/auth/password-reset', body: { tenant, email } });
  const complete = (token: string, newPassword = NEW_PASSWORD) => h.request({ method: 'POST', url: '/v1/auth/password-reset/complete', body: { token, newPassword } });
  const signIn = (email: string, password: string) => h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email, password } });
  /** Asks for a link for `who` and reads it out of the mail the SMTP server received. */
  const linkFor = async (who: { email: string }): Promise<{ token: string; text: string; raw: string }> => {
    const seen = smtp.to(who.email).length;
    expect((await ask(who.email)).status).toBe(202);
    const mail = await smtp.next(who.email, seen);
    const token = /\/reset-password#([A-Za-z0-9_-]{43})\b/.exec(mail.text)?.[1];
    expect(token, mail.text).toBeDefined();
    return { token: token!, text: mail.text, raw: mail.raw };
  };

  it('limits reset requests per source address (10 in 15 minutes, then 429 with Retry-After), alike for known and unknown accounts', async () => {
    const user = await h.createUser(acme.admin);
    const from = (remoteAddress: string, email: string) => h.request({ method: 'POST', url: '/v1/auth/password-reset', body: { tenant: acme.slug, email }, remoteAddress });
    for (let i = 0; i < 10; i++) expect((await from('198.51.100.7', i % 2 === 0 ? user.email : `nobody${i}@example.test`)).status).toBe(202);
    for (const email of [user.email, 'nobody@example.test']) {
      const refused = await from('198.51.100.7', email);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another address, and the same address once the window has passed, are answered again.
    expect((await from('198.51.100.8', user.email)).status).toBe(202);
    h.clock.advance(15 * 60_000);
    expect((await from('198.51.100.7', user.email)).status).toBe(202);
    await h.services.recovery.settled();
  });

  it('mails a link to the console; it sets the password once and ends every session', async () => {
    const member: CreatedUser = await h.createUser(acme.admin, { email: `fay@${acme.slug}.example` });
    const link = await linkFor(member);
    expect(link.text).toContain(`${PUBLIC_URL}/reset-password#${link.token}`);
    expect(link.text).toContain('30 minutes');

    expect((await complete(link.token)).status).toBe(204);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: member.session })).status).toBe(401);
    expect((await signIn(member.email, PASSWORD)).body.error.code).toBe('INVALID_CREDENTIALS');
    const after = await signIn(member.email, NEW_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.body.user.mustChangePassword).toBe(false);

    // Reused: refused, and the password stays the one just set.
    const reused = await complete(link.token, 'someone else tries the link again');
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('RESET_LINK_INVALID');
    expect((await signIn(member.email, NEW_PASSWORD)).status).toBe(200);

    // Audited (asked, then used), and the token is in no event and no log line.
    const events = (await readAllPages(h, acme.admin, `/v1/audit-events?targetId=${member.id}`, 100)).items;
    expect(events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['user.password.reset_requested', 'user.password.recover']));
    expect(JSON.stringify(events)).not.toContain(link.token);
    expect(h.logText()).not.toContain(link.token);
    expect(h.transcript.join('\n')).not.toContain(link.token);
  });

  it(`refuses a link after ${RESET_LINK_MINUTES} minutes`, async () => {
    const member = await h.createUser(acme.admin);
    const link = await linkFor(member);
    h.clock.advance(RESET_LINK_MINUTES * 60_000);
    const late = await complete(link.token);
    expect(late.body.error.code).toBe('RESET_LINK_INVALID');
    expect((await signIn(member.email, PASSWORD)).status).toBe(200);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: member.session })).status).toBe(200);
  });

  it('answers unknown tenants, unknown emails and disabled users exactly as real ones, and mails none of them', async () => {
    const real = await h.addUser(acme.admin);
    const disabled = await h.addUser(acme.admin);
    await h.request({ method: 'PATCH', url: `/v1/users/${disabled.id}`, as: acme.admin, body: { status: 'disabled' } });
    const answers = [await ask(real.email), await ask(`nobody@${acme.slug}.example`), await ask(real.email, 'no-such-tenant'), await ask(disabled.email), await ask('not an email')];
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual(answers[0]!.body);
    }
    await smtp.next(real.email);
    await h.services.recovery.settled();
    expect(smtp.to(`nobody@${acme.slug}.example`)).toHaveLength(0);
    expect(smtp.to(disabled.email)).toHaveLength(0);
    expect(smtp.to(real.email)).toHaveLength(1);
  });

  it('mails one user at most once a minute; a link used makes the older ones stop', async () => {
    const member = await h.addUser(acme.admin);
    const first = await linkFor(member);
    expect((await ask(member.email)).status).toBe(202);
    await h.services.recovery.settled();
    expect(smtp.to(member.email)).toHaveLength(1);
    h.clock.advance(RESET_MAIL_SPACING_MS);
    const second = await linkFor(member);
    expect(second.token).not.toBe(first.token);
    expect((await complete(second.token)).status).toBe(204);
    expect((await complete(first.token, 'the older link should be dead')).body.error.code).toBe('RESET_LINK_INVALID');
  });

  it('keeps the link on a weak password, refuses made-up tokens and bad bodies, and still asks for the authenticator code', async () => {
    const member = await h.createUser(acme.admin);
    const secret = (await h.request({ method: 'POST', url: '/v1/me/totp', as: member.session })).body.secret as string;
    expect((await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: member.session, body: { code: totpAt(secret, h.clock) } })).status).toBe(204);
    const link = await linkFor(member);

    expect((await complete(link.token, 'short')).body.error.code).toBe('WEAK_PASSWORD');
    expect((await complete(`${link.token.slice(0, -1)}${link.token.endsWith('A') ? 'B' : 'A'}`)).body.error.code).toBe('RESET_LINK_INVALID');
    expect((await h.request({ method: 'POST', url: '/v1/auth/password-reset/complete', body: { token: link.token } })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await h.request({ method: 'POST', url: '/v1/auth/password-reset/complete', body: { token: link.token, newPassword: NEW_PASSWORD, userId: member.id } })).body.error.code).toBe(
      'UNKNOWN_FIELD',
    );
    expect((await h.request({ method: 'POST', url: '/v1/auth/password-reset', body: { tenant: acme.slug } })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await h.request({ method: 'POST', url: '/v1/auth/password-reset', body: '{"tenant":' })).body.error.code).toBe('MALFORMED_JSON');

    // The weak try did not spend the link.
    expect((await complete(link.token)).status).toBe(204);
    // A new password is not a second factor: sign-in still asks for the code.
    expect((await signIn(member.email, NEW_PASSWORD)).body.error.code).toBe('TOTP_REQUIRED');
  });

  it('tells the console it may offer the link', async () => {
    expect((await h.request({ method: 'GET', url: '/v1/auth/options' })).body).toEqual({ passwordResetByEmail: true });
  });
});

describe('forgot password answers before any account is looked up (sqlite)', () => {
  let smtp: MailServer;
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp('sqlite', { env: mailEnv(smtp) });
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('answers a real and an unknown account while another process holds the database, and mails the real one after', async () => {
    const real = await h.addUser(acme.admin);
    // The work behind a real account writes (the link, the mail, the audit event): with the
    // database held by another process it cannot finish, so an answer that waited for it, or
    // for the lookups before it, would arrive only after the lock is released.
    const locker = await holdSqliteWriteLock(join(h.testStore.dataDir, 'latchkey.db'), 3_000);
    let released = false;
    void locker.released.then(() => (released = true));
    const body = (email: string) => ({ tenant: acme.slug, email });
    const [known, unknown] = [
      await h.request({ method: 'POST', url: '/v1/auth/password-reset', body: body(real.email) }),
      await h.request({ method: 'POST', url: '/v1/auth/password-reset', body: body(`ghost@${acme.slug}.example`) }),
    ];
    expect(released).toBe(false);
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.text).toBe(unknown.text);
    await locker.released;
    expect((await smtp.next(real.email)).subject).toBe('Reset your Latchkey password');
  });
});

describe('forgot password without SMTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHttp('sqlite');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is not offered: the options say so and both steps answer SMTP_NOT_CONFIGURED', async () => {
    const acme = await h.bootstrap();
    expect((await h.request({ method: 'GET', url: '/v1/auth/options' })).body).toEqual({ passwordResetByEmail: false });
    const asked = await h.request({ method: 'POST', url: '/v1/auth/password-reset', body: { tenant: acme.slug, email: `admin@${acme.slug}.example` } });
    expect(asked.status).toBe(409);
    expect(asked.body.error.code).toBe('SMTP_NOT_CONFIGURED');
    expect(asked.body.error.message).toContain('ask an administrator');
    const completed = await h.request({ method: 'POST', url: '/v1/auth/password-reset/complete', body: { token: 'x'.repeat(43), newPassword: NEW_PASSWORD } });
    expect(completed.body.error.code).toBe('SMTP_NOT_CONFIGURED');
  });
});
