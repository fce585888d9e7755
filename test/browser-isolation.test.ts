/**
 * Cross-user access is impossible from the console: a member sees only their own keys, a link
 * to someone else's key or to the admin pages shows a clear refusal (the API answers 404 or
 * 403), and another tenant's administrator cannot open this tenant's users or keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, keyRow, openConsole, type ConsoleHarness, type IssuedKey, type Session } from './support/browser.js';

describe('cross-user access from the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;
  let tenant: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let alice: { id: string; email: string };
  let bob: { id: string; email: string };
  let aliceKey: IssuedKey;
  let bobKey: IssuedKey;

  beforeAll(async () => {
    h = await openConsole();
    tenant = await h.bootstrap();
    alice = await h.addUser(tenant.admin, { name: 'Alice' });
    bob = await h.addUser(tenant.admin, { name: 'Bob' });
    aliceKey = await h.createKey(await h.apiLogin(tenant.slug, alice.email), { name: 'alice-key' });
    bobKey = await h.createKey(await h.apiLogin(tenant.slug, bob.email), { name: 'bob-key' });
  });
  afterAll(() => h?.close());

  it("a member sees only their own keys and cannot open another member's key or the admin pages", async () => {
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: bob.email });
    await page.goto('/settings/access-keys');
    await expect.poll(() => keyRow(page, bobKey.accessKeyId).count()).toBe(1);
    expect(await keyRow(page, aliceKey.accessKeyId).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users and keys' }).count()).toBe(0);

    // A link to Alice's key opens the pane with a refusal, and nothing of her key.
    await page.goto(`/settings/access-keys?key=${aliceKey.accessKeyId}`);
    const pane = page.getByRole('dialog', { name: 'Key details' });
    await expect.poll(() => pane.getByRole('alert').innerText()).toContain('No such access key.');
    expect(await pane.innerText()).not.toContain('alice-key');
    const bobSession = await h.apiLogin(tenant.slug, bob.email);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${aliceKey.accessKeyId}`, as: bobSession })).status).toBe(404);
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${aliceKey.accessKeyId}/disable`, as: bobSession })).status).toBe(404);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys?userId=${alice.id}`, as: bobSession })).status).toBe(404);

    // The admin pages say they are for administrators; the API refuses too.
    for (const path of ['/access/users-and-keys/access-keys', `/access/users/${alice.id}/api-keys`, '/policy', '/audit']) {
      await page.goto(path);
      await expect.poll(() => page.getByRole('heading', { name: 'Administrators only' }).count()).toBe(1);
      expect(await page.locator('main').innerText()).not.toContain('alice');
    }
    expect((await h.request({ method: 'GET', url: `/v1/users/${alice.id}`, as: bobSession })).status).toBe(403);
    expect(await h.verify(aliceKey.token)).toMatchObject({ valid: true });
    expectCleanPage(h, page);
  });

  it("another tenant's administrator cannot open this tenant's user or key", async () => {
    const other = await h.bootstrap();
    const page = await h.newPage();
    await h.signIn(page, { tenant: other.slug, email: other.adminEmail });
    await page.goto(`/access/users/${alice.id}`);
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('No such user.');
    await page.goto(`/access/users-and-keys/access-keys?key=${aliceKey.accessKeyId}`);
    const pane = page.getByRole('dialog', { name: 'Key details' });
    await expect.poll(() => pane.getByRole('alert').innerText()).toContain('No such access key.');
    expect(await keyRow(page, aliceKey.accessKeyId).count()).toBe(0);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${aliceKey.accessKeyId}`, as: other.admin })).status).toBe(404);
    expectCleanPage(h, page);
  });
});
