/**
 * The pictures of usage (issue 9 part 7) and the verifier key choice (part 1), against the real
 * server: verifications made through /v1/verify by a verifier key show in a key's chart and
 * totals (by range), the tenant Usage page ranks the busiest keys and lists failures by reason,
 * and the console's "Verifier key" choice makes a key that then verifies tokens.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { expectCleanPage, keyRow, openConsole, PHONE, settled, type ConsoleHarness, type IssuedKey, keyAction } from './support/browser.js';

const DAY_MS = 86_400_000;
const INTERACTIVE = 'button|link|textbox|combobox|checkbox|switch|tab|radio|searchbox|spinbutton|menuitem|slider|option';
const UNNAMED = new RegExp(`^\\s*- (${INTERACTIVE})(?! ")(\\s|:|$)`);

/** Controls the accessibility tree shows without a name (as in browser-tour.test.ts). */
async function unnamedControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot.split('\n').filter((line) => UNNAMED.test(line));
}

describe('usage pictures and verifier keys', { timeout: 90_000 }, () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await openConsole();
  });
  afterAll(() => h?.close());

  /** A tenant with a verifier key for its gateway, made through the API. */
  async function tenantWithGateway() {
    const tenant = await h.bootstrap();
    const gateway = await h.createKey(tenant.admin, { name: 'gateway', verifier: true });
    /** POST /v1/verify as the tenant's gateway would: its verifier key, and the end client's IP. */
    const check = async (token: string, sourceIp: string, permission?: string) => {
      const res = await h.request({
        method: 'POST',
        url: '/v1/verify',
        as: { kind: 'bearer', token: gateway.token },
        body: { token, context: { sourceIp }, ...(permission !== undefined && { permission }) },
      });
      if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${res.text}`);
      return res.body as { valid: boolean; code?: string };
    };
    return { tenant, gateway, check };
  }

  const wrongSecret = (key: IssuedKey) => buildToken(key.accessKeyId, 'x'.repeat(key.secret.length));
  /** Picks a range the way a person does: a click on its label in the switch. */
  const pickRange = (scope: Page | Locator, label: string) =>
    scope
      .locator('label')
      .filter({ hasText: new RegExp(`^${label}$`) })
      .click();
  const figure = (scope: Page | Locator, label: string) => scope.getByRole('group', { name: new RegExp(`^${label}: `) });

  it("a key's details chart its verifications by outcome, with totals, failures by reason and last use, over 24 h, 7 d and 90 d", async () => {
    const { tenant, check } = await tenantWithGateway();
    const member = await h.addUser(tenant.admin, { name: 'Cora Chart', email: `cora@${tenant.slug}.example` });
    const key = await h.createKey(await h.apiLogin(tenant.slug, member.email), { name: 'chart-demo' });

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    // Members have no Usage page in their navigation: it is the tenant's.
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Usage' }).count()).toBe(0);

    // A key never verified: the pane says so instead of drawing an empty chart.
    await keyAction(keyRow(page, key.accessKeyId), 'Key details');
    const pane = page.getByRole('dialog', { name: 'Key details: chart-demo' });
    const section = pane.getByRole('region', { name: 'Verifications' });
    await expect.poll(() => section.innerText()).toContain('No verifications in the last 24 hours.');
    expect(await section.innerText()).toContain('Last used: never');
    await pane.getByRole('button', { name: 'Close', exact: true }).click();

    // Two days ago: 3 successes and 1 wrong secret. Now: 2 wrong secrets, 1 permission the key
    // lacks, then 5 successes, the last from 198.51.100.7.
    for (let i = 0; i < 3; i++) expect((await check(key.token, '192.0.2.10')).valid).toBe(true);
    // (The gateway is not told a wrong secret from an unknown key; the counters know.)
    expect((await check(wrongSecret(key), '203.0.113.66')).valid).toBe(false);
    h.clock.advance(2 * DAY_MS);
    for (let i = 0; i < 2; i++) expect((await check(wrongSecret(key), '203.0.113.66')).valid).toBe(false);
    expect(await check(key.token, '192.0.2.10', 'billing:write')).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
    h.clock.advance(60_000);
    for (let i = 0; i < 5; i++) expect((await check(key.token, '198.51.100.7')).valid).toBe(true);
    await h.flushRecords();

    await keyAction(keyRow(page, key.accessKeyId), 'Key details');
    await settled(page);
    // The last 24 hours: only today's attempts.
    await expect.poll(() => figure(section, 'Verifications').getAttribute('aria-label')).toBe('Verifications: 8');
    expect(await figure(section, 'Successes').getAttribute('aria-label')).toBe('Successes: 5');
    expect(await figure(section, 'Failures').getAttribute('aria-label')).toBe('Failures: 3');
    expect(await section.getByTestId('last-used').innerText()).toMatch(/^Last used: \w{3} \d+, \d{4}.* from 198\.51\.100\.7$/);
    const reasons = section.getByRole('table', { name: 'Failures of this key by reason' });
    expect(await reasons.locator('tbody tr').allInnerTexts()).toEqual(['SECRET_MISMATCH\t2', 'PERMISSION_DENIED\t1']);
    const chart = section.getByRole('figure', { name: /over the last 24 hours, by outcome$/ });
    expect(await chart.innerText()).toMatch(/^Verifications per .+ over the last 24 hours, by outcome/);
    // Bars are drawn for the buckets that had attempts: successes and failures, each in its colour.
    await expect.poll(() => chart.locator('.recharts-bar-rectangle path').count()).toBeGreaterThan(0);
    expect(await chart.innerText()).toContain('Success');
    expect(await chart.innerText()).toContain('Failure');

    // 7 days: the attempts of two days ago count too, per hour.
    await pickRange(section, '7 days');
    expect(await section.getByRole('radio', { name: '7 days' }).isChecked()).toBe(true);
    expect(await section.getByRole('radio', { name: '7 days' }).isChecked()).toBe(true);
    await expect.poll(() => figure(section, 'Verifications').getAttribute('aria-label')).toBe('Verifications: 12');
    expect(await figure(section, 'Successes').getAttribute('aria-label')).toBe('Successes: 8');
    expect(await reasons.locator('tbody tr').allInnerTexts()).toEqual(['SECRET_MISMATCH\t3', 'PERMISSION_DENIED\t1']);
    expect(await section.getByRole('figure').innerText()).toContain('Verifications per hour over the last 7 days');

    // 90 days: the same attempts, per day.
    await pickRange(section, '90 days');
    await expect.poll(() => section.getByRole('figure').innerText()).toContain('Verifications per day over the last 90 days');
    expect(await figure(section, 'Verifications').getAttribute('aria-label')).toBe('Verifications: 12');
    await h.screenshot(page, 'key-usage');

    // And back: 24 hours again.
    await pickRange(section, '24 hours');
    await expect.poll(() => figure(section, 'Verifications').getAttribute('aria-label')).toBe('Verifications: 8');
    expect(await unnamedControls(page)).toEqual([]);
    expectCleanPage(h, page);

    // On a phone the pane takes the screen, and the chart fits in it: nothing scrolls sideways.
    const phone = await h.newPage({ viewport: PHONE });
    await h.signIn(phone, { tenant: tenant.slug, email: member.email });
    await phone.goto(`/settings/access-keys?key=${key.accessKeyId}&section=usage`);
    const phoneSection = phone.getByRole('dialog', { name: 'Key details: chart-demo' }).getByRole('region', { name: 'Verifications' });
    await expect.poll(() => figure(phoneSection, 'Verifications').getAttribute('aria-label')).toBe('Verifications: 8');
    const svg = (await phoneSection.getByRole('figure').locator('svg.recharts-surface').boundingBox())!;
    expect(svg.x).toBeGreaterThanOrEqual(0);
    expect(svg.x + svg.width).toBeLessThanOrEqual(PHONE.width);
    expect(await phone.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    expectCleanPage(h, phone);
  });

  it('the Usage page ranks the busiest keys, counts failures by reason and links to each key', async () => {
    const { tenant, check } = await tenantWithGateway();
    const member = await h.addUser(tenant.admin, { name: 'Bo Busy', email: `bo@${tenant.slug}.example` });
    // A member's key holds no permission: asking for one fails with PERMISSION_DENIED.
    const busy = await h.createKey(await h.apiLogin(tenant.slug, member.email), { name: 'busy-key' });
    const quiet = await h.createKey(tenant.admin, { name: 'quiet-key' });
    const idle = await h.createKey(tenant.admin, { name: 'idle-key' });
    for (let i = 0; i < 12; i++) await check(busy.token, '192.0.2.20');
    await check(quiet.token, '192.0.2.21');
    for (let i = 0; i < 2; i++) await check(wrongSecret(quiet), '203.0.113.5');
    expect(await check(busy.token, '192.0.2.20', 'billing:write')).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
    // The alert a burst of guesses raises (contract: audit action key.under_attack, actor system,
    // target the key), recorded through the audit service as the guessing guard does, so the page
    // is checked without flooding the key up to the guard's thresholds.
    await h.services.audit.record(
      { tenantId: tenant.tenantId, user: null, accessKeyId: null, ip: null, via: 'cli' },
      { action: 'key.under_attack', targetType: 'access_key', targetId: quiet.accessKeyId },
    );
    await h.flushRecords();

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL(/\/usage$/);
    await expect.poll(() => page.getByRole('heading', { name: 'Usage', level: 1 }).count()).toBe(1);
    await settled(page);

    // Totals count every verified key of the tenant (the gateway's own calls aside, whatever they count).
    const busiest = page.getByRole('table', { name: 'Busiest keys' });
    await expect.poll(() => busiest.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    const rows = await busiest.locator('tbody tr').allInnerTexts();
    const busyAt = rows.findIndex((r) => r.includes('busy-key'));
    const quietAt = rows.findIndex((r) => r.includes('quiet-key'));
    expect(busyAt).toBeGreaterThanOrEqual(0);
    expect(quietAt).toBeGreaterThan(busyAt);
    expect(rows[busyAt]).toMatch(/busy-key[\s\S]*\t12\t1$/);
    expect(rows[quietAt]).toMatch(/quiet-key[\s\S]*\t1\t2$/);
    expect(rows.some((r) => r.includes('idle-key'))).toBe(false);
    expect(await page.getByRole('figure', { name: /^Verifications of the busiest keys over the last 24 hours/ }).count()).toBe(1);

    const reasons = page.getByRole('table', { name: 'Failures by reason' });
    expect(await reasons.locator('tbody tr').allInnerTexts()).toEqual(['SECRET_MISMATCH\t2', 'PERMISSION_DENIED\t1']);
    const attacked = page.getByRole('table', { name: 'Keys under attack' });
    // The owner column shows "…" until the owners' addresses have loaded: wait for them as a reader would.
    await expect.poll(() => attacked.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^quiet-key[\s\S]*admin@[\s\S]*\t2\t\w{3} \d+, \d{4}/)]);
    expect(await unnamedControls(page)).toEqual([]);
    await h.screenshot(page, 'usage');

    // A key links to its details pane, opened at its verifications: first the attacked one.
    await attacked.getByRole('link', { name: 'quiet-key' }).click();
    await expect.poll(() => page.getByRole('dialog', { name: 'Key details: quiet-key' }).count()).toBe(1);
    await page.goBack();
    await page.waitForURL(/\/usage$/);
    await busiest.getByRole('link', { name: 'busy-key' }).click();
    await page.waitForURL((url) => url.pathname === '/access/users-and-keys/access-keys' && url.searchParams.get('key') === busy.accessKeyId);
    const pane = page.getByRole('dialog', { name: 'Key details: busy-key' });
    await expect.poll(() => figure(pane.getByRole('region', { name: 'Verifications' }), 'Successes').getAttribute('aria-label')).toBe('Successes: 12');
    expect(idle.accessKeyId).not.toBe(busy.accessKeyId);
    expectCleanPage(h, page);

    // On a phone: the same figures, nothing scrolls sideways.
    const phone = await h.newPage({ viewport: PHONE });
    await h.signIn(phone, { tenant: tenant.slug, email: tenant.adminEmail });
    await phone.goto('/usage');
    await expect.poll(() => phone.getByRole('table', { name: 'Busiest keys' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await phone.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    expectCleanPage(h, phone);
  });

  it("an empty tenant: the Usage page says there is nothing yet, and shows the server's refusal once its reader is no longer an admin", async () => {
    const tenant = await h.bootstrap();
    const second = await h.addUser(tenant.admin, { name: 'Ida Second', email: `ida@${tenant.slug}.example`, role: 'admin' });
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: second.email });
    await page.goto('/usage');
    await settled(page);
    expect(await figure(page, 'Verifications').getAttribute('aria-label')).toBe('Verifications: 0');
    const main = page.locator('main');
    expect(await main.innerText()).toContain('No key was verified in the last 24 hours.');
    expect(await main.innerText()).toContain('No failures in the last 24 hours.');
    expect(await main.innerText()).toContain('No key was under attack in the last 24 hours.');
    await pickRange(page, '90 days');
    await expect.poll(() => main.innerText()).toContain('No key was verified in the last 90 days.');

    // Made a member meanwhile: the next range read is refused, and the page says so with the code.
    const demoted = await h.request({ method: 'PATCH', url: `/v1/users/${second.id}`, as: tenant.admin, body: { role: 'member' } });
    expect(demoted.status).toBe(200);
    await pickRange(page, '7 days');
    const alert = page.getByRole('alert').filter({ hasText: 'Usage could not be loaded' });
    await expect.poll(() => alert.innerText()).toContain('Only tenant administrators can do this.');
    expect(await alert.innerText()).toContain('FORBIDDEN');
    expect(await alert.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    expect(await main.innerText()).not.toContain('No key was verified in the last 7 days.');
    expectCleanPage(h, page);
  });

  it('the Verifier key choice creates a key that may ask Latchkey to verify keys', async () => {
    const tenant = await h.bootstrap();
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto('/settings/access-keys');
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const form = page.getByRole('dialog', { name: 'New access key' });
    await form.getByRole('textbox', { name: 'Name' }).fill('edge-gateway');
    await form.getByRole('combobox', { name: 'Key type', exact: true }).click();
    await page.getByRole('option', { name: 'Verifier key', exact: true }).click();
    expect(await form.innerText()).toContain('For your API or gateway: it may only ask Latchkey to verify keys.');
    await form.getByRole('button', { name: 'Create' }).click();

    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const verifierToken = await shown.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    const verifierId = await shown.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();

    // The list and the details show it as a verifier key; the server says so too.
    await expect.poll(() => keyRow(page, verifierId).innerText()).toMatch(/edge-gateway\s+API key\s+Verifier/i);
    const stored = (await h.request({ method: 'GET', url: `/v1/access-keys/${verifierId}`, as: tenant.admin })).body;
    expect(stored).toMatchObject({ name: 'edge-gateway', type: 'api', verifier: true });
    await keyAction(keyRow(page, verifierId), 'Key details');
    const pane = page.getByRole('dialog', { name: 'Key details: edge-gateway' });
    await expect.poll(() => pane.innerText()).toMatch(/Key type\s+API\s+Verifier/i);

    // It verifies a token of its tenant for an API or gateway...
    const customer = await h.createKey(tenant.admin, { name: 'customer-key' });
    const asVerifier = (token: string) => h.request({ method: 'POST', url: '/v1/verify', as: { kind: 'bearer', token: verifierToken }, body: { token } });
    const answer = await asVerifier(customer.token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ valid: true, accessKeyId: customer.accessKeyId });
    // ...and may do nothing else: it cannot manage keys.
    const manage = await h.request({ method: 'GET', url: '/v1/access-keys', as: { kind: 'bearer', token: verifierToken } });
    expect(manage.status).toBeGreaterThanOrEqual(400);
    expectCleanPage(h, page);

    // A member without latchkey:verify is told why, and no key is made.
    const member = await h.addUser(tenant.admin, { name: 'Val Member', email: `val@${tenant.slug}.example` });
    const memberPage = await h.newPage();
    await h.signIn(memberPage, { tenant: tenant.slug, email: member.email });
    await memberPage.getByRole('button', { name: 'New', exact: true }).click();
    const memberForm = memberPage.getByRole('dialog', { name: 'New access key' });
    await memberForm.getByRole('combobox', { name: 'Key type', exact: true }).click();
    await memberPage.getByRole('option', { name: 'Verifier key', exact: true }).click();
    await memberForm.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => memberForm.getByRole('alert').innerText()).toContain('not hold latchkey:verify');
    const held = (await h.request({ method: 'GET', url: `/v1/access-keys?userId=${member.id}`, as: tenant.admin })).body;
    expect(held.items).toEqual([]);
    expectCleanPage(h, memberPage);
  });
});
