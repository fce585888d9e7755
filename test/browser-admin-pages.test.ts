/**
 * The administrator's other pages, each checked through the API: roles (create, edit, refused
 * delete while a key uses it), groups (members and roles), a user's roles and status, the
 * tenant policy (every field the server returns, a refused combination explained), the audit
 * log (filters and server-side pages), and resetting the authenticator app of a user who lost it.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, openConsole, PASSWORD, TIME_ZONE, totpCode, type ConsoleHarness, type Session } from './support/browser.js';

describe('administration pages', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let page: Page;

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap();
    page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
  });
  afterAll(() => h?.close());

  const api = (url: string) => h.request({ method: 'GET', url, as: tenant.admin }).then((r) => r.body);

  it('roles: create with permissions, edit, and a refused delete while a key is narrowed to it', async () => {
    await page.goto('/access/roles');
    await page.getByRole('button', { name: 'Create role' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create role' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('storage-reader');
    await dialog.getByRole('textbox', { name: 'Description' }).fill('Read buckets');
    const permissions = dialog.getByRole('combobox', { name: 'Permissions' });
    await permissions.fill('storage:read');
    await permissions.press('Enter');
    await permissions.fill('storage:list');
    await permissions.press('Enter');
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Roles' }).innerText()).toContain('storage-reader');
    const role = (await api('/v1/roles')).items.find((r: { name: string }) => r.name === 'storage-reader');
    expect(role).toMatchObject({ description: 'Read buckets', permissions: ['storage:list', 'storage:read'] });

    // A bad permission is refused with the server's explanation.
    await page.getByRole('button', { name: 'Edit role storage-reader' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit role storage-reader' });
    await edit.getByRole('combobox', { name: 'Permissions' }).fill('Not Valid');
    await edit.getByRole('combobox', { name: 'Permissions' }).press('Enter');
    await edit.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(() => edit.getByRole('alert').innerText()).toContain('Not a valid permission');
    // Backspace in the empty field takes the last permission off again.
    await edit.getByRole('combobox', { name: 'Permissions' }).press('Backspace');
    await edit.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(() => edit.count()).toBe(0);

    // A key narrowed to the role: deleting the role is refused, and the dialog says why.
    const key = await h.createKey(tenant.admin, { name: 'narrowed', roleIds: [role.id] });
    await page.getByRole('button', { name: 'Delete role storage-reader' }).click();
    const del = page.getByRole('dialog', { name: 'Delete role?' });
    await del.getByRole('button', { name: 'Delete role' }).click();
    await expect.poll(() => del.getByRole('alert').innerText()).toContain('assigned to 1 access key');
    expect(await del.getByRole('alert').innerText()).toContain(`narrowed (${key.accessKeyId})`);
    expect((await api(`/v1/roles/${role.id}`)).name).toBe('storage-reader');
    expect(await h.verify(key.token, 'storage:read')).toMatchObject({ valid: true });
    await del.getByRole('button', { name: 'Cancel' }).click();
    expectCleanPage(h, page);
  });

  it("groups and a user's roles: members get the group's roles; disabling a user stops their keys", async () => {
    const member = await h.addUser(tenant.admin, { name: 'Gus Group', email: `gus@${tenant.slug}.example` });
    const key = await h.createKey(await h.apiLogin(tenant.slug, member.email), { name: 'gus-key' });
    await h.request({ method: 'POST', url: '/v1/roles', as: tenant.admin, body: { name: 'ingest-writer', permissions: ['ingest:write'] } });
    expect(await h.verify(key.token, 'ingest:write')).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });

    await page.goto('/access/groups');
    await page.getByRole('button', { name: 'Create group' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create group' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('ingest-team');
    await dialog.getByRole('combobox', { name: 'Roles' }).click();
    await page.getByRole('option', { name: 'ingest-writer' }).click();
    await dialog.getByRole('textbox', { name: 'Name' }).click();
    await dialog.getByRole('combobox', { name: 'Add a member' }).click();
    await page.getByRole('option', { name: `Gus Group <${member.email}>` }).click();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await dialog.innerText()).toContain('Members (1)');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Groups' }).innerText()).toContain('ingest-team');
    await expect.poll(async () => (await h.verify(key.token, 'ingest:write')).valid).toBe(true);
    expect((await api(`/v1/users/${member.id}`)).groupIds).toHaveLength(1);

    // The user's page lists the group and gives a role directly.
    await page.goto(`/access/users/${member.id}`);
    await expect.poll(() => page.locator('main').innerText()).toContain('ingest-team');
    await page.getByRole('combobox', { name: 'Roles' }).click();
    await page.getByRole('option', { name: 'storage-reader' }).click();
    await page.getByRole('heading', { name: 'Gus Group' }).click();
    await page.getByRole('button', { name: 'Save roles' }).click();
    await expect.poll(async () => (await h.verify(key.token, 'storage:read')).valid).toBe(true);

    // A new email address: a malformed one shows the server's reason and saves nothing.
    const emailBox = page.getByRole('textbox', { name: 'Email' });
    await emailBox.fill('gus@localhost');
    await page.getByRole('button', { name: 'Save email' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('The email address is not valid');
    expect((await api(`/v1/users/${member.id}`)).email).toBe(member.email);
    await emailBox.fill('Gus.Renamed@Example.test');
    await page.getByRole('button', { name: 'Save email' }).click();
    await expect.poll(async () => (await api(`/v1/users/${member.id}`)).email).toBe('gus.renamed@example.test');

    // Disabling the user: confirmation, then their keys stop working.
    await page.getByRole('button', { name: 'Disable user' }).click();
    const confirm = page.getByRole('dialog', { name: 'Disable user?' });
    expect(await confirm.innerText()).toContain('requests that use their access keys fail');
    await confirm.getByRole('button', { name: 'Disable user' }).click();
    await expect.poll(async () => (await api(`/v1/users/${member.id}`)).status).toBe('disabled');
    await expect.poll(async () => (await h.verify(key.token)).valid).toBe(false);

    // Deleting the group: the confirmation says what its members lose, then it is gone.
    await page.goto('/access/groups');
    await page.getByRole('button', { name: 'Delete group ingest-team' }).click();
    const drop = page.getByRole('dialog', { name: 'Delete group?' });
    expect(await drop.innerText()).toContain('lose the permissions of its roles at once');
    await drop.getByRole('button', { name: 'Delete group' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('No groups yet.');
    expect((await api(`/v1/users/${member.id}`)).groupIds).toEqual([]);
    expectCleanPage(h, page);
  });

  it('policy: every field the server returns has a control; a refused combination shows why and saves nothing', async () => {
    await page.goto('/policy');
    await page.getByRole('button', { name: 'Save policy' }).waitFor();
    const policy = await api('/v1/policy');
    const labels: Record<string, string> = {
      memberKeyLimit: 'Keys a member may hold',
      adminKeyLimit: 'Keys an administrator may hold',
      defaultValidityDays: 'Default validity of a new key (days)',
      allowNeverExpires: 'Keys that never expire are allowed',
      deleteRequiresDisabled: 'Only a disabled key can be deleted',
      accessRecordRetentionDays: 'Access records are kept for (days)',
      accessRecordsPerKey: 'Detailed attempts kept per key',
      secretReveal: 'A secret can be shown again later',
      stepUp: 'Step-up verification for create, reveal, regenerate and re-enable',
      stepUpMinutes: 'One verification lasts (minutes)',
      expiryReminderDays: 'Expiry reminder (days before)',
      replayProtection: 'Refuse replayed signed requests',
      disableUnusedAfterDays: 'Disable keys unused for (days)',
      defaultRatelimits: 'Default rate limits per key type (JSON)',
      defaultIpAllowlist: 'Default IP allowlist (one CIDR block per line)',
      leakResponse: 'A key reported leaked is',
    };
    for (const field of Object.keys(policy)) {
      await expect.poll(() => page.getByLabel(labels[field] ?? field).count(), { message: field }).toBeGreaterThan(0);
    }

    // "Never expires by default" while never-expiring keys are not allowed: the server refuses,
    // and the page says so in its own words (the rules' labels, not their API names).
    await page.getByRole('checkbox', { name: 'Never expires by default' }).check();
    await page.getByRole('switch', { name: 'Keys that never expire are allowed' }).uncheck();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('“Default validity of a new key (days)” cannot be never while “Keys that never expire are allowed” is off');
    expect(await api('/v1/policy')).toEqual(policy);

    await page.getByRole('checkbox', { name: 'Never expires by default' }).uncheck();
    await page.getByRole('textbox', { name: 'Access records are kept for (days)' }).fill('30');
    await page.getByRole('textbox', { name: 'Detailed attempts kept per key' }).fill('50');
    // Unused keys: off by default; unticking "never" offers 180 days.
    await page.getByRole('checkbox', { name: 'Never disable unused keys' }).uncheck();
    await expect.poll(() => page.getByRole('textbox', { name: 'Disable keys unused for (days)' }).inputValue()).toBe('180');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(async () => (await api('/v1/policy')).accessRecordRetentionDays).toBe(30);
    expect((await api('/v1/policy')).disableUnusedAfterDays).toBe(180);
    expect((await api('/v1/policy')).accessRecordsPerKey).toBe(50);
    expect((await api('/v1/policy')).allowNeverExpires).toBe(false);
    expectCleanPage(h, page);
  });

  it('audit log: filters by action (chosen from a list), actor and date, pages on the server, shows names, exports CSV', async () => {
    for (let i = 0; i < 23; i++) await h.createKey(tenant.admin, { name: `audit-${i}` });
    const other = await h.addUser(tenant.admin, { name: 'Abe Actor', email: `abe@${tenant.slug}.example` });
    const otherKey = await h.createKey(await h.apiLogin(tenant.slug, other.email), { name: 'abe-key' });

    await page.goto('/audit');
    const table = page.getByRole('table', { name: 'Audit events' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(20);

    // The action is chosen from the list of actions, by its label; free text is not an action.
    await page.getByRole('combobox', { name: 'Action' }).fill('key created');
    await page.getByRole('option', { name: 'Access key created' }).click();
    // Wait for the filtered page itself: the unfiltered first page may hold only key creations too.
    const filtered = page.waitForResponse((r) => r.url().includes('/v1/audit-events?') && r.url().includes('action=access_key.create'));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await filtered;
    await expect.poll(async () => (await table.locator('tbody tr').allInnerTexts()).every((t) => t.includes('Access key created') && t.includes('access_key.create'))).toBe(true);
    // Names beside the IDs: the actor's email and the key's name.
    expect(await table.innerText()).toContain(tenant.adminEmail);
    expect(await table.innerText()).toMatch(/audit-\d+/);
    expect(await page.getByText('Page 1').count()).toBe(1);
    const firstPage = await table.locator('tbody tr').allInnerTexts();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByText('Page 2').count()).toBe(1);
    // The previous rows stay on screen while the next page loads: wait for the new ones.
    await expect.poll(() => table.locator('tbody tr').allInnerTexts()).not.toEqual(firstPage);
    const secondPage = await table.locator('tbody tr').allInnerTexts();
    const creations = (await h.request({ method: 'GET', url: '/v1/audit-events?action=access_key.create&limit=100', as: tenant.admin })).body.items.length;
    expect(creations).toBeGreaterThan(20);
    expect(secondPage).toHaveLength(creations - 20);
    expect(secondPage.some((row) => firstPage.includes(row))).toBe(false);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => table.locator('tbody tr').allInnerTexts()).toEqual(firstPage);

    // The export holds every event the filter matches (both pages), one CSV row each.
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^latchkey-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toMatch(/^time,actor_email,/);
    expect(csv).toHaveLength(creations + 1);
    expect(csv.slice(1).every((line) => line.includes(',access_key.create,Access key created,'))).toBe(true);

    // By actor.
    await page.getByRole('combobox', { name: 'Actor' }).click();
    await page.getByRole('option', { name: `Abe Actor <${other.email}>` }).click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.innerText()).toContain(otherKey.accessKeyId);

    // A date range in the future holds nothing.
    await page.getByRole('button', { name: 'Clear' }).click();
    // The day after tomorrow by the server's clock, as a date in the browser's zone (not the test
    // process's): its midnight there is later than every event made so far.
    const later = new Date(h.clock.now().getTime() + 2 * 86_400_000);
    const local = `${new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(later)}T00:00`;
    await page.getByLabel('From').fill(local);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.getByText('No events match.').count()).toBe(1);
    expectCleanPage(h, page);
  });

  it('resets the authenticator app of a user who lost it: they sign in with the password alone', async () => {
    const user = await h.addUser(tenant.admin, { name: 'Lou Lost', email: `lou@${tenant.slug}.example` });
    const session = await h.apiLogin(tenant.slug, user.email);
    const enrolment = await h.request({ method: 'POST', url: '/v1/me/totp', as: session });
    expect((await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: session, body: { code: totpCode(enrolment.body.secret, h.clock.now()) } })).status).toBe(204);
    const login = { tenant: tenant.slug, email: user.email, password: PASSWORD };
    expect((await h.request({ method: 'POST', url: '/v1/auth/login', body: login })).body.error.code).toBe('TOTP_REQUIRED');

    await page.goto(`/access/users/${user.id}`);
    await page.getByRole('button', { name: 'Reset authenticator app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the authenticator app?' });
    expect(await dialog.innerText()).toContain('Their sessions end');
    await dialog.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Reset authenticator app' }).count()).toBe(0);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: session })).status).toBe(401);
    expect((await h.request({ method: 'POST', url: '/v1/auth/login', body: login })).status).toBe(200);
    expectCleanPage(h, page);
  });
});
