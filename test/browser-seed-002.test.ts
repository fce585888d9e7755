/**
 * Seed 002 (AccessKey Management):
 * - a login account needs "Programmatic Access" granted by an administrator before it can hold
 *   keys, and may hold up to 5 (this tenant's policy, set on the Policy page);
 * - "click [Create AccessKey] to authenticate your account by verifying your email address",
 *   and [Show] gives the secret once the email verification succeeded, "refreshed every 20
 *   minutes" — which is also seed 000's Show / Hide in the Access Key Secret column.
 * The codes arrive at a real SMTP server.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, keyRow, openConsole, openMailbox, type ConsoleHarness, type Mailbox, type Session } from './support/browser.js';

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

describe('seed 002: programmatic access, up to 5 keys, email verification before create and show', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let member: { id: string; email: string };
  let mailbox: Mailbox;

  beforeAll(async () => {
    mailbox = await openMailbox();
    h = await openConsole({ env: { LATCHKEY_SMTP_URL: mailbox.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>' } });
    tenant = await h.bootstrap();
    member = await h.addUser(tenant.admin, { name: 'Pat Portal', email: `pat@${tenant.slug}.example`, programmaticAccess: false });
  });
  afterAll(async () => {
    await h?.close();
    await mailbox?.close();
  });

  it('the member cannot create a key until the administrator grants programmatic access; then up to 5', async () => {
    const memberPage = await h.newPage();
    await h.signIn(memberPage, { tenant: tenant.slug, email: member.email });
    await memberPage.goto('/settings/access-keys');
    const newButton = memberPage.getByRole('button', { name: 'New', exact: true });
    await expect.poll(() => newButton.isDisabled()).toBe(true);
    expect(await memberPage.getByRole('note').innerText()).toContain('You do not have programmatic access');
    expect(await newButton.getAttribute('aria-describedby')).toBe('new-key-reason');
    const refused = await h.request({ method: 'POST', url: '/v1/access-keys', as: await h.apiLogin(tenant.slug, member.email), body: {} });
    expect(refused.body.error.code).toBe('PROGRAMMATIC_ACCESS_REQUIRED');

    // The administrator grants it from the Users tab…
    const adminPage = await h.newPage();
    await h.signIn(adminPage, { tenant: tenant.slug, email: tenant.adminEmail });
    await adminPage.getByRole('link', { name: 'Users and keys' }).click();
    const grant = adminPage.getByRole('switch', { name: `Programmatic access for ${member.email}: off` });
    await grant.click();
    await expect.poll(async () => (await h.request({ method: 'GET', url: `/v1/users/${member.id}`, as: tenant.admin })).body.programmaticAccess).toBe(true);

    // …and allows 5 keys per member on the Policy page.
    await adminPage.getByRole('link', { name: 'Policy' }).click();
    const limit = adminPage.getByRole('textbox', { name: 'Keys a member may hold' });
    await limit.fill('5');
    await adminPage.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(async () => (await h.request({ method: 'GET', url: '/v1/policy', as: tenant.admin })).body.memberKeyLimit).toBe(5);

    // The member's page now offers New, with the quota.
    await memberPage.reload();
    await expect.poll(() => newButton.isDisabled()).toBe(false);
    expect(await memberPage.getByText('0 of 5 keys').count()).toBe(1);
    for (let i = 1; i <= 5; i++) {
      await newButton.click();
      await memberPage.getByRole('dialog', { name: 'New access key' }).getByRole('button', { name: 'Create' }).click();
      await memberPage.getByRole('dialog', { name: 'Access key created' }).getByRole('button', { name: 'Done' }).click();
      await memberPage.getByRole('button', { name: 'I saved it, close' }).click();
      await expect.poll(() => memberPage.getByText(`${i} of 5 keys`).count()).toBe(1);
    }
    await expect.poll(() => newButton.isDisabled()).toBe(true);
    expect(await memberPage.getByRole('note').innerText()).toContain('You hold 5 of the 5 access keys');
    expectCleanPage(h, memberPage);
    expectCleanPage(h, adminPage);
  });

  async function setPolicy(page: Page, stepUp: string, reveal: string) {
    await page.goto('/policy');
    await page.getByRole('combobox', { name: 'Step-up verification for create, reveal, regenerate and re-enable' }).click();
    await page.getByRole('option', { name: stepUp }).click();
    await page.getByRole('combobox', { name: 'A secret can be shown again later' }).click();
    await page.getByRole('option', { name: reveal }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.getByText('The policy is saved.').count()).toBe(1);
  }

  it('an email code before creating a key and before Show; one verification lasts 20 minutes', async () => {
    const adminPage = await h.newPage();
    await h.signIn(adminPage, { tenant: tenant.slug, email: tenant.adminEmail });
    await setPolicy(adminPage, 'Email code (needs SMTP on the server)', 'After step-up verification');
    expect((await h.request({ method: 'GET', url: '/v1/policy', as: tenant.admin })).body).toMatchObject({ stepUp: 'email', secretReveal: 'after-step-up', stepUpMinutes: 20 });

    const member = await h.addUser(tenant.admin, { name: 'Eve Email', email: `eve@${tenant.slug}.example` });
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    await page.goto('/settings/access-keys');

    // Create AccessKey → verify the email address first.
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByRole('dialog', { name: 'New access key' }).getByRole('button', { name: 'Create' }).click();
    const verify = page.getByRole('dialog', { name: "Verify it's you" });
    await expect.poll(() => verify.innerText()).toContain('We sent a 6-digit code to');
    expect(await verify.innerText()).toContain('To create an access key');
    const mail = await mailbox.next(member.email);
    const code = codeIn(mail.text ?? '')!;
    expect(code).toMatch(/^\d{6}$/);
    // A wrong code is refused with the server's message; nothing is created.
    await verify.getByRole('textbox', { name: 'Verification code' }).fill(code === '000000' ? '111111' : '000000');
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => verify.getByRole('alert', { name: 'Not verified' }).count()).toBe(1);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys?userId=${member.id}`, as: tenant.admin })).body.items).toEqual([]);
    await verify.getByRole('textbox', { name: 'Verification code' }).fill(code);
    await verify.getByRole('button', { name: 'Verify' }).click();

    // After verification the key is created at once (the request is retried).
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const accessKeyId = await shown.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    const secret = await shown.getByRole('textbox', { name: 'Access Key Secret', exact: true }).inputValue();
    expect(mailbox.received.map((m) => `${m.subject} ${m.text} ${m.html || ''}`).join('\n')).not.toContain(secret);
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();

    // Show (seed 000): within the 20 minutes, no new code; Hide masks it again.
    const mailsTo = () => mailbox.received.filter((m) => JSON.stringify(m.to).includes(member.email)).length;
    expect(mailsTo()).toBe(1);
    const row = keyRow(page, accessKeyId);
    await row.getByRole('button', { name: `Show the secret of ${accessKeyId}` }).click();
    await expect.poll(() => row.getByTestId('secret-value').innerText()).toBe(secret);
    expect(await verify.count()).toBe(0);
    expect(mailsTo()).toBe(1);
    await row.getByRole('button', { name: `Hide the secret of ${accessKeyId}` }).click();
    // The click returns before React has drawn the masked value: wait for it.
    await expect.poll(() => row.getByTestId('secret-value').innerText()).not.toContain(secret);
    const audit = await h.request({ method: 'GET', url: `/v1/audit-events?action=access_key.reveal`, as: tenant.admin });
    expect(audit.body.items.map((e: { targetId: string }) => e.targetId)).toContain(accessKeyId);
    expect(JSON.stringify(audit.body)).not.toContain(secret);

    // 21 minutes later the verification has lapsed: Show asks for a new code.
    h.clock.advance(21 * 60_000);
    await row.getByRole('button', { name: `Show the secret of ${accessKeyId}` }).click();
    await expect.poll(() => verify.count()).toBe(1);
    const second = codeIn((await mailbox.next(member.email, 1)).text ?? '')!;
    await verify.getByRole('textbox', { name: 'Verification code' }).fill(second);
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => row.getByTestId('secret-value').innerText()).toBe(secret);
    expectCleanPage(h, page);
    expectCleanPage(h, adminPage);
  });
});
