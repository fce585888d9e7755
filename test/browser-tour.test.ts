/**
 * A tour of the main pages, as an administrator at 1280 px and as a member at 390 px: each page
 * draws its heading, every control has an accessible name, nothing makes the page scroll
 * sideways on a phone, times are in the browser's zone with UTC on hover, and no page error.
 * The screenshots of docs/console.md are taken here (LATCHKEY_SCREENSHOTS=1 writes them to
 * docs/screenshots; otherwise to a temporary folder).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { expectCleanPage, keyRow, openConsole, PHONE, settled, TIME_ZONE, totpCode, type ConsoleHarness, type IssuedKey, type Session, keyAction } from './support/browser.js';

const INTERACTIVE = 'button|link|textbox|combobox|checkbox|switch|tab|radio|searchbox|spinbutton|menuitem|slider|option';
const UNNAMED = new RegExp(`^\\s*- (${INTERACTIVE})(?! ")(\\s|:|$)`);

/** Controls the accessibility tree shows without a name (a screen reader would say only "button"). */
async function unnamedControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot.split('\n').filter((line) => UNNAMED.test(line));
}

async function noSidewaysScroll(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth') as Promise<boolean>;
}

describe('tour of the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let mia: { id: string; email: string };
  let miaKey: IssuedKey;
  let deployBot: IssuedKey;

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap('acme');
    const admin = tenant.admin;
    await h.request({ method: 'PATCH', url: `/v1/users/${admin.userId}`, as: admin, body: { name: 'Ada Admin' } });
    mia = await h.addUser(admin, { name: 'Mia Chen', email: 'mia.chen@acme.example' });
    const raj = await h.addUser(admin, { name: 'Raj Patel', email: 'raj.patel@acme.example' });
    await h.addUser(admin, { name: 'Sam Ops', email: 'sam.ops@acme.example', role: 'admin' });
    await h.addUser(admin, { name: 'Lee Intern', email: 'lee.intern@acme.example', programmaticAccess: false });
    const reader = await h.request({
      method: 'POST',
      url: '/v1/roles',
      as: admin,
      body: { name: 'storage-reader', description: 'Read objects and buckets', permissions: ['storage:read', 'storage:list'] },
    });
    await h.request({ method: 'POST', url: '/v1/roles', as: admin, body: { name: 'billing-admin', description: 'Invoices and payment methods', permissions: ['billing:*'] } });
    const writer = await h.request({ method: 'POST', url: '/v1/roles', as: admin, body: { name: 'ingest-writer', description: 'Send events', permissions: ['ingest:write'] } });
    await h.request({ method: 'POST', url: '/v1/groups', as: admin, body: { name: 'ingest-team', description: 'Data pipeline', roleIds: [writer.body.id], userIds: [mia.id, raj.id] } });
    await h.request({ method: 'PATCH', url: `/v1/users/${mia.id}`, as: admin, body: { roleIds: [reader.body.id] } });
    const miaSession = await h.apiLogin(tenant.slug, mia.email);
    miaKey = await h.createKey(miaSession, { name: 'warehouse-sync', type: 'access' });
    await h.request({ method: 'PATCH', url: `/v1/access-keys/${miaKey.accessKeyId}`, as: admin, body: { roleIds: [reader.body.id] } });
    const other = await h.createKey(miaSession, { name: 'events-ingest', type: 'api', expiresInDays: 30 });
    await h.request({ method: 'POST', url: `/v1/access-keys/${other.accessKeyId}/disable`, as: miaSession });
    await h.createKey(await h.apiLogin(tenant.slug, raj.email), { name: 'raj-laptop', type: 'access', expiresInDays: 90 });
    deployBot = await h.createKey(admin, { name: 'deploy-bot', type: 'access', neverExpires: true });
    // A rotation in its overlap, for the picture of the rotation state: the old secret still works for a day.
    await h.request({ method: 'POST', url: `/v1/access-keys/${deployBot.accessKeyId}/rotate`, as: admin, body: { overlapSeconds: 86_400 } });
    for (let i = 0; i < 6; i++) await h.verify(miaKey.token, 'storage:read');
    await h.verify(miaKey.token, 'billing:read');
    await h.verify(buildToken(miaKey.accessKeyId, 'x'.repeat(miaKey.secret.length)));
    await h.flushRecords();
  });
  afterAll(() => h?.close());

  async function visit(page: Page, path: string, heading: string, shot: string) {
    await page.goto(path);
    await expect.poll(() => page.getByRole('heading', { name: heading, exact: true }).count()).toBeGreaterThan(0);
    await settled(page);
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, shot);
  }

  it('administrator pages at 1280 px', async () => {
    const page = await h.newPage();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'sign-in');
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });

    await visit(page, '/access/users-and-keys/users', 'Users and keys', 'users');
    await visit(page, '/access/users-and-keys/access-keys', 'Users and keys', 'tenant-access-keys');
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByRole('dialog', { name: 'Add key' }).getByRole('textbox', { name: 'Name' }).fill('reporting');
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'add-key');
    await page.keyboard.press('Escape');

    await visit(page, `/access/users-and-keys/access-keys?key=${miaKey.accessKeyId}&section=records`, 'Key Access Records', 'key-details');
    // Finding a key: a search typed in; and a key in a rotation overlap, with the time its old secret ends.
    await page.goto('/access/users-and-keys/access-keys');
    await page.getByRole('textbox', { name: 'Search keys' }).fill('warehouse');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await settled(page);
    await h.screenshot(page, 'key-search');
    await page.goto(`/access/users-and-keys/access-keys?key=${deployBot.accessKeyId}`);
    await expect.poll(() => page.getByText('Old secret valid until').count()).toBeGreaterThan(0);
    await settled(page);
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'key-rotation');
    await visit(page, `/access/users/${mia.id}/api-keys`, 'API Keys', 'user-api-keys');
    await visit(page, '/access/roles', 'Roles', 'roles');
    await visit(page, '/access/groups', 'Groups', 'groups');
    await visit(page, '/policy', 'Policy', 'policy');
    await visit(page, '/audit', 'Audit log', 'audit-log');
    await visit(page, '/settings/security', 'Password', 'security');
    await visit(page, '/settings/access-keys', 'Access Keys', 'personal-access-keys');
    await page.getByRole('button', { name: 'User menu for Ada Admin' }).click();
    await h.screenshot(page, 'user-menu');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByRole('dialog', { name: 'New access key' }).getByRole('textbox', { name: 'Name' }).fill('ci-pipeline');
    await page.getByRole('dialog', { name: 'New access key' }).getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog', { name: 'Access key created' }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'one-time-secret');
    await page.getByRole('dialog', { name: 'Access key created' }).getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();

    // Where secrets may be shown again after a step-up (here with an authenticator app), Show asks first.
    const enrolment = await h.request({ method: 'POST', url: '/v1/me/totp', as: tenant.admin });
    await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: tenant.admin, body: { code: totpCode(enrolment.body.secret, h.clock.now()) } });
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: tenant.admin })).body;
    await h.request({ method: 'PUT', url: '/v1/policy', as: tenant.admin, body: { ...policy, stepUp: 'totp', secretReveal: 'after-step-up' } });
    await page.reload();
    await page
      .getByRole('button', { name: /^Show the secret of / })
      .first()
      .click();
    const verify = page.getByRole('dialog', { name: "Verify it's you" });
    await verify.getByRole('textbox', { name: 'Verification code' }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'step-up');
    await verify.getByRole('button', { name: 'Cancel' }).click();
    await h.request({ method: 'PUT', url: '/v1/policy', as: tenant.admin, body: policy });
    expectCleanPage(h, page);
  });

  it('member pages at 390 px: no sideways scrolling, navigation behind a button', async () => {
    const page = await h.newPage({ viewport: PHONE });
    await h.signIn(page, { tenant: tenant.slug, email: mia.email });
    await page.goto('/settings/access-keys');
    const card = page.getByRole('listitem', { name: `warehouse-sync (${miaKey.accessKeyId})` });
    await expect.poll(() => card.count()).toBe(1);
    expect(await noSidewaysScroll(page)).toBe(true);
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'phone-access-keys');

    // The bell: the administrator changed Mia's roles and her key's (see beforeAll).
    await page.getByRole('button', { name: /^Notifications, \d+ unread$/ }).click();
    await page
      .getByRole('dialog', { name: 'Notifications' })
      .getByRole('button', { name: /^Unread: / })
      .first()
      .waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'phone-notifications');
    await page.keyboard.press('Escape');

    // The row actions work on the card as on the table.
    await keyAction(card, 'Disable');
    await page.getByRole('dialog', { name: 'Disable access key?' }).getByRole('button', { name: 'Disable' }).click();
    await expect.poll(async () => (await h.verify(miaKey.token)).code).toBe('KEY_DISABLED');

    await keyAction(card, 'More Access Records');
    await page.getByRole('heading', { name: 'Key Access Records' }).waitFor();
    expect(await noSidewaysScroll(page)).toBe(true);
    await h.screenshot(page, 'phone-key-details');
    await page.getByRole('button', { name: 'Close key details' }).click();

    await page.getByRole('button', { name: 'Open navigation' }).click();
    await expect.poll(() => page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'My access keys' }).isVisible()).toBe(true);
    await h.screenshot(page, 'phone-navigation');

    for (const path of ['/settings/security', '/notifications']) {
      await page.goto(path);
      await settled(page);
      expect(await noSidewaysScroll(page)).toBe(true);
    }
    expectCleanPage(h, page);
  });

  it("shows times in the browser's time zone, with the UTC value on hover", async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: mia.email });
    await page.goto('/settings/access-keys');
    const day = keyRow(page, miaKey.accessKeyId).locator('time').first();
    await day.waitFor();
    const key = (await h.request({ method: 'GET', url: `/v1/access-keys/${miaKey.accessKeyId}`, as: tenant.admin })).body;
    const at = new Date(key.createdAt);
    // The row, beside the secret, shows the day in the browser's zone; the pane the minute.
    expect(await day.innerText()).toBe(new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, dateStyle: 'medium' }).format(at));
    expect(await day.getAttribute('title')).toBe(`${key.createdAt.slice(0, 19).replace('T', ' ')} UTC`);
    await keyAction(keyRow(page, miaKey.accessKeyId), 'Key details');
    const created = page
      .getByRole('dialog', { name: /^Key details/ })
      .locator('time')
      .first();
    await created.waitFor();
    expect(await created.getAttribute('datetime')).toBe(key.createdAt);
    expect(await created.innerText()).toBe(new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(at));
    expect(await created.getAttribute('title')).toBe(`${key.createdAt.slice(0, 19).replace('T', ' ')} UTC`);
    expectCleanPage(h, page);
  });
});
