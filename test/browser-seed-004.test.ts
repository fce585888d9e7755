/**
 * Seed 004 (API Key on the user control page): a key valid for one year, the Disable / Activate
 * slider with its confirmation pop-up, "Get New Key" to regenerate, delete at any time (this
 * tenant's policy allows deleting an enabled key), and the "Generate New Key" button when no key
 * is left. Every pop-up is also cancelled once, which must change nothing. "Once the API Key has
 * been activated, you can perform normal functions unless Multi-Factor Authentication (MFA)":
 * with an authenticator app set up and required by the tenant, re-activating asks for its code.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, keyRow, openConsole, totpCode, type ConsoleHarness, type Session, keyAction } from './support/browser.js';

const DAY = 86_400_000;

describe('seed 004: one API key, its slider, regenerate and delete', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: string;
  let t: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let member: { id: string; email: string };

  beforeAll(async () => {
    h = await openConsole();
    t = await h.bootstrap();
    tenant = t.slug;
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
    const put = await h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...policy, deleteRequiresDisabled: false } });
    expect(put.status).toBe(200);
    member = await h.addUser(t.admin, { name: 'Uma User', programmaticAccess: true });
  });
  afterAll(() => h?.close());

  const readSecretDialog = async (page: Page, title: string) => {
    const dialog = page.getByRole('dialog', { name: title });
    const token = await dialog.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    const accessKeyId = await dialog.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    return { token, accessKeyId };
  };

  it('generates a key, toggles the slider, regenerates and deletes it, back to "Generate New Key"', async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant, email: member.email });
    await page.getByRole('button', { name: 'User menu for Uma User' }).click();
    await page.getByRole('menuitem', { name: 'Personal Settings' }).click();

    // No key yet: the page offers "Generate New Key"; the key is valid for one year by default.
    await page.getByRole('button', { name: 'Generate New Key' }).click();
    const form = page.getByRole('dialog', { name: 'New access key' });
    expect(await form.getByRole('combobox', { name: 'Validity' }).inputValue()).toBe('365 days (tenant default)');
    await form.getByRole('button', { name: 'Create' }).click();
    const first = await readSecretDialog(page, 'Access key created');
    const key = (await h.request({ method: 'GET', url: `/v1/access-keys/${first.accessKeyId}`, as: await h.apiLogin(tenant, member.email) })).body;
    expect(Date.parse(key.expiresAt) - Date.parse(key.createdAt)).toBe(365 * DAY);
    expect(await page.getByRole('button', { name: 'Generate New Key' }).count()).toBe(0);

    // The status is Active with the slider on.
    const row = keyRow(page, first.accessKeyId);
    const slider = row.getByRole('switch');
    expect(await slider.isChecked()).toBe(true);
    expect(await row.innerText()).toContain('Enabled');

    // Slider to the left: a pop-up asks to confirm. Cancel closes it and changes nothing.
    await slider.click();
    const disable = page.getByRole('dialog', { name: 'Disable access key?' });
    await disable.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => disable.count()).toBe(0);
    expect(await slider.isChecked()).toBe(true);
    expect(await h.verify(first.token)).toMatchObject({ valid: true });
    // "Disable" updates the status to Disabled.
    await slider.click();
    await disable.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => slider.isChecked()).toBe(false);
    expect(await row.innerText()).toContain('Disabled');
    expect(await h.verify(first.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });

    // Slider to the right: confirm with "Activate" (Cancel first).
    await slider.click();
    const activate = page.getByRole('dialog', { name: 'Activate access key?' });
    await activate.getByRole('button', { name: 'Cancel' }).click();
    expect(await slider.isChecked()).toBe(false);
    expect(await h.verify(first.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    await slider.click();
    await activate.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => slider.isChecked()).toBe(true);
    expect(await h.verify(first.token)).toMatchObject({ valid: true });

    // Regenerate: Cancel keeps the key; "Get New Key" makes a new key and retires the old one.
    await keyAction(row, 'Regenerate');
    const regenerate = page.getByRole('dialog', { name: 'Regenerate the key?' });
    await regenerate.getByRole('button', { name: 'Cancel' }).click();
    expect(await h.verify(first.token)).toMatchObject({ valid: true });
    await keyAction(row, 'Regenerate');
    await regenerate.getByRole('button', { name: 'Get New Key' }).click();
    const second = await readSecretDialog(page, 'Your new secret');
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(await h.verify(first.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect(await h.verify(second.token)).toMatchObject({ valid: true });
    await expect.poll(() => slider.isChecked()).toBe(false);
    // The old key, eliminated: deleted (Cancel first below, on the new one).
    await keyAction(row, 'Delete');
    await page.getByRole('dialog', { name: 'Delete access key?' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(async () => (await h.verify(first.token)).code).toBe('KEY_DELETED');
    const newRow = keyRow(page, second.accessKeyId);

    // Delete, at any time here (Cancel first); then the page shows "Generate New Key" again.
    await keyAction(newRow, 'Delete');
    const del = page.getByRole('dialog', { name: 'Delete access key?' });
    await del.getByRole('button', { name: 'Cancel' }).click();
    expect(await h.verify(second.token)).toMatchObject({ valid: true });
    await keyAction(newRow, 'Delete');
    expect(await del.innerText()).not.toContain('Disable the key first');
    await del.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Generate New Key' }).count()).toBe(1);
    expect(await h.verify(second.token)).toMatchObject({ valid: false, code: 'KEY_DELETED' });
    expectCleanPage(h, page);
  });

  it('with an authenticator app, re-activating a key and signing in ask for its code', async () => {
    const member = await h.addUser(t.admin, { name: 'Tom Totp', email: `tom@${t.slug}.example` });
    const session = await h.apiLogin(t.slug, member.email);
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
    const put = (fields: Record<string, unknown>) => h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...policy, ...fields } });
    expect((await put({ stepUp: 'none', secretReveal: 'never' })).status).toBe(200);
    const key = await h.createKey(session, { name: 'tom-key' });
    const page = await h.newPage();
    await h.signIn(page, { tenant: t.slug, email: member.email });

    // Personal Settings → Security: set up the app from the secret key (no QR code).
    await page.goto('/settings/security');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByRole('textbox', { name: 'Secret key' }).inputValue()).replace(/\s+/g, '');
    expect(await page.getByRole('textbox', { name: 'otpauth link' }).inputValue()).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    await page.getByRole('textbox', { name: 'Code from the app' }).fill(totpCode(secret, h.clock.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Turn off' }).count()).toBe(1);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: session })).body.totpEnabled).toBe(true);

    // The tenant asks for the authenticator app on sensitive actions.
    expect((await put({ stepUp: 'totp', secretReveal: 'never' })).status).toBe(200);

    await page.goto('/settings/access-keys');
    const row = keyRow(page, key.accessKeyId);
    const slider = row.getByRole('switch');
    await slider.click();
    await page.getByRole('dialog', { name: 'Disable access key?' }).getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => slider.isChecked()).toBe(false);

    // Re-activate: confirm, then the authenticator code.
    h.clock.advance(30_000);
    await slider.click();
    await page.getByRole('dialog', { name: 'Activate access key?' }).getByRole('button', { name: 'Activate' }).click();
    const verify = page.getByRole('dialog', { name: "Verify it's you" });
    await expect.poll(() => verify.innerText()).toContain('authenticator app');
    await verify.getByRole('textbox', { name: 'Verification code' }).fill(totpCode(secret, h.clock.now()));
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => slider.isChecked()).toBe(true);
    expect(await h.verify(key.token)).toMatchObject({ valid: true });

    // Signing in now asks for the code too; a wrong one gets the same message as a wrong password.
    await page.getByRole('button', { name: 'User menu for Tom Totp' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Tenant' }).fill(t.slug);
    await page.getByRole('textbox', { name: 'Email' }).fill(member.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByRole('textbox', { name: 'Authenticator code' });
    await code.waitFor();
    await code.fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert', { name: 'Not signed in' }).innerText()).toContain('The tenant, email or password is not correct.');
    h.clock.advance(30_000);
    await code.fill(totpCode(secret, h.clock.now()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    expectCleanPage(h, page);
  });
});
