/**
 * Accessibility as a bar (issue 12): every page of the console, and the dialogs people meet on
 * the way, at 1280 px and at 390 px, have no serious or critical axe-core violation. The pages
 * hold real data (keys in each state, users, roles, groups, audit events, usage), made through
 * the API, since an empty table hides most of what can go wrong.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, seriousViolations } from './support/axe.js';
import { DESKTOP, expectCleanPage, openConsole, PHONE, settled, type ConsoleHarness, type IssuedKey, type Session } from './support/browser.js';

describe('accessibility of every console page (axe-core: no serious or critical violations)', { timeout: 180_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let member: { id: string; email: string };
  let key: IssuedKey;
  /** A key with every usage control set (issue 11), the member's own with some too. */
  let controlled: IssuedKey;
  let memberKey: IssuedKey;

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap();
    member = await h.addUser(tenant.admin, { role: 'member', programmaticAccess: true });
    key = await h.createKey(tenant.admin, { name: 'billing-api' });
    const disabled = await h.createKey(tenant.admin, { name: 'old-importer' });
    await h.request({ method: 'PATCH', url: `/v1/access-keys/${disabled.accessKeyId}`, as: tenant.admin, body: { state: 'disabled' } });
    const gateway = await h.createKey(tenant.admin, { name: 'gateway', verifier: true });
    await h.request({ method: 'POST', url: '/v1/roles', as: tenant.admin, body: { name: 'storage-reader', description: 'Read buckets', permissions: ['storage:read'] } });
    await h.request({ method: 'POST', url: '/v1/groups', as: tenant.admin, body: { name: 'ops', description: 'Operations' } });
    for (const token of [key.token, `${key.token.slice(0, -8)}AAAAAAAA`]) {
      await h.request({ method: 'POST', url: '/v1/verify', as: { kind: 'bearer', token: gateway.token }, body: { token } });
    }
    const controls = {
      ratelimits: [
        { name: 'requests', limit: 100, durationMs: 60_000 },
        { name: 'burst', limit: 10, durationMs: 1_000 },
      ],
      credits: { remaining: 500, refill: { interval: 'monthly', amount: 1_000, refillDay: 15 } },
      ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
      meta: { plan: 'pro', region: 'eu' },
      externalId: 'cust_42',
    };
    controlled = await h.createKey(tenant.admin, { name: 'metered-api', ...controls });
    memberKey = await h.createKey(await h.apiLogin(tenant.slug, member.email), { name: 'member-metered' });
    await h.request({ method: 'PATCH', url: `/v1/access-keys/${memberKey.accessKeyId}`, as: tenant.admin, body: controls });
    await h.request({ method: 'PUT', url: '/v1/identities/cust_42', as: tenant.admin, body: { ratelimits: controls.ratelimits, credits: controls.credits, meta: controls.meta } });
    await h.flushRecords();
  });
  afterAll(() => h?.close());

  /** Fails with axe's findings for `label`. */
  async function expectAccessible(page: Page, label: string): Promise<void> {
    await settled(page);
    const found = await seriousViolations(page);
    expect(describeViolations(found), `${label}: serious or critical accessibility violations`).toEqual([]);
  }

  for (const [name, viewport] of [
    ['desktop (1280 px)', DESKTOP],
    ['phone (390 px)', PHONE],
  ] as const) {
    describe(name, () => {
      it('the pages before signing in', async () => {
        const page = await h.newPage({ viewport });
        for (const url of ['/sign-in', '/forgot-password', '/reset-password#token=not-a-real-token']) {
          await page.goto(url);
          await page.locator('main, form, [role="main"]').first().waitFor();
          await expectAccessible(page, url);
        }
        expectCleanPage(h, page);
      });

      it("an administrator's pages, a key's details and the key dialogs", async () => {
        const page = await h.newPage({ viewport });
        await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
        const pages = [
          '/settings/access-keys',
          `/settings/access-keys?key=${key.accessKeyId}`,
          `/settings/access-keys?key=${controlled.accessKeyId}&section=controls`,
          '/settings/security',
          '/notifications',
          '/access/users-and-keys/users',
          '/access/users-and-keys/access-keys',
          `/access/users/${member.id}`,
          `/access/users/${member.id}/api-keys`,
          '/access/roles',
          '/access/groups',
          '/access/identities',
          '/policy',
          '/usage',
          '/audit',
          '/change-password',
          '/no-such-page',
        ];
        for (const url of pages) {
          await page.goto(url);
          await page.getByRole('main').waitFor();
          await expectAccessible(page, url);
        }
        // The usage controls with a field the form refuses, its message shown.
        await page.goto(`/settings/access-keys?key=${controlled.accessKeyId}&section=controls`);
        const controlsForm = page.getByRole('form', { name: 'Usage controls' });
        await controlsForm.getByRole('textbox', { name: 'Limit of limit 1' }).fill('0');
        await controlsForm.getByRole('button', { name: 'Save usage controls' }).click();
        await controlsForm.locator('[aria-invalid="true"]').first().waitFor();
        // The pointer leaves the button it pressed (axe judges the hover colours otherwise).
        await page.mouse.move(0, 0);
        await expectAccessible(page, 'the usage controls with a refused field');
        // An identity's pane, its limits, credits and metadata set.
        await page.goto('/access/identities');
        await page.getByRole('button', { name: 'View cust_42' }).click();
        await page.getByRole('form', { name: 'Identity controls' }).waitFor();
        await expectAccessible(page, "an identity's pane");
        // The create dialog, then the one-time secret dialog it leads to.
        await page.goto('/settings/access-keys');
        await page.getByRole('button', { name: 'New', exact: true }).click();
        const create = page.getByRole('dialog', { name: 'New access key' });
        await create.getByRole('textbox', { name: 'Name' }).fill('ci-pipeline');
        await expectAccessible(page, 'the new-key dialog');
        // Its usage controls, opened, with a limit added.
        await create.getByRole('button', { name: 'Usage controls' }).click();
        await create.getByRole('group', { name: 'Usage controls of the new key' }).getByRole('button', { name: 'Add rate limit' }).click();
        await create.getByRole('textbox', { name: 'Limit of limit 1' }).waitFor();
        await page.mouse.move(0, 0);
        await expectAccessible(page, 'the new-key dialog with its usage controls open');
        await create.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('dialog', { name: 'Access key created' }).waitFor();
        await expectAccessible(page, 'the dialog showing the new secret');
        expectCleanPage(h, page);
      });

      it("a member's own keys", async () => {
        const page = await h.newPage({ viewport });
        await h.signIn(page, { tenant: tenant.slug, email: member.email });
        await page.goto('/settings/access-keys');
        await page.getByRole('main').waitFor();
        await expectAccessible(page, "the member's keys");
        await page.goto(`/settings/access-keys?key=${memberKey.accessKeyId}&section=controls`);
        await page.getByRole('group', { name: 'Usage controls' }).waitFor();
        await expectAccessible(page, "the usage controls of a member's key, read-only");
        expectCleanPage(h, page);
      });
    });
  }
});
