/**
 * Issue 10, item 3b in the browser: "Forgot your password?" on the sign-in page mails a link (a
 * real SMTP server receives it); the link opens a console page that sets a new password once,
 * and the user's other sessions end. A server without SMTP does not offer it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, openConsole, openMailbox, PASSWORD, type ConsoleHarness, type Mailbox } from './support/browser.js';

const PUBLIC_URL = 'https://keys.example.test';

describe('forgot password in the console (real SMTP)', { timeout: 60_000 }, () => {
  let mailbox: Mailbox;
  let h: ConsoleHarness;
  beforeAll(async () => {
    mailbox = await openMailbox();
    h = await openConsole({ env: { LATCHKEY_SMTP_URL: mailbox.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>', LATCHKEY_PUBLIC_URL: PUBLIC_URL } });
  });
  afterAll(async () => {
    await h?.close();
    await mailbox?.close();
  });

  it('mails a link; the link sets a new password once and signs the user out everywhere', async () => {
    const tenant = await h.bootstrap();
    const member = await h.addUser(tenant.admin, { name: 'Fay Forgot', email: `fay@${tenant.slug}.example` });
    const elsewhere = await h.apiLogin(tenant.slug, member.email);

    const page = await h.newPage();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByRole('textbox', { name: 'Tenant' }).fill(tenant.slug);
    await page.getByRole('textbox', { name: 'Email' }).fill(member.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('a link to set a new password is on its way');

    const mail = await mailbox.next(member.email);
    expect(mail.subject).toBe('Reset your Latchkey password');
    const link = new URL(/https:\/\/keys\.example\.test\/reset-password#\S+/.exec(mail.text ?? '')![0]);
    expect(link.origin).toBe(PUBLIC_URL);
    // The same path on the server under test.
    await page.goto(`${link.pathname}${link.hash}`);
    await page.getByRole('textbox', { name: 'New password', exact: true }).waitFor();
    // The token left the address bar as soon as the page read it.
    await expect.poll(() => new URL(page.url()).hash).toBe('');
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('fay found a new passphrase');
    await page.getByRole('textbox', { name: 'Repeat the new password' }).fill('fay found a new passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.waitForURL(/\/sign-in$/);
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Your new password is set');
    expect((await h.request({ method: 'GET', url: '/v1/me', as: elsewhere })).status).toBe(401);

    await h.signIn(page, { tenant: tenant.slug, email: member.email, password: 'fay found a new passphrase' });
    expect((await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: tenant.slug, email: member.email, password: PASSWORD } })).status).toBe(401);

    // The same link again, in a fresh browser: refused, with the way to a new one.
    const again = await h.newPage();
    await again.goto(`${link.pathname}${link.hash}`);
    await again.getByRole('textbox', { name: 'New password', exact: true }).fill('someone tries the old link');
    await again.getByRole('textbox', { name: 'Repeat the new password' }).fill('someone tries the old link');
    await again.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => again.getByRole('alert').innerText()).toContain('RESET_LINK_INVALID');
    await again.getByRole('link', { name: 'Ask for a new link' }).click();
    await again.waitForURL(/\/forgot-password$/);
    expectCleanPage(h, page);
  });

  it('answers an unknown email the same way, and mails nothing', async () => {
    const tenant = await h.bootstrap();
    const page = await h.newPage();
    await page.goto('/forgot-password');
    await page.getByRole('textbox', { name: 'Tenant' }).fill(tenant.slug);
    await page.getByRole('textbox', { name: 'Email' }).fill(`nobody@${tenant.slug}.example`);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('a link to set a new password is on its way');
    await h.services.recovery.settled();
    expect(mailbox.received.filter((m) => JSON.stringify(m.to).includes(`nobody@${tenant.slug}.example`))).toHaveLength(0);
    expectCleanPage(h, page);
  });
});

describe('forgot password without SMTP', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await openConsole();
  });
  afterAll(() => h?.close());

  it('the sign-in page does not offer it, and the page reached by address explains why', async () => {
    const page = await h.newPage();
    const options = page.waitForResponse((r) => r.url().endsWith('/v1/auth/options'));
    await page.goto('/sign-in');
    expect(await (await options).json()).toEqual({ passwordResetByEmail: false });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('link', { name: 'Forgot your password?' }).count()).toBe(0);

    const tenant = await h.bootstrap();
    await page.goto('/forgot-password');
    await page.getByRole('textbox', { name: 'Tenant' }).fill(tenant.slug);
    await page.getByRole('textbox', { name: 'Email' }).fill(tenant.adminEmail);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('ask an administrator of your tenant to reset it');
    expectCleanPage(h, page);
  });
});
