/**
 * Seed 001 ("Setting up access keys for programmatic access"): an administrator adds a key on
 * User access → Users and keys → Access keys, copies it from the Key details pane, assigns
 * groups and roles, then manages it from the key's Actions menu; the tab filters on the server
 * (users found by name or email); and "when the user group or role assignments change, the
 * impacted users receive a bell notification".
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipboard, expectCleanPage, keyRow, openConsole, type ConsoleHarness, type Session } from './support/browser.js';

const DAY = 86_400_000;

/** Opens a Mantine select by its label and picks an option. */
async function choose(page: Page, scope: Locator | Page, label: string, option: string) {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('seed 001: access keys of the tenant, managed by an administrator', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let storageReader: string;
  let ingestTeam: string;

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap();
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: tenant.admin, body: { name: 'storage-reader', permissions: ['storage:read'] } });
    storageReader = role.body.id;
    const writer = await h.request({ method: 'POST', url: '/v1/roles', as: tenant.admin, body: { name: 'ingest-writer', permissions: ['ingest:write'] } });
    const group = await h.request({ method: 'POST', url: '/v1/groups', as: tenant.admin, body: { name: 'ingest-team', roleIds: [writer.body.id], userIds: [tenant.admin.userId] } });
    ingestTeam = group.body.id;
  });
  afterAll(() => h?.close());

  it('adds a key, copies it from the Key details pane, assigns groups and roles, and manages it', async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });

    // 1–2. User access > Users and keys, the Access keys tab, Add key.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users and keys' }).click();
    await page.getByRole('tab', { name: 'Access keys' }).click();
    await page.getByRole('button', { name: 'Add key' }).click();
    const add = page.getByRole('dialog', { name: 'Add key' });

    // 3. A name: a label only, never used to authenticate.
    await add.getByRole('textbox', { name: 'Name' }).fill('ingest-pipeline');
    expect(await add.innerText()).toContain('never used to sign in or authenticate');

    // 4. Key type: API comes with a warning; choose Access.
    await choose(page, add, 'Key type', 'API');
    await expect.poll(() => add.innerText()).toContain('Choose API only for data ingestion');
    await choose(page, add, 'Key type', 'Access');
    await expect.poll(() => add.innerText()).not.toContain('Choose API only for data ingestion');

    // 5. Validity: a number of days, a custom date, or never (with a recommendation against it).
    await choose(page, add, 'Validity', 'Custom date');
    expect(await add.getByLabel('Expiry date').count()).toBe(1);
    await choose(page, add, 'Validity', 'Never expires');
    await expect.poll(() => add.innerText()).toContain('prefer a definite expiry date');
    await choose(page, add, 'Validity', '90 days');

    // 6. Confirm: the Key details pane opens.
    await add.getByRole('button', { name: 'Confirm' }).click();
    const pane = page.getByRole('dialog', { name: 'Key details: ingest-pipeline' });
    await expect.poll(() => pane.count()).toBe(1);

    // 7. Copy the access key and the secret key (only now).
    const accessKeyId = await pane.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    const secret = await pane.getByRole('textbox', { name: 'Access Key Secret', exact: true }).inputValue();
    const token = await pane.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    await pane.getByRole('button', { name: 'Copy Access Key ID' }).click();
    expect(await clipboard(page)).toBe(accessKeyId);
    await pane.getByRole('button', { name: 'Copy Access Key Secret' }).click();
    expect(await clipboard(page)).toBe(secret);
    const created = (await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as: tenant.admin })).body;
    expect(created).toMatchObject({ name: 'ingest-pipeline', type: 'access', state: 'enabled' });
    expect(Math.abs(Date.parse(created.expiresAt) - Date.parse(created.createdAt) - 90 * DAY)).toBeLessThan(60_000);

    // 8. Assign a user group and a role.
    await pane.getByRole('combobox', { name: 'User groups' }).click();
    await page.getByRole('option', { name: 'ingest-team' }).click();
    await pane.getByRole('combobox', { name: 'Roles' }).click();
    await page.getByRole('option', { name: 'storage-reader' }).click();
    await pane.getByRole('heading', { name: 'Assignments' }).click();
    await pane.getByRole('button', { name: 'Save assignments' }).click();
    await expect.poll(async () => (await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as: tenant.admin })).body.roleIds).toEqual([storageReader]);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as: tenant.admin })).body.groupIds).toEqual([ingestTeam]);
    expect(await h.verify(token, 'storage:read')).toMatchObject({ valid: true });
    expect(await h.verify(token, 'ingest:write')).toMatchObject({ valid: true });
    expect(await h.verify(token, 'billing:read')).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });

    // 9. Close the pane: it asks whether the secret was saved.
    await pane.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // Managing: the Actions menu of the key → Key details → modify the expiry: never.
    const row = keyRow(page, accessKeyId);
    const actions = row.getByRole('button', { name: `Actions for ingest-pipeline (${accessKeyId})` });
    await actions.click();
    await page.getByRole('menuitem', { name: 'Key details' }).click();
    await expect.poll(() => pane.count()).toBe(1);
    expect(await pane.innerText()).not.toContain(secret);
    await choose(page, pane, 'New expiry', 'Never expires');
    await pane.getByRole('button', { name: 'Modify expiry' }).click();
    await expect.poll(async () => (await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as: tenant.admin })).body.expiresAt).toBeNull();

    // Copy the key details: key:<access key>::<secret key>,tenant id: <tenant ID>, the secret no longer available.
    await pane.getByRole('button', { name: 'Copy key details' }).click();
    await expect.poll(() => clipboard(page)).toMatch(new RegExp(`^key:${accessKeyId}::\\S+,tenant id: ${tenant.tenantId}$`));
    expect(await clipboard(page)).not.toContain(secret);

    // Generate a new secret key: the old secret stops, the new one is shown once.
    await pane.getByRole('button', { name: 'Generate new secret key' }).click();
    await page.getByRole('dialog', { name: 'Generate a new secret key?' }).getByRole('button', { name: 'Generate new secret key' }).click();
    const fresh = page.getByRole('dialog', { name: 'Your new secret' });
    const newToken = await fresh.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    expect(newToken).not.toBe(token);
    expect(await h.verify(token)).toMatchObject({ valid: false });
    expect(await h.verify(newToken)).toMatchObject({ valid: true, accessKeyId });
    await fresh.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();
    await pane.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // From the Actions menu: view permissions.
    await actions.click();
    await page.getByRole('menuitem', { name: 'View permissions' }).click();
    const permissions = pane.getByRole('list', { name: 'Effective permissions' });
    await expect.poll(() => permissions.innerText()).toContain('storage:read');
    expect(await permissions.innerText()).toContain('ingest:write');
    await pane.getByRole('button', { name: 'Close', exact: true }).click();

    // Mark the key inactive, then active.
    await actions.click();
    await page.getByRole('menuitem', { name: 'Mark as inactive' }).click();
    await page.getByRole('dialog', { name: 'Disable access key?' }).getByRole('button', { name: 'Disable' }).click();
    await expect.poll(async () => (await h.verify(newToken)).code).toBe('KEY_DISABLED');
    await actions.click();
    await page.getByRole('menuitem', { name: 'Mark as active' }).click();
    await page.getByRole('dialog', { name: 'Activate access key?' }).getByRole('button', { name: 'Activate' }).click();
    await expect.poll(async () => (await h.verify(newToken)).valid).toBe(true);

    // Delete it (disabled first, as the default policy asks).
    await actions.click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const del = page.getByRole('dialog', { name: 'Delete access key?' });
    await del.getByRole('button', { name: 'Disable key' }).click();
    await del.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(async () => (await h.verify(newToken)).code).toBe('KEY_DELETED');
    await expect.poll(() => row.innerText()).toMatch(/deleted/i);
    expectCleanPage(h, page);
  });

  it('filters the Access keys tab by user, state, type and expiring soon, on the server', async () => {
    const member = await h.addUser(tenant.admin, { name: 'Fred Filter', email: `fred@${tenant.slug}.example` });
    const memberSession = await h.apiLogin(tenant.slug, member.email);
    const soon = await h.createKey(memberSession, { name: 'soon-api', type: 'api', expiresInDays: 10 });
    const later = await h.createKey(memberSession, { name: 'later-access', type: 'access', expiresInDays: 200 });
    await h.request({ method: 'POST', url: `/v1/access-keys/${later.accessKeyId}/disable`, as: memberSession });
    const mine = await h.createKey(tenant.admin, { name: 'admin-never', type: 'access', neverExpires: true });

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto('/access/users-and-keys/access-keys');
    const table = page.getByRole('table', { name: 'Access keys of the tenant' });
    const shown = async () => (await table.locator('tr[data-key-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key-id')))).sort();
    await expect.poll(shown).toEqual(expect.arrayContaining([soon.accessKeyId, later.accessKeyId, mine.accessKeyId]));

    await page.getByRole('combobox', { name: 'User', exact: true }).click();
    await page.getByRole('option', { name: `Fred Filter <${member.email}>` }).click();
    await expect.poll(shown).toEqual([soon.accessKeyId, later.accessKeyId].sort());
    // The owner column names the owner.
    expect(await keyRow(page, soon.accessKeyId).innerText()).toContain(member.email);

    await choose(page, page, 'State', 'Disabled');
    await expect.poll(shown).toEqual([later.accessKeyId]);
    await page.getByRole('combobox', { name: 'State', exact: true }).click();
    await page.getByRole('option', { name: 'Disabled' }).click(); // picking it again clears it
    await expect.poll(shown).toEqual([soon.accessKeyId, later.accessKeyId].sort());

    await choose(page, page, 'Type', 'API');
    await expect.poll(shown).toEqual([soon.accessKeyId]);
    await choose(page, page, 'Type', 'Access');
    await expect.poll(shown).toEqual([later.accessKeyId]);
    await page.getByRole('combobox', { name: 'Type', exact: true }).click();
    await page.getByRole('option', { name: 'Access' }).click();

    await choose(page, page, 'Expiring soon', 'Within 30 days');
    await expect.poll(shown).toEqual([soon.accessKeyId]);
    expectCleanPage(h, page);
  });

  it("a change an administrator makes to a member's key rings the member's bell", async () => {
    const member = await h.addUser(tenant.admin, { name: 'Nina Notified', email: `nina@${tenant.slug}.example` });
    const session = await h.apiLogin(tenant.slug, member.email);
    const key = await h.createKey(session, { name: 'nina-reports' });

    const memberPage = await h.newPage();
    await h.signIn(memberPage, { tenant: tenant.slug, email: member.email });
    const bell = memberPage.getByRole('button', { name: /^Notifications/ });
    expect(await bell.getAttribute('aria-label')).toBe('Notifications');

    // The administrator assigns a role to the key and disables it, from the Key details pane.
    const adminPage = await h.newPage();
    await h.signIn(adminPage, { tenant: tenant.slug, email: tenant.adminEmail });
    await adminPage.goto(`/access/users-and-keys/access-keys?key=${key.accessKeyId}`);
    const pane = adminPage.getByRole('dialog', { name: 'Key details: nina-reports' });
    await pane.getByRole('combobox', { name: 'Roles' }).click();
    await adminPage.getByRole('option', { name: 'storage-reader' }).click();
    await pane.getByRole('heading', { name: 'Assignments' }).click();
    await pane.getByRole('button', { name: 'Save assignments' }).click();
    await pane.getByRole('button', { name: 'Mark as inactive' }).click();
    await adminPage.getByRole('dialog', { name: 'Disable access key?' }).getByRole('button', { name: 'Disable' }).click();
    await expect.poll(async () => (await h.verify(key.token)).code).toBe('KEY_DISABLED');

    // The member's bell shows both (it polls; a reload shows them at once).
    await memberPage.reload();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 2 unread');
    await bell.click();
    const dropdown = memberPage.getByRole('dialog', { name: 'Notifications' });
    const items = dropdown.getByRole('button', { name: /^Unread: / });
    await expect.poll(() => items.count()).toBe(2);
    await items.first().click();

    // Opening one leads to the key and marks it read.
    await expect.poll(() => new URL(memberPage.url()).searchParams.get('key')).toBe(key.accessKeyId);
    await expect.poll(() => memberPage.getByRole('dialog', { name: 'Key details: nina-reports' }).count()).toBe(1);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');
    const list = await h.request({ method: 'GET', url: '/v1/notifications', as: session });
    expect(list.body.unreadCount).toBe(1);
    expect(list.body.items.map((n: { kind: string }) => n.kind).sort()).toEqual(['key.assignments_changed', 'key.changed_by_admin']);

    // "Mark all as read" on the notifications page.
    await memberPage.goto('/notifications');
    await memberPage.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications');
    expect((await h.request({ method: 'GET', url: '/v1/notifications?unread=true', as: session })).body.unreadCount).toBe(0);
    expectCleanPage(h, memberPage);
    expectCleanPage(h, adminPage);
  });

  it('finds users by name or email on the server, in the users table and the owner filter', async () => {
    await h.addUser(tenant.admin, { name: 'Zoe Search', email: `zoe@${tenant.slug}.example` });
    await h.addUser(tenant.admin, { name: 'Yann Other', email: `yann@${tenant.slug}.example` });
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto('/access/users-and-keys/users');
    await page.getByRole('textbox', { name: 'Search users' }).fill('ZOE');
    const users = page.getByRole('table', { name: 'Users' });
    await expect.poll(() => users.locator('tbody tr').count()).toBe(1);
    expect(await users.locator('tbody tr').innerText()).toContain('Zoe Search');

    await page.goto('/access/users-and-keys/access-keys');
    const picker = page.getByRole('combobox', { name: 'User', exact: true });
    await picker.fill('yann@');
    await expect.poll(() => page.getByRole('option').allInnerTexts()).toEqual([`Yann Other <yann@${tenant.slug}.example>`]);
    expectCleanPage(h, page);
  });
});
