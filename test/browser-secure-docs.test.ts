/**
 * Issue 10 item 9 in a real browser: with LATCHKEY_COOKIE_SECURE=true the console keeps working
 * on its __Host- session cookie (sign in, a write with its CSRF token, sign out), and /docs
 * (Swagger UI) renders under its own CSP without a single refusal. Chromium treats
 * http://127.0.0.1 as a secure origin, so it takes Secure and __Host- cookies there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, openConsole, type ConsoleHarness } from './support/browser.js';

describe('secure cookies and the docs page in Chromium', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: Awaited<ReturnType<ConsoleHarness['bootstrap']>>;
  beforeAll(async () => {
    h = await openConsole({ env: { LATCHKEY_COOKIE_SECURE: 'true' } });
    tenant = await h.bootstrap();
  });
  afterAll(() => h?.close());

  it('signs in, creates a key and signs out on a __Host- session cookie (the known-device cookie is __Host- too and stays)', async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name).sort()).toEqual(['__Host-latchkey_device', '__Host-latchkey_session']);
    for (const cookie of cookies) expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });

    await page.goto('/settings/access-keys');
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const form = page.getByRole('dialog', { name: 'New access key' });
    await form.getByRole('textbox', { name: 'Name' }).fill('behind-https');
    await form.getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const token = await shown.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    expect(await h.verify(token)).toMatchObject({ valid: true });

    await page.goto('/');
    await page.getByRole('button', { name: /^User menu for / }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect((await page.context().cookies()).map((c) => c.name)).toEqual(['__Host-latchkey_device']);
    expectCleanPage(h, page);
  });

  it('renders Swagger UI at /docs under its CSP, with no refusal in the console', async () => {
    const page = await h.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto('/docs');
    expect(response!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect.poll(() => page.locator('.swagger-ui .info .title').innerText()).toContain('Latchkey API');
    await expect.poll(() => page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(20);
    // An operation opens, which runs Swagger UI's own code further (and its styles apply: the block has a height).
    const first = page.locator('.swagger-ui .opblock-summary').first();
    await first.click();
    await page.locator('.swagger-ui .opblock.is-open').first().waitFor();
    expect((await page.locator('.swagger-ui .opblock.is-open').first().boundingBox())!.height).toBeGreaterThan(100);
    expect(violations).toEqual([]);
    expectCleanPage(h, page);
  });
});
