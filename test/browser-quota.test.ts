/**
 * The key quota (seeds 001, 003: two keys per member by default): New is disabled with the
 * reason shown, the server refuses a third key even when the page was loaded earlier, and a
 * deleted key frees a place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, keyRow, openConsole, type ConsoleHarness, type Session, keyAction } from './support/browser.js';

describe('quota reached', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap();
  });
  afterAll(() => h?.close());

  it('New is disabled with the reason; a key created elsewhere meanwhile is refused with the message; deleting frees a place', async () => {
    const member = await h.addUser(tenant.admin, { name: 'Quinn Quota' });
    const session = await h.apiLogin(tenant.slug, member.email);
    const first = await h.createKey(session, { name: 'first' });

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    await page.goto('/settings/access-keys');
    await expect.poll(() => page.getByText('1 of 2 keys').count()).toBe(1);
    const newButton = page.getByRole('button', { name: 'New', exact: true });
    expect(await newButton.isDisabled()).toBe(false);

    // Another tab (here: the API) takes the last place while this page still shows one free.
    const second = await h.createKey(session, { name: 'second' });
    await newButton.click();
    const form = page.getByRole('dialog', { name: 'New access key' });
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toContain('You already hold 2 access keys, the most the tenant policy allows');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => newButton.isDisabled()).toBe(true);
    expect(await page.getByRole('note').innerText()).toBe('You hold 2 of the 2 access keys the tenant policy allows. Delete a key to create a new one.');
    expect(await page.getByText('2 of 2 keys').count()).toBe(1);
    const third = await h.request({ method: 'POST', url: '/v1/access-keys', as: session, body: {} });
    expect(third.status).toBe(409);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys?userId=${member.id}`, as: session })).body.items).toHaveLength(2);

    // The administrator sees the same on the member's page.
    const adminPage = await h.newPage();
    await h.signIn(adminPage, { tenant: tenant.slug, email: tenant.adminEmail });
    await adminPage.goto(`/access/users/${member.id}/api-keys`);
    await expect.poll(() => adminPage.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(true);
    expect(await adminPage.getByRole('note').innerText()).toContain('Quinn Quota holds 2 of the 2 access keys');

    // Deleting one (disable, then delete) makes New available again.
    await keyAction(keyRow(page, first.accessKeyId), 'Delete');
    const del = page.getByRole('dialog', { name: 'Delete access key?' });
    await del.getByRole('button', { name: 'Disable key' }).click();
    await del.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => newButton.isDisabled()).toBe(false);
    expect(await page.getByText('1 of 2 keys').count()).toBe(1);
    expect(await h.verify(second.token)).toMatchObject({ valid: true });
    expectCleanPage(h, page);
    expectCleanPage(h, adminPage);
  });

  it("counts every key a user holds on their page, beyond 100: the administrator sees the server's count", async () => {
    const other = await h.bootstrap();
    const member = await h.addUser(other.admin, { name: 'Hana Hundred' });
    const current = (await h.request({ method: 'GET', url: '/v1/policy', as: other.admin })).body;
    expect((await h.request({ method: 'PUT', url: '/v1/policy', as: other.admin, body: { ...current, memberKeyLimit: 102 } })).status).toBe(200);
    for (let i = 0; i < 101; i++) await h.createKey(other.admin, { userId: member.id, name: `bulk-${i}` });

    const adminPage = await h.newPage();
    await h.signIn(adminPage, { tenant: other.slug, email: other.adminEmail });
    await adminPage.goto(`/access/users/${member.id}/api-keys`);
    // The first load of the page (sign-in just ended) waits as long as the page does, not a poll's second.
    await adminPage.getByText('101 of 102 keys').waitFor();
    expect(await adminPage.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(false);

    // The last place taken elsewhere: on reload the count and the button follow.
    await h.createKey(other.admin, { userId: member.id, name: 'bulk-last' });
    await adminPage.reload();
    await adminPage.getByText('102 of 102 keys').waitFor();
    await expect.poll(() => adminPage.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(true);
    expect(await adminPage.getByRole('note').innerText()).toContain('Hana Hundred holds 102 of the 102 access keys');
    expectCleanPage(h, adminPage);
  });
});
