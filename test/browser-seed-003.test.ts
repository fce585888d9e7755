/**
 * Seed 003 (API keys of a sub-user): an administrator opens a user's details page from the
 * user list, creates API keys for them on the API Keys tab (at most two), disables, enables and
 * deletes one (disable first, then delete), and reads its access records on the right.
 */
import { buildToken } from '../src/core/key-format.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipboard, expectCleanPage, keyRow, openConsole, type ConsoleHarness, type Session, keyAction } from './support/browser.js';

describe('seed 003: an administrator manages the API keys of a sub-user', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let sub: { id: string; email: string };

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap();
    sub = await h.addUser(tenant.admin, { name: 'Sam Sub', email: `sam@${tenant.slug}.example` });
  });
  afterAll(() => h?.close());

  it('creates, views, disables, enables and deletes a sub-user key from their details page', async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });

    // Prerequisite: the user list → click the user name → the user details page.
    await page.getByRole('link', { name: 'Users and keys' }).click();
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Sam Sub' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sam Sub' }).count()).toBe(1);

    // 1. Click API Keys. 2. Click Create Key.
    await page.getByRole('tab', { name: 'API Keys' }).click();
    await page.getByRole('button', { name: 'Create Key' }).click();
    const form = page.getByRole('dialog', { name: 'Create a key for Sam Sub' });
    await form.getByRole('textbox', { name: 'Name' }).fill('sam-sdk');
    await form.getByRole('button', { name: 'Create' }).click();

    // 3. The pop-up shows the SecretId and SecretKey, kept only now.
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const accessKeyId = await shown.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    const secret = await shown.getByRole('textbox', { name: 'Access Key Secret', exact: true }).inputValue();
    expect(await shown.innerText()).toContain('will not be shown again');
    const key = (await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as: tenant.admin })).body;
    expect(key.ownerId).toBe(sub.id);
    expect(key.creatorId).toBe(tenant.admin.userId);
    const token = buildToken(accessKeyId, secret);
    expect(await h.verify(token)).toMatchObject({ valid: true, userId: sub.id });
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();

    // Viewing: the SecretId is in the key column with a copy button; the SecretKey is not queryable.
    const row = keyRow(page, accessKeyId);
    await row.getByRole('button', { name: `Copy Access Key ID ${accessKeyId}` }).click();
    expect(await clipboard(page)).toBe(accessKeyId);
    expect(await row.innerText()).toContain('shown once at creation');
    expect(await row.getByRole('button', { name: /^Show / }).count()).toBe(0);

    // Each sub-user can have at most two API keys.
    await page.getByRole('button', { name: 'Create Key' }).click();
    await page.getByRole('dialog', { name: 'Create a key for Sam Sub' }).getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog', { name: 'Access key created' }).getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(true);
    expect(await page.getByRole('note').innerText()).toContain('Sam Sub holds 2 of the 2 access keys');

    // Disabling: click Disable, confirm; every request that uses the key is blocked.
    await keyAction(row, 'Disable');
    const disable = page.getByRole('dialog', { name: 'Disable access key?' });
    expect(await disable.innerText()).toContain('Requests that use this key will fail');
    await disable.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(async () => (await h.verify(token)).code).toBe('KEY_DISABLED');

    // Enabling again.
    await keyAction(row, 'Enable');
    await page.getByRole('dialog', { name: 'Activate access key?' }).getByRole('button', { name: 'Activate' }).click();
    await expect.poll(async () => (await h.verify(token)).valid).toBe(true);

    // Deleting: 2. Disable, 3. Confirm, 4. Delete. Deleted keys cannot be recovered.
    await keyAction(row, 'Disable');
    await page.getByRole('dialog', { name: 'Disable access key?' }).getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => row.getByRole('switch', { name: / is disabled$/ }).count()).toBe(1);
    await keyAction(row, 'Delete');
    const del = page.getByRole('dialog', { name: 'Delete access key?' });
    expect(await del.innerText()).toContain('cannot be recovered');
    await del.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(async () => (await h.verify(token)).code).toBe('KEY_DELETED');
    await expect.poll(() => row.innerText()).toMatch(/deleted/i);
    expect(await row.getByRole('button', { name: /^(Enable|Disable|Delete) / }).count()).toBe(0);

    // The deleted key no longer counts: a new key can be created again.
    await expect.poll(() => page.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(false);
    expectCleanPage(h, page);
  });

  it('shows the latest 20 access records on the right, successes and failures, with "load more"', async () => {
    const owner = await h.apiLogin(tenant.slug, sub.email);
    const key = await h.createKey(owner, { name: 'records-demo' });
    // 23 attempts: 20 successes (one asking for a permission the key lacks) and 3 with a wrong secret.
    for (let i = 0; i < 19; i++) await h.verify(key.token);
    h.clock.advance(1_000);
    await h.verify(key.token, 'billing:write');
    h.clock.advance(1_000);
    const wrong = buildToken(key.accessKeyId, 'x'.repeat(key.secret.length));
    for (let i = 0; i < 3; i++) expect((await h.verify(wrong)).valid).toBe(false);
    await h.flushRecords();

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto(`/access/users/${sub.id}/api-keys`);
    await keyAction(keyRow(page, key.accessKeyId), 'More Access Records');

    const pane = page.getByRole('dialog', { name: 'Key details: records-demo' });
    const drawerBox = (await pane.boundingBox())!;
    expect(drawerBox.x).toBeGreaterThan(200); // on the right
    expect(await pane.getByRole('heading', { name: 'Key Access Records' }).count()).toBe(1);
    expect(await pane.innerText()).toMatch(/Last Access Time: \w{3} \d+, \d{4}/);
    const records = pane.getByRole('table', { name: 'Key access records' });
    await expect.poll(() => records.locator('tbody tr').count()).toBe(20);
    const firstRows = await records.locator('tbody tr').allInnerTexts();
    // Newest first: the three failures, with their reason.
    for (const text of firstRows.slice(0, 3)) expect(text).toMatch(/Failure[\s\S]*SECRET_MISMATCH/i);
    expect(firstRows[3]).toMatch(/Failure[\s\S]*PERMISSION_DENIED[\s\S]*billing:write/i);
    expect(firstRows[4]).toMatch(/Success/i);

    await pane.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => records.locator('tbody tr').count()).toBe(23);
    expect(await pane.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expectCleanPage(h, page);
  });
});
