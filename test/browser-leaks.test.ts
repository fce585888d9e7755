/**
 * A key reported leaked shows it in the console: a red "Leaked" badge on its row, and in its
 * details where it was found and what the report did (issue 13 part 4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, keyRow, openConsole, type ConsoleHarness, type Session } from './support/browser.js';

describe('leaked keys in the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap();
  });
  afterAll(() => h?.close());

  const report = async (token: string) => {
    const reporter = await h.createKey(tenant.admin, { name: 'scanner', leakReporter: true });
    const res = await h.request({
      method: 'POST',
      url: '/v1/leaks',
      as: { kind: 'bearer', token: reporter.token },
      body: [{ token, type: 'latchkey_token', url: 'https://github.com/acme/app/blob/9f1/.env', source: 'content' }],
    });
    expect(res.body[0].label).toBe('true_positive');
  };

  it('badges a reported key and says in its details where the token was found and that the key was disabled', async () => {
    const key = await h.createKey(tenant.admin, { name: 'deploy bot' });
    await report(key.token);
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto('/access/users-and-keys/access-keys');
    await expect.poll(() => keyRow(page, key.accessKeyId).getByText('Leaked', { exact: true }).count()).toBe(1);
    await page.goto(`/access/users-and-keys/access-keys?key=${key.accessKeyId}`);
    const pane = page.getByRole('dialog', { name: 'Key details' });
    const alert = pane.getByRole('alert').filter({ hasText: "This key's token leaked" });
    await expect.poll(() => alert.count()).toBe(1);
    const text = await alert.innerText();
    expect(text).toContain('Reported found by a secret scanner at https://github.com/acme/app/blob/9f1/.env (content)');
    expect(text).toContain('The key was disabled.');
    expect(text).not.toContain(key.secret);
    expectCleanPage(h, page);
  });

  it('under policy flag, the key stays enabled and the details say it still works', async () => {
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: tenant.admin })).body;
    expect((await h.request({ method: 'PUT', url: '/v1/policy', as: tenant.admin, body: { ...policy, leakResponse: 'flag' } })).status).toBe(200);
    const key = await h.createKey(tenant.admin, { name: 'flagged bot' });
    await report(key.token);
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto(`/access/users-and-keys/access-keys?key=${key.accessKeyId}`);
    const pane = page.getByRole('dialog', { name: 'Key details' });
    const alert = pane.getByRole('alert').filter({ hasText: "This key's token leaked" });
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.innerText()).toContain('The key was only flagged (tenant policy): if it is enabled it still works.');
    expect(await h.verify(key.token)).toMatchObject({ valid: true });
    expectCleanPage(h, page);
  });
});
