/**
 * Issue 10, items 3c and 3d in the browser. Setting up an authenticator shows a QR code that
 * decodes (with jsQR, an independent reader) to the otpauth link, and 10 recovery codes; one
 * signs in instead of an app code, once; new ones take a current code. An admin removes a
 * member's authenticator from the user's page: the member signs in with the password alone.
 */
import jsQRModule from 'jsqr';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, openConsole, PASSWORD, totpCode, type ConsoleHarness } from './support/browser.js';

// jsqr is CommonJS with its function on `default`: Node's import gives the exports object, Vite's interop the function itself.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

const QR_ALT = 'QR code to scan with your authenticator app';

/** The QR image's pixels, read in the page through a canvas (the test project has no DOM types, hence the string). */
async function decodeQr(page: Page): Promise<string | null> {
  const pixels = (await page.evaluate(`(() => {
    const img = document.querySelector('img[alt="${QR_ALT}"]');
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    return { width: canvas.width, height: canvas.height, data: Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data) };
  })()`)) as { width: number; height: number; data: number[] };
  return jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height)?.data ?? null;
}

async function signInWithRecoveryCode(page: Page, who: { tenant: string; email: string }, code: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('textbox', { name: 'Tenant' }).fill(who.tenant);
  await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
  await page.getByRole('textbox', { name: 'Recovery code' }).fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('authenticator QR code, recovery codes and admin removal in the console', { timeout: 90_000 }, () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await openConsole();
  });
  afterAll(() => h?.close());

  it('shows a QR code of the otpauth link and 10 codes; a code signs in once; new codes retire the old', async () => {
    const tenant = await h.bootstrap();
    const member = await h.addUser(tenant.admin, { name: 'Quinn Qr', email: `quinn@${tenant.slug}.example` });
    const who = { tenant: tenant.slug, email: member.email };
    const page = await h.newPage();
    await h.signIn(page, who);
    await page.goto('/settings/security');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: QR_ALT }).waitFor();
    const otpauth = await page.getByRole('textbox', { name: 'otpauth link' }).inputValue();
    expect(await decodeQr(page)).toBe(otpauth);
    const secret = new URL(otpauth).searchParams.get('secret')!;
    expect((await page.getByRole('textbox', { name: 'Secret key' }).inputValue()).replace(/\s+/g, '')).toBe(secret);

    const list = page.getByRole('list', { name: 'Recovery codes' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(10);
    const codes = (await list.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    expect(await page.getByText('They are shown only now').count()).toBe(1);

    await page.getByRole('textbox', { name: 'Code from the app' }).fill(totpCode(secret, h.clock.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByText('Recovery codes left:').innerText()).toContain('10 of 10');
    // Shown once: the page no longer holds them.
    expect(await page.getByRole('list', { name: 'Recovery codes' }).count()).toBe(0);

    // Sign out; sign in with a recovery code instead of the app's code.
    await page.getByRole('button', { name: 'User menu for Quinn Qr' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await signInWithRecoveryCode(page, who, codes[0]!);
    await page.getByRole('button', { name: /^User menu for / }).waitFor();
    await page.goto('/settings/security');
    await expect.poll(() => page.getByText('Recovery codes left:').innerText()).toContain('9 of 10');

    // The same code again, in a fresh browser: refused.
    const other = await h.newPage();
    await signInWithRecoveryCode(other, who, codes[0]!);
    await expect.poll(() => other.getByRole('alert').innerText()).toContain('INVALID_CREDENTIALS');

    // New codes with a current app code (a fresh time step: each app code works once).
    h.clock.advance(30_000);
    await page.getByRole('textbox', { name: 'Current code for new recovery codes' }).fill(totpCode(secret, h.clock.now()));
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    // The new codes come with the server's answer: wait for them before reading.
    await expect.poll(() => page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
    const fresh = (await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allInnerTexts()).map((c) => c.trim());
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => codes.includes(c))).toBe(false);
    await page.getByRole('button', { name: 'I saved them' }).click();
    await expect.poll(() => page.getByText('Recovery codes left:').innerText()).toContain('10 of 10');
    const login = (recoveryCode: string) => h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: tenant.slug, email: member.email, password: PASSWORD, recoveryCode } });
    expect((await login(codes[1]!)).status).toBe(401);
    expect((await login(fresh[1]!)).status).toBe(200);
    expectCleanPage(h, page);
  });

  it("an admin removes a member's authenticator from the user's page; the member signs in with the password alone", async () => {
    const tenant = await h.bootstrap();
    const member = await h.addUser(tenant.admin, { name: 'Lena Lost', email: `lena@${tenant.slug}.example` });
    const session = await h.apiLogin(tenant.slug, member.email);
    const enrolment = (await h.request({ method: 'POST', url: '/v1/me/totp', as: session })).body;
    expect((await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: session, body: { code: totpCode(enrolment.secret, h.clock.now()) } })).status).toBe(204);

    const admin = await h.newPage();
    await h.signIn(admin, { tenant: tenant.slug, email: tenant.adminEmail });
    await admin.goto(`/access/users/${member.id}`);
    await admin.getByRole('button', { name: 'Reset authenticator app' }).click();
    await admin.getByRole('dialog', { name: 'Reset the authenticator app?' }).getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => admin.getByRole('button', { name: 'Reset authenticator app' }).count()).toBe(0);

    // The member's session ended; the password alone signs in; the old recovery codes are gone.
    expect((await h.request({ method: 'GET', url: '/v1/me', as: session })).status).toBe(401);
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    const again = await h.apiLogin(tenant.slug, member.email);
    expect((await h.request({ method: 'GET', url: '/v1/me/totp/recovery-codes', as: again })).body.remaining).toBe(0);
    const audit = await h.request({ method: 'GET', url: '/v1/audit-events?action=user.totp.reset', as: tenant.admin });
    expect(audit.body.items).toEqual([expect.objectContaining({ actorId: tenant.admin.userId, targetId: member.id, result: 'success' })]);
    expectCleanPage(h, admin);
    expectCleanPage(h, page);
  });
});
