/**
 * The console works with the keyboard alone: sign in, open Personal Settings from the avatar
 * menu, create a key and close its dialog, disable the key, and back out of a dialog with Escape.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, openConsole, PASSWORD, type ConsoleHarness } from './support/browser.js';

/** Presses `key` until `target` has the focus (at most `max` times). */
async function pressUntilFocused(page: Page, key: string, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`pressing ${key} ${max} times never reached ${target}`);
}

describe('keyboard only', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: string;
  let member: { id: string; email: string };

  beforeAll(async () => {
    h = await openConsole();
    const t = await h.bootstrap();
    tenant = t.slug;
    member = await h.addUser(t.admin, { name: 'Kim Keys' });
  });
  afterAll(() => h?.close());

  it('signs in, creates a key, disables it and backs out of a dialog without a mouse', async () => {
    const page = await h.newPage();
    await page.goto('/sign-in');
    await pressUntilFocused(page, 'Tab', page.getByRole('textbox', { name: 'Tenant' }));
    await page.keyboard.type(tenant);
    await pressUntilFocused(page, 'Tab', page.getByRole('textbox', { name: 'Email' }));
    await page.keyboard.type(member.email);
    await pressUntilFocused(page, 'Tab', page.getByRole('textbox', { name: 'Password', exact: true }));
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/settings\/access-keys$/);

    // The avatar menu, then Personal Settings.
    await pressUntilFocused(page, 'Tab', page.getByRole('button', { name: 'User menu for Kim Keys' }));
    await page.keyboard.press('Enter');
    await pressUntilFocused(page, 'ArrowDown', page.getByRole('menuitem', { name: 'Personal Settings' }), 10);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('menu').count()).toBe(0);

    // New → type a name → Enter creates.
    await pressUntilFocused(page, 'Tab', page.getByRole('button', { name: 'New', exact: true }));
    await page.keyboard.press('Enter');
    const form = page.getByRole('dialog', { name: 'New access key' });
    await pressUntilFocused(page, 'Tab', form.getByRole('textbox', { name: 'Name' }));
    await page.keyboard.type('typed-key');
    await page.keyboard.press('Enter');
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const token = await shown.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    expect(await h.verify(token)).toMatchObject({ valid: true });

    // Escape on the one-time dialog asks before the secret goes.
    await page.keyboard.press('Escape');
    const saved = page.getByRole('button', { name: 'I saved it, close' });
    await pressUntilFocused(page, 'Tab', saved);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // Disable: Tab to the row's ⋮, Enter, arrows to Disable, Enter, Tab to the dialog's Disable, Enter.
    const menu = page.getByRole('button', { name: /^Actions for typed-key/ });
    await pressUntilFocused(page, 'Tab', menu, 60);
    await page.keyboard.press('Enter');
    await pressUntilFocused(page, 'ArrowDown', page.getByRole('menuitem', { name: 'Disable', exact: true }));
    await page.keyboard.press('Enter');
    const disable = page.getByRole('dialog', { name: 'Disable access key?' });
    await pressUntilFocused(page, 'Tab', disable.getByRole('button', { name: 'Disable', exact: true }));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await h.verify(token)).code).toBe('KEY_DISABLED');

    // Escape closes a confirmation and changes nothing.
    await pressUntilFocused(page, 'Tab', menu, 60);
    await page.keyboard.press('Enter');
    await pressUntilFocused(page, 'ArrowDown', page.getByRole('menuitem', { name: 'Delete', exact: true }));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('dialog', { name: 'Delete access key?' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(await h.verify(token)).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expectCleanPage(h, page);
  });
});
