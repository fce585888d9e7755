/**
 * Signing in and out: one message for wrong credentials that does not say which field was wrong,
 * a session that ends sends you to sign in with a message (and back where you were), signing
 * out ends the session on the server, and a one-time password must be changed first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipboard, expectCleanPage, openConsole, PASSWORD, type ConsoleHarness, type Session } from './support/browser.js';

const TTL_MINUTES = 60;

describe('sessions in the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let member: { id: string; email: string };

  beforeAll(async () => {
    h = await openConsole({ env: { LATCHKEY_SESSION_TTL_MINUTES: String(TTL_MINUTES) } });
    tenant = await h.bootstrap();
    member = await h.addUser(tenant.admin, { name: 'Sid Session' });
  });
  afterAll(() => h?.close());

  it('answers a wrong tenant, email or password with the same message, naming no field', async () => {
    const page = await h.newPage();
    const messages: string[] = [];
    for (const attempt of [
      { tenant: 'no-such-tenant', email: member.email, password: PASSWORD },
      { tenant: tenant.slug, email: 'nobody@example.test', password: PASSWORD },
      { tenant: tenant.slug, email: member.email, password: 'not the password at all' },
    ]) {
      await page.goto('/sign-in');
      await page.getByRole('textbox', { name: 'Tenant' }).fill(attempt.tenant);
      await page.getByRole('textbox', { name: 'Email' }).fill(attempt.email);
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(attempt.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await expect.poll(() => alert.count()).toBe(1);
      messages.push(await alert.locator('p').first().innerText());
      expect(page.url()).toContain('/sign-in');
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toBe('The tenant, email or password is not correct.');
    expectCleanPage(h, page);
  });

  it('a session that ended sends you to sign in with a message, then back to the page; nothing was done', async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    await page.goto('/settings/access-keys');
    await page.getByRole('button', { name: 'New', exact: true }).click();

    h.clock.advance((TTL_MINUTES + 1) * 60_000);
    await page.getByRole('dialog', { name: 'New access key' }).getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/sign-in$/);
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Your session has ended. Sign in again to continue.');
    const admin = await h.apiLogin(tenant.slug, tenant.adminEmail);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys?userId=${member.id}`, as: admin })).body.items).toEqual([]);

    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    expect(new URL(page.url()).pathname).toBe('/settings/access-keys');
    expectCleanPage(h, page);
  });

  it('signing out ends the session on the server', async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    const cookie = (await page.context().cookies()).find((c) => c.name === 'latchkey_session')!;
    expect(cookie.httpOnly).toBe(true);
    const me = await h.request({ method: 'GET', url: '/v1/me', headers: { cookie: `latchkey_session=${cookie.value}` } });
    expect(me.status).toBe(200);

    await page.getByRole('button', { name: 'User menu for Sid Session' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    expect(await page.getByRole('status').innerText()).toContain('You signed out.');
    const after = await h.request({ method: 'GET', url: '/v1/me', headers: { cookie: `latchkey_session=${cookie.value}` } });
    expect(after.status).toBe(401);
    // Going back to a page asks to sign in again.
    await page.goto('/settings/access-keys');
    await page.waitForURL(/\/sign-in$/);
    expectCleanPage(h, page);
  });

  it('a user created with a one-time password must choose their own before anything else', async () => {
    const adminPage = await h.newPage();
    await h.signIn(adminPage, { tenant: tenant.slug, email: tenant.adminEmail });
    await adminPage.goto('/access/users-and-keys/users');
    await adminPage.getByRole('button', { name: 'Create user' }).click();
    const create = adminPage.getByRole('dialog', { name: 'Create user' });
    await create.getByRole('textbox', { name: 'Email' }).fill(`olive@${tenant.slug}.example`);
    await create.getByRole('textbox', { name: 'Name' }).fill('Olive One-Time');
    await create.getByRole('button', { name: 'Create user' }).click();
    const created = adminPage.getByRole('dialog', { name: 'User created' });
    await created.getByRole('button', { name: 'Copy One-time password' }).click();
    const oneTime = await clipboard(adminPage);
    expect(oneTime).toBe(await created.getByRole('textbox', { name: 'One-time password' }).inputValue());
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    await created.getByRole('button', { name: 'Done' }).click();

    const page = await h.newPage();
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Tenant' }).fill(tenant.slug);
    await page.getByRole('textbox', { name: 'Email' }).fill(`olive@${tenant.slug}.example`);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(oneTime);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/change-password$/);
    // Nothing else opens first.
    await page.goto('/settings/access-keys');
    await page.waitForURL(/\/change-password$/);
    await page.getByRole('textbox', { name: 'One-time password' }).fill(oneTime);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('olive chooses a long passphrase');
    await page.getByRole('textbox', { name: 'Repeat the new password' }).fill('olive chooses a long passphrase');
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.waitForURL(/\/settings\/access-keys$/);
    await h.apiLogin(tenant.slug, `olive@${tenant.slug}.example`, 'olive chooses a long passphrase');
    const old = await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: tenant.slug, email: `olive@${tenant.slug}.example`, password: oneTime } });
    expect(old.status).toBe(401);
    expectCleanPage(h, page);
    expectCleanPage(h, adminPage);
  });

  it('changing the password under Security ends the other sessions and keeps this one', async () => {
    // A fresh admin session: an earlier test moved the clock past the first one's end.
    const user = await h.addUser(await h.apiLogin(tenant.slug, tenant.adminEmail), { name: 'Cole Change' });
    const elsewhere = await h.apiLogin(tenant.slug, user.email);
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: user.email });
    await page.getByRole('button', { name: 'User menu for Cole Change' }).click();
    await page.getByRole('menuitem', { name: 'Security' }).click();
    await page.getByRole('textbox', { name: 'Current password' }).fill(PASSWORD);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('short');
    expect(await page.getByText('Use at least 12 characters.').count()).toBe(1);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('a much longer new passphrase');
    await page.getByRole('textbox', { name: 'Repeat the new password' }).fill('a much longer new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.getByText('Your password is changed.').count()).toBe(1);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: elsewhere })).status).toBe(401);
    await page.goto('/settings/access-keys');
    await page.getByRole('button', { name: 'New', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/access-keys');
    await h.apiLogin(tenant.slug, user.email, 'a much longer new passphrase');
    expectCleanPage(h, page);
  });
});
