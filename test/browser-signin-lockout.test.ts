/**
 * Signing in while someone elsewhere guesses your password (issue 10, item 1), in a real
 * browser: the guesses push the account past its threshold for unknown browsers, a browser the
 * owner never used is told to wait, and the owner's own browser, which signed in before, opens
 * the console at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_COOKIE } from '../src/http/authenticate.js';
import { expectCleanPage, openConsole, PASSWORD, type ConsoleHarness } from './support/browser.js';

/** Lowered from the default 100 so the test reaches it with few password checks. */
const ACCOUNT_FAILURES = 8;

describe('sign-in under a guessing attack, in the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string };
  let owner: { id: string; email: string };

  beforeAll(async () => {
    h = await openConsole({ env: { LATCHKEY_LOGIN_ACCOUNT_FAILURES: String(ACCOUNT_FAILURES) } });
    const made = await h.bootstrap();
    tenant = made;
    owner = await h.addUser(made.admin, { name: 'Olive Owner' });
  });
  afterAll(() => h?.close());

  it("guesses from many addresses hold new browsers back, never the owner's own browser", async () => {
    const ownersBrowser = await h.newPage();
    await h.signIn(ownersBrowser, { tenant: tenant.slug, email: owner.email });
    const device = (await ownersBrowser.context().cookies()).find((c) => c.name === DEVICE_COOKIE);
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(device!.expires * 1000 - h.clock.now().getTime()).toBeGreaterThan(364 * 86_400_000);
    // Signing out keeps the browser known.
    await ownersBrowser.getByRole('button', { name: /^User menu for / }).click();
    await ownersBrowser.getByRole('menuitem', { name: 'Sign out' }).click();
    await ownersBrowser.waitForURL(/\/sign-in/);
    expect((await ownersBrowser.context().cookies()).map((c) => c.name)).toContain(DEVICE_COOKIE);

    // An attacker tries one password from each of many addresses, and then one more.
    for (let i = 0; i <= ACCOUNT_FAILURES; i++) {
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: `203.0.113.${i + 1}`,
        body: { tenant: tenant.slug, email: owner.email, password: `guess number ${i}` },
      });
      expect(res.status).toBe(401);
    }

    // A browser that never signed in to the account is told to wait, right password or not.
    const newBrowser = await h.newPage();
    await newBrowser.goto('/sign-in');
    await newBrowser.getByRole('textbox', { name: 'Tenant' }).fill(tenant.slug);
    await newBrowser.getByRole('textbox', { name: 'Email' }).fill(owner.email);
    await newBrowser.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await newBrowser.getByRole('button', { name: 'Sign in' }).click();
    const alert = newBrowser.getByRole('alert');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.innerText()).toMatch(/Too many failed sign-in attempts\. Try again in \d+ s\./);
    expect(newBrowser.url()).toContain('/sign-in');

    // The owner's browser opens the console.
    await h.signIn(ownersBrowser, { tenant: tenant.slug, email: owner.email });
    await ownersBrowser.getByRole('button', { name: 'User menu for Olive Owner' }).waitFor();
    expectCleanPage(h, ownersBrowser);
  });
});
