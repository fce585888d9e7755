/**
 * Issue 10, item 3a in the browser: an admin resets a member's forgotten password from the user's
 * page, reads the one-time password once, and the member (signed out everywhere meanwhile) signs
 * in with it and must choose a new password before anything else opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipboard, expectCleanPage, openConsole, PASSWORD, type ConsoleHarness } from './support/browser.js';

describe('an admin resets a member password in the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await openConsole();
  });
  afterAll(() => h?.close());

  it('shows a one-time password once; the member signs in with it and must change it; their other session ended', async () => {
    const tenant = await h.bootstrap();
    const member = await h.addUser(tenant.admin, { name: 'Rita Reset', email: `rita@${tenant.slug}.example` });
    const memberBrowser = await h.newPage();
    await h.signIn(memberBrowser, { tenant: tenant.slug, email: member.email });

    const admin = await h.newPage();
    await h.signIn(admin, { tenant: tenant.slug, email: tenant.adminEmail });
    await admin.goto(`/access/users/${member.id}`);
    await admin.getByRole('button', { name: 'Reset password' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Reset the password?' });
    expect(await confirm.innerText()).toContain('signed out everywhere');
    await confirm.getByRole('button', { name: 'Reset password' }).click();
    const shown = admin.getByRole('dialog', { name: 'One-time password' });
    await shown.getByRole('button', { name: 'Copy One-time password' }).click();
    const oneTime = await clipboard(admin);
    expect(oneTime).toBe(await shown.getByRole('textbox', { name: 'One-time password' }).inputValue());
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    expect(await shown.innerText()).toContain('shown only now');
    await shown.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => shown.count()).toBe(0);

    // Shown once: reopening the user's page shows no password.
    await admin.reload();
    await admin.getByRole('button', { name: 'Reset password' }).waitFor();
    expect(await admin.getByRole('textbox', { name: 'One-time password' }).count()).toBe(0);

    // The member's open console is signed out: the next page load lands on sign-in.
    await memberBrowser.goto('/settings/access-keys');
    await memberBrowser.waitForURL(/\/sign-in/);
    // The old password no longer works.
    const old = await h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: tenant.slug, email: member.email, password: PASSWORD } });
    expect(old.body.error.code).toBe('INVALID_CREDENTIALS');

    await memberBrowser.getByRole('textbox', { name: 'Tenant' }).fill(tenant.slug);
    await memberBrowser.getByRole('textbox', { name: 'Email' }).fill(member.email);
    await memberBrowser.getByRole('textbox', { name: 'Password', exact: true }).fill(oneTime);
    await memberBrowser.getByRole('button', { name: 'Sign in' }).click();
    await memberBrowser.waitForURL(/\/change-password$/);
    await memberBrowser.getByRole('textbox', { name: 'One-time password' }).fill(oneTime);
    await memberBrowser.getByRole('textbox', { name: 'New password', exact: true }).fill('rita picks a fresh passphrase');
    await memberBrowser.getByRole('textbox', { name: 'Repeat the new password' }).fill('rita picks a fresh passphrase');
    await memberBrowser.getByRole('button', { name: 'Set password and continue' }).click();
    await memberBrowser.waitForURL((url) => !url.pathname.startsWith('/change-password'));
    await h.apiLogin(tenant.slug, member.email, 'rita picks a fresh passphrase');

    const audit = await h.request({ method: 'GET', url: '/v1/audit-events?action=user.password.reset', as: tenant.admin });
    expect(audit.body.items).toEqual([expect.objectContaining({ actorId: tenant.admin.userId, targetId: member.id, result: 'success' })]);
    expectCleanPage(h, admin);
    expectCleanPage(h, memberBrowser);
  });
});
