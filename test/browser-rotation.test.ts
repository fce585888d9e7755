/**
 * Rotation you can see (issue 12, gap 3): "Generate new secret key" with an overlap shows in the
 * details pane until when the old secret works and when the key was last used, and "End overlap
 * now" stops the old secret at once; "Regenerate" (seed 004) makes a new key and disables the old.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, keyAction, keyRow, openConsole, type ConsoleHarness, type Session } from './support/browser.js';

describe('rotation in the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: string;
  let member: { id: string; email: string };
  let session: Session;
  let admin: Session;

  beforeAll(async () => {
    h = await openConsole();
    const t = await h.bootstrap();
    tenant = t.slug;
    admin = t.admin;
    member = await h.addUser(t.admin, { name: 'Rae Rotator', programmaticAccess: true });
    session = await h.apiLogin(tenant, member.email);
  });
  afterAll(() => h?.close());

  it('shows the overlap and its end in the details pane; End overlap now refuses the old token at once', async () => {
    const key = await h.createKey(session, { name: 'rolling' });
    // Used once with the first secret: the pane tells when.
    expect(await h.verify(key.token)).toMatchObject({ valid: true });
    await h.flushRecords();
    const page = await h.newPage();
    await h.signIn(page, { tenant, email: member.email });
    await page.goto('/settings/access-keys');
    const row = keyRow(page, key.accessKeyId);
    await keyAction(row, 'Generate new secret key');
    const dialog = page.getByRole('dialog', { name: 'Generate a new secret key?' });
    await dialog.getByRole('radio', { name: /^In 1 hour/ }).check();
    await dialog.getByRole('button', { name: 'Generate new secret key' }).click();
    const fresh = page.getByRole('dialog', { name: 'Your new secret' });
    const token = await fresh.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    await fresh.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();

    const stored = (await h.request({ method: 'GET', url: `/v1/access-keys/${key.accessKeyId}`, as: session })).body;
    expect(stored.previousSecretExpiresAt).not.toBeNull();
    expect(stored.lastUsedAt).not.toBeNull();
    await keyAction(row, 'Key details');
    const pane = page.getByRole('dialog', { name: 'Key details: rolling' });
    const overlap = pane.getByRole('region', { name: 'Secret overlap' });
    await expect.poll(() => overlap.count()).toBe(1);
    const text = await overlap.innerText();
    expect(text).toContain('Old secret valid until');
    expect(text).toContain('Last used:');
    expect(text).not.toContain('never');
    // The end time shown is the server's, to the minute.
    expect(await overlap.locator('time').first().getAttribute('datetime')).toBe(stored.previousSecretExpiresAt);
    expect(await h.verify(key.token)).toMatchObject({ valid: true });

    // Cancel first: nothing changes.
    await overlap.getByRole('button', { name: 'End overlap now' }).click();
    const confirm = page.getByRole('dialog', { name: 'End the overlap now?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    expect(await h.verify(key.token)).toMatchObject({ valid: true });
    await overlap.getByRole('button', { name: 'End overlap now' }).click();
    await confirm.getByRole('button', { name: 'End overlap now' }).click();
    await expect.poll(() => overlap.count()).toBe(0);
    expect(await h.verify(key.token)).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    expect(await h.verify(token)).toMatchObject({ valid: true });
    expectCleanPage(h, page);
  });

  it('Regenerate: a new key ID in the table, the old key disabled', async () => {
    // A member holds 2 keys at most, and a disabled key still counts: this member holds none yet.
    const other = await h.addUser(admin, { name: 'Reg Enerate', programmaticAccess: true });
    const key = await h.createKey(await h.apiLogin(tenant, other.email), { name: 'replaced' });
    const page = await h.newPage();
    await h.signIn(page, { tenant, email: other.email });
    await page.goto('/settings/access-keys');
    const row = keyRow(page, key.accessKeyId);
    await keyAction(row, 'Regenerate');
    const dialog = page.getByRole('dialog', { name: 'Regenerate the key?' });
    expect(await dialog.innerText()).toContain('disabled at once');
    await dialog.getByRole('button', { name: 'Get New Key' }).click();
    const fresh = page.getByRole('dialog', { name: 'Your new secret' });
    const accessKeyId = await fresh.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    const token = await fresh.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    expect(accessKeyId).not.toBe(key.accessKeyId);
    expect(await fresh.innerText()).toContain(`replaces ${key.accessKeyId}`);
    await fresh.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();

    await expect.poll(() => keyRow(page, accessKeyId).count()).toBe(1);
    expect(await keyRow(page, accessKeyId).innerText()).toContain('replaced');
    await expect.poll(() => row.innerText()).toContain('Disabled');
    expect(await h.verify(key.token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect(await h.verify(token)).toMatchObject({ valid: true, accessKeyId });
    expectCleanPage(h, page);
  });
});
