/**
 * Seed 000 ("Access Key"): a member views and manages their access keys from the user avatar
 * (top left) → Personal Settings → Access Keys: New, Disable, Enable, Delete, each confirmed,
 * with the effect checked through POST /v1/verify.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipboard, expectCleanPage, keyRow, openConsole, type ConsoleHarness, keyAction } from './support/browser.js';

describe('seed 000: access keys under Personal Settings', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: string;
  let member: { id: string; email: string };

  beforeAll(async () => {
    h = await openConsole();
    const t = await h.bootstrap();
    tenant = t.slug;
    member = await h.addUser(t.admin, { name: 'Mia Member', programmaticAccess: true });
  });
  afterAll(() => h?.close());

  async function openAccessKeys(page: Page) {
    // 1. Click on your user avatar in the top left navigation bar.
    const avatar = page.getByRole('button', { name: 'User menu for Mia Member' });
    const box = await avatar.boundingBox();
    expect(box!.x).toBeLessThan(80);
    expect(box!.y).toBeLessThan(60);
    await avatar.click();
    // 2. From the expanded menu, select Personal Settings.
    await page.getByRole('menuitem', { name: 'Personal Settings' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Personal Settings' }).count()).toBe(1);
    // 3. Click the Access Keys tab.
    await page.getByRole('tab', { name: 'Access Keys' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Access Keys' }).getAttribute('aria-selected')).toBe('true');
  }

  it('views, creates, disables, enables and deletes a key, step by step', async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant, email: member.email });
    await openAccessKeys(page);

    // Create: the New button at the top right of the table.
    const newButton = page.getByRole('button', { name: 'New', exact: true });
    const newBox = (await newButton.boundingBox())!;
    expect(newBox.x + newBox.width).toBeGreaterThan(1280 / 2);
    await newButton.click();
    const form = page.getByRole('dialog', { name: 'New access key' });
    await form.getByRole('textbox', { name: 'Name' }).fill('nightly-export');
    await form.getByRole('button', { name: 'Create' }).click();

    // The one-time dialog: ID, secret, token and copy text, each with a copy button.
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    await expect.poll(() => shown.getByText('The secret will not be shown again').count()).toBe(1);
    const accessKeyId = await shown.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    const secret = await shown.getByRole('textbox', { name: 'Access Key Secret', exact: true }).inputValue();
    const token = await shown.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    const copyText = await shown.getByRole('textbox', { name: 'Copy text', exact: true }).inputValue();
    expect(copyText).toBe(`key:${accessKeyId}::${secret},tenant id: ${(await h.request({ method: 'GET', url: '/v1/me', as: await h.apiLogin(tenant, member.email) })).body.tenant.id}`);
    await shown.getByRole('button', { name: 'Copy Access Key Secret' }).click();
    expect(await clipboard(page)).toBe(secret);
    expect(await h.verify(token)).toMatchObject({ valid: true, accessKeyId });

    // Closing asks whether the secret was saved.
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // The table lists the key: its ID, the masked secret, state, created at, and the actions.
    for (const column of ['Access Key ID', 'Access Key Secret', 'State', 'Created At', 'Expires', 'Last Used', 'Actions']) {
      expect(await page.getByRole('columnheader', { name: column, exact: true }).count()).toBe(1);
    }
    const row = keyRow(page, accessKeyId);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain('shown once at creation');
    expect(await row.innerText()).not.toContain(secret);
    expect(await row.getByRole('switch').isChecked()).toBe(true);

    // Disable: a confirmation dialog says tasks using the key will fail.
    await keyAction(row, 'Disable');
    const disable = page.getByRole('dialog', { name: 'Disable access key?' });
    expect(await disable.innerText()).toContain('will fail');
    await disable.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => row.getByRole('switch').isChecked()).toBe(false);
    expect(await h.verify(token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });

    // Enable.
    await keyAction(row, 'Enable');
    await page.getByRole('dialog', { name: 'Activate access key?' }).getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => row.getByRole('switch').isChecked()).toBe(true);
    expect(await h.verify(token)).toMatchObject({ valid: true });

    // Delete: the tenant policy (default) deletes only disabled keys, so the dialog disables first.
    await keyAction(row, 'Delete');
    const del = page.getByRole('dialog', { name: 'Delete access key?' });
    expect(await del.innerText()).toContain('allows deleting only a disabled key');
    await del.getByRole('button', { name: 'Disable key' }).click();
    await expect.poll(() => del.innerText()).toContain('cannot be recovered');
    expect(await h.verify(token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    await del.getByRole('button', { name: 'Delete', exact: true }).click();
    // The click sends the delete; its answer arrives a moment later.
    await expect.poll(async () => (await h.verify(token)).code).toBe('KEY_DELETED');

    // With no live key left, the page offers to generate one (seed 004), and the deleted key,
    // with its state, is under the Deleted filter.
    await expect.poll(() => page.getByRole('button', { name: 'Generate New Key' }).count()).toBe(1);
    await page.getByText('Deleted', { exact: true }).click();
    await expect.poll(() => row.innerText()).toMatch(/deleted/i);
    expectCleanPage(h, page);
  });

  it('Generate new secret key with an overlap: the old secret keeps working for the hour chosen, then stops', async () => {
    const session = await h.apiLogin(tenant, member.email);
    const key = await h.createKey(session, { name: 'rolling' });
    const page = await h.newPage();
    await h.signIn(page, { tenant, email: member.email });
    await page.goto('/settings/access-keys');
    const row = keyRow(page, key.accessKeyId);
    await keyAction(row, 'Generate new secret key');
    const dialog = page.getByRole('dialog', { name: 'Generate a new secret key?' });
    await dialog.getByRole('radio', { name: /^In 1 hour/ }).check();
    expect(await dialog.innerText()).toContain('keeps working for the overlap you chose');
    await dialog.getByRole('button', { name: 'Generate new secret key' }).click();
    const fresh = page.getByRole('dialog', { name: 'Your new secret' });
    const token = await fresh.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    await fresh.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();

    expect(await h.verify(key.token)).toMatchObject({ valid: true });
    expect(await h.verify(token)).toMatchObject({ valid: true });
    await keyAction(row, 'Key details');
    await expect.poll(() => page.getByRole('dialog', { name: 'Key details: rolling' }).innerText()).toContain('Old secret valid until');

    h.clock.advance(61 * 60_000);
    expect(await h.verify(key.token)).toMatchObject({ valid: false });
    expect(await h.verify(token)).toMatchObject({ valid: true });
    expectCleanPage(h, page);
  });
});
