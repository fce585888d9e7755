/**
 * Usage controls in the key details pane (issue 11 item 6), against the real server: an
 * administrator sets a rate limit, an IP rule, credits with a daily refill, metadata and an
 * externalId in the pane, and verifications through /v1/verify (a verifier key, as a gateway
 * calls it) answer accordingly; bad input is refused at the field it concerns with nothing
 * saved, whether the form or the API finds it; a member sees the controls of their key without
 * a way to change them.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanPage, openConsole, PHONE, settled, type ConsoleHarness, type Session } from './support/browser.js';

const DAY_MS = 86_400_000;

describe('usage controls in the key details pane', { timeout: 120_000 }, () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await openConsole();
  });
  afterAll(() => h?.close());

  async function keyOf(as: Session, accessKeyId: string) {
    const res = await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as });
    expect(res.status).toBe(200);
    return res.body as { name: string; ratelimits: unknown; credits: unknown; ipAllowlist: unknown; meta: unknown; externalId: unknown };
  }

  const NOTHING_SET = { ratelimits: null, credits: null, ipAllowlist: null, meta: null, externalId: null };

  /** A field of the pane's form is marked invalid with a message the person can read. */
  async function expectMarked(field: Locator, message: RegExp) {
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const described = (await field.getAttribute('aria-describedby')) ?? '';
    const texts = await Promise.all(
      described
        .split(/\s+/)
        .filter((id) => id !== '')
        .map((id) => field.page().locator(`[id="${id}"]`).innerText()),
    );
    expect(texts.join(' ')).toMatch(message);
  }

  async function pick(page: Page, combobox: Locator, option: string) {
    await combobox.click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  it('an administrator sets limits, an IP rule, credits with refill, metadata and externalId, and verification follows them; bad input is refused at its field', async () => {
    const tenant = await h.bootstrap();
    const gateway = await h.createKey(tenant.admin, { name: 'gateway', verifier: true });
    const key = await h.createKey(tenant.admin, { name: 'metered' });
    const verify = async (sourceIp: string) => {
      const res = await h.request({ method: 'POST', url: '/v1/verify', as: { kind: 'bearer', token: gateway.token }, body: { token: key.token, context: { sourceIp } } });
      expect(res.status).toBe(200);
      return res.body as Record<string, unknown>;
    };

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto(`/settings/access-keys?key=${key.accessKeyId}&section=controls`);
    const pane = page.getByRole('dialog', { name: 'Key details: metered' });
    const form = pane.getByRole('form', { name: 'Usage controls' });
    await form.waitFor();
    const save = form.getByRole('button', { name: 'Save usage controls' });

    // A limit of 0: the form refuses it (the API's own bound), and nothing is sent.
    await form.getByRole('button', { name: 'Add rate limit' }).click();
    const limit = form.getByRole('textbox', { name: 'Limit of limit 1' });
    expect(await form.getByRole('textbox', { name: 'Name of limit 1' }).inputValue()).toBe('requests');
    await limit.fill('0');
    await save.click();
    await expectMarked(limit, /at least 1/);
    expect(await keyOf(tenant.admin, key.accessKeyId)).toMatchObject(NOTHING_SET);

    // Oversize metadata: refused by the form with its size.
    await limit.fill('2');
    const meta = form.getByRole('textbox', { name: 'Metadata (JSON object)' });
    await meta.fill(JSON.stringify({ notes: 'x'.repeat(4_200) }));
    await save.click();
    await expectMarked(meta, /bytes as JSON; at most 4096/);
    expect(await keyOf(tenant.admin, key.accessKeyId)).toMatchObject(NOTHING_SET);

    // Metadata holding a secret: the API refuses it (meta.password) and the form shows it there.
    await meta.fill('{"password": "hunter2"}');
    await save.click();
    await expectMarked(meta, /meta\.password looks like a secret/);
    expect(await keyOf(tenant.admin, key.accessKeyId)).toMatchObject(NOTHING_SET);

    // A malformed CIDR: the API refuses ipAllowlist.1; the allowlist is marked, naming the line, and
    // the valid limit sent with it is not saved either.
    await meta.fill('{"plan": "pro"}');
    const ips = form.getByRole('textbox', { name: 'IP allowlist' });
    await ips.fill('203.0.113.0/24\n10.0.0.300/8');
    await save.click();
    await expectMarked(ips, /"10\.0\.0\.300\/8" is not an IPv4 or IPv6 address or CIDR block/);
    expect(await keyOf(tenant.admin, key.accessKeyId)).toMatchObject(NOTHING_SET);

    // Now all of it, valid: 2 requests a minute, 203.0.113.0/24, 5 credits refilled to 5 daily,
    // {"plan":"pro"}, cust_42.
    await ips.fill('203.0.113.7/24');
    await form.getByRole('switch', { name: 'Limit usage with credits' }).check();
    await form.getByRole('textbox', { name: 'Credits remaining' }).fill('5');
    await pick(page, form.getByLabel('Refill', { exact: true }), 'Daily (00:00 UTC)');
    await form.getByRole('textbox', { name: 'Refill to' }).fill('5');
    await form.getByRole('textbox', { name: 'External ID' }).fill('cust_42');
    expect(await form.getByLabel('Window unit of limit 1', { exact: true }).inputValue()).toBe('minutes');
    await save.click();
    await expect.poll(async () => (await keyOf(tenant.admin, key.accessKeyId)).externalId).toBe('cust_42');
    expect(await keyOf(tenant.admin, key.accessKeyId)).toMatchObject({
      ratelimits: [{ name: 'requests', limit: 2, durationMs: 60_000 }],
      credits: { remaining: 5, refill: { interval: 'daily', amount: 5 } },
      ipAllowlist: ['203.0.113.0/24'],
      meta: { plan: 'pro' },
      externalId: 'cust_42',
    });
    // The form shows what was saved: the allowlist in its canonical form, no field marked.
    await expect.poll(() => ips.inputValue()).toBe('203.0.113.0/24');
    expect(await form.locator('[aria-invalid="true"]').count()).toBe(0);
    await settled(page);
    await h.screenshot(page, 'key-usage-controls');

    // Verification follows: metadata and identity returned, credits spent, the limit counted.
    expect(await verify('203.0.113.9')).toMatchObject({
      valid: true,
      externalId: 'cust_42',
      meta: { plan: 'pro' },
      ratelimits: [{ name: 'requests', limit: 2, remaining: 1 }],
      credits: { remaining: 4 },
    });
    expect(await verify('203.0.113.10')).toMatchObject({ valid: true, credits: { remaining: 3 } });
    expect(await verify('203.0.113.11')).toMatchObject({ valid: false, code: 'RATE_LIMITED', ratelimits: [{ name: 'requests', remaining: 0 }] });
    // Another address: outside the allowlist, whatever the limit.
    expect(await verify('198.51.100.1')).toMatchObject({ valid: false, code: 'IP_NOT_ALLOWED' });

    // "Add credits" with -3 takes the 3 left away; later the limit lets the request
    // through (two windows later: the sliding window weighs the previous one), and the credits refuse it.
    const credits = pane.getByRole('form', { name: 'Add credits' });
    await credits.getByRole('textbox', { name: 'Credits to add' }).fill('-3');
    await credits.getByRole('button', { name: 'Add credits' }).click();
    await expect.poll(async () => (await keyOf(tenant.admin, key.accessKeyId)).credits).toMatchObject({ remaining: 0 });
    await expect.poll(() => form.getByRole('textbox', { name: 'Credits remaining' }).inputValue()).toBe('0');
    h.clock.advance(120_000);
    expect(await verify('203.0.113.9')).toMatchObject({ valid: false, code: 'USAGE_EXCEEDED' });

    // A day later the daily refill has put the credits back to 5.
    h.clock.advance(DAY_MS);
    expect(await verify('203.0.113.9')).toMatchObject({ valid: true, credits: { remaining: 4 } });

    // Clearing: credits off, no limits, no allowlist, no metadata, no externalId.
    await page.reload();
    await form.waitFor();
    await form.getByRole('button', { name: 'Remove limit 1' }).click();
    await form.getByRole('switch', { name: 'Limit usage with credits' }).uncheck();
    await ips.fill('');
    await meta.fill('');
    await form.getByRole('textbox', { name: 'External ID' }).fill('');
    await save.click();
    await expect.poll(async () => keyOf(tenant.admin, key.accessKeyId)).toMatchObject(NOTHING_SET);
    const answer = await verify('198.51.100.1');
    expect(answer.valid).toBe(true);
    expect(Object.keys(answer)).not.toEqual(expect.arrayContaining(['ratelimits']));
    expect(answer).not.toHaveProperty('credits');
    expect(answer).not.toHaveProperty('meta');

    // "None at all" is not "the tenant's default": with the boxes ticked the key keeps [] for both.
    await form.getByRole('checkbox', { name: "No rate limits at all, not even the tenant's default for this key type" }).check();
    await form.getByRole('checkbox', { name: 'Any address, even if the tenant has a default allowlist' }).check();
    await save.click();
    await expect.poll(async () => keyOf(tenant.admin, key.accessKeyId)).toMatchObject({ ratelimits: [], ipAllowlist: [] });
    // Saved: the pane shows the boxes ticked, from the key.
    await expect.poll(() => form.getByRole('checkbox', { name: 'Any address, even if the tenant has a default allowlist' }).isChecked()).toBe(true);
    expectCleanPage(h, page);

    // On a phone the pane takes the screen and a row of a limit fits in it: the page never scrolls sideways.
    const phone = await h.newPage({ viewport: PHONE });
    await h.signIn(phone, { tenant: tenant.slug, email: tenant.adminEmail });
    await phone.goto(`/settings/access-keys?key=${key.accessKeyId}&section=controls`);
    const phoneForm = phone.getByRole('form', { name: 'Usage controls' });
    await phoneForm.getByRole('button', { name: 'Add rate limit' }).click();
    await phoneForm.getByRole('textbox', { name: 'Limit of limit 1' }).waitFor();
    expect(await phone.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await h.screenshot(phone, 'phone-key-usage-controls');
    expectCleanPage(h, phone);
  });

  it('an administrator sets usage controls in the new-key dialog: a refused field is marked with no key created, and the key is metered from its first verification', async () => {
    const tenant = await h.bootstrap();
    const gateway = await h.createKey(tenant.admin, { name: 'gateway', verifier: true });
    const keyCount = async () => ((await h.request({ method: 'GET', url: '/v1/access-keys', as: tenant.admin })).body.items as unknown[]).length;
    const before = await keyCount();

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto('/settings/access-keys');
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New access key' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('metered-from-birth');
    // The section starts closed, saying what leaving it means.
    const toggle = dialog.getByRole('button', { name: 'Usage controls' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await dialog.innerText()).toContain("Optional: without them the key has the tenant's defaults.");
    await toggle.click();
    const controls = dialog.getByRole('group', { name: 'Usage controls of the new key' });
    await controls.getByRole('button', { name: 'Add rate limit' }).click();
    await controls.getByRole('textbox', { name: 'Limit of limit 1' }).fill('1');
    await controls.getByRole('switch', { name: 'Limit usage with credits' }).check();
    await controls.getByRole('textbox', { name: 'Credits remaining' }).fill('10');
    const ips = controls.getByRole('textbox', { name: 'IP allowlist' });
    await ips.fill('192.0.2.0/24\n2001:db8::/129');
    await controls.getByRole('textbox', { name: 'Metadata (JSON object)' }).fill('{"plan": "free"}');
    await controls.getByRole('textbox', { name: 'External ID' }).fill('cust_new');
    expect(await dialog.innerText()).toContain('5 set');

    // The API refuses the second block (ipAllowlist.1): marked at the allowlist, naming it; no key made.
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expectMarked(ips, /"2001:db8::\/129" is not an IPv4 or IPv6 address or CIDR block/);
    expect(await dialog.getByRole('alert').filter({ hasText: 'The key was not created' }).count()).toBe(1);
    expect(await keyCount()).toBe(before);

    // Metadata that is not an object: the form refuses it before sending.
    await ips.fill('192.0.2.0/24\n2001:db8::/32');
    const meta = controls.getByRole('textbox', { name: 'Metadata (JSON object)' });
    await meta.fill('["free"]');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expectMarked(meta, /must be a JSON object/);
    expect(await keyCount()).toBe(before);

    await meta.fill('{"plan": "free"}');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const token = await shown.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    expect(await keyCount()).toBe(before + 1);
    const items = (await h.request({ method: 'GET', url: '/v1/access-keys?externalId=cust_new', as: tenant.admin })).body.items as Record<string, unknown>[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: 'metered-from-birth',
      ratelimits: [{ name: 'requests', limit: 1, durationMs: 60_000 }],
      credits: { remaining: 10, refill: null },
      ipAllowlist: ['192.0.2.0/24', '2001:db8::/32'],
      meta: { plan: 'free' },
      externalId: 'cust_new',
    });

    // Its first verification is already metered; the second is over the limit; another address is refused.
    const verify = async (sourceIp: string) => {
      const res = await h.request({ method: 'POST', url: '/v1/verify', as: { kind: 'bearer', token: gateway.token }, body: { token, context: { sourceIp } } });
      expect(res.status).toBe(200);
      return res.body as Record<string, unknown>;
    };
    expect(await verify('192.0.2.5')).toMatchObject({ valid: true, externalId: 'cust_new', meta: { plan: 'free' }, credits: { remaining: 9 }, ratelimits: [{ name: 'requests', remaining: 0 }] });
    expect(await verify('192.0.2.5')).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect(await verify('2001:db9::1')).toMatchObject({ valid: false, code: 'IP_NOT_ALLOWED' });
    expectCleanPage(h, page);

    // A verifier key only asks about other keys: the section is not offered for it.
    await page.reload();
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await dialog.getByRole('button', { name: 'Usage controls' }).waitFor();
    await pick(page, dialog.getByLabel('Key type', { exact: true }), 'Verifier key');
    await expect.poll(() => dialog.getByRole('button', { name: 'Usage controls' }).count()).toBe(0);
  });

  it('a member creating a key is not offered usage controls (only administrators set them)', async () => {
    const tenant = await h.bootstrap();
    const member = await h.addUser(tenant.admin, { role: 'member', programmaticAccess: true, name: 'Max Member' });
    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    await page.goto('/settings/access-keys');
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New access key' });
    await dialog.getByRole('textbox', { name: 'Name' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Usage controls' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('dialog', { name: 'Access key created' }).waitFor();
    expectCleanPage(h, page);
  });

  it("a member sees their key's usage controls read-only", async () => {
    const tenant = await h.bootstrap();
    const member = await h.addUser(tenant.admin, { role: 'member', programmaticAccess: true, name: 'Mia Member' });
    const memberSession = await h.apiLogin(tenant.slug, member.email);
    const key = await h.createKey(memberSession, { name: 'mine' });
    const set = await h.request({
      method: 'PATCH',
      url: `/v1/access-keys/${key.accessKeyId}`,
      as: tenant.admin,
      body: {
        ratelimits: [{ name: 'per-second', limit: 10, durationMs: 1_000 }],
        credits: { remaining: 500, refill: { interval: 'monthly', amount: 1_000, refillDay: 15 } },
        ipAllowlist: ['2001:db8::/32'],
        meta: { plan: 'starter' },
        externalId: 'cust_7',
      },
    });
    expect(set.status).toBe(200);
    // The API refuses the member a change of them.
    const refused = await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: memberSession, body: { meta: { plan: 'pro' } } });
    expect(refused.status).toBe(403);

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: member.email });
    await page.goto(`/settings/access-keys?key=${key.accessKeyId}&section=controls`);
    const section = page.getByRole('dialog', { name: 'Key details: mine' }).getByRole('region', { name: 'Usage controls' });
    await section.getByRole('group', { name: 'Usage controls' }).waitFor();
    const text = await section.innerText();
    expect(text).toContain("Set by the tenant's administrators.");
    expect(await section.getByRole('table', { name: 'Rate limits' }).locator('tbody tr').allInnerTexts()).toEqual(['per-second\t10\t1 second']);
    expect(text).toContain('500 remaining, refilled to 1000 monthly on day 15 at 00:00 UTC');
    expect(await section.getByRole('list', { name: 'Allowed addresses' }).innerText()).toBe('2001:db8::/32');
    expect(text).toContain('"plan": "starter"');
    expect(text).toContain('cust_7');
    // Nothing to change: no field, no button.
    expect(await section.getByRole('textbox').count()).toBe(0);
    expect(await section.getByRole('button').count()).toBe(0);
    expect(await section.getByRole('switch').count()).toBe(0);
    expectCleanPage(h, page);
  });

  it('an administrator creates, edits, adds credits to and deletes an identity on the Identities page, and its keys share it', async () => {
    const tenant = await h.bootstrap();
    const gateway = await h.createKey(tenant.admin, { name: 'gateway', verifier: true });
    const first = await h.createKey(tenant.admin, { name: 'first', externalId: 'cust_9' });
    const second = await h.createKey(tenant.admin, { name: 'second', externalId: 'cust_9' });
    const verify = async (token: string) => {
      const res = await h.request({ method: 'POST', url: '/v1/verify', as: { kind: 'bearer', token: gateway.token }, body: { token } });
      expect(res.status).toBe(200);
      return res.body as Record<string, unknown>;
    };
    const identity = async () => h.request({ method: 'GET', url: '/v1/identities/cust_9', as: tenant.admin });

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Identities' }).click();
    await page.waitForURL(/\/access\/identities$/);
    await expect.poll(() => page.getByText('No identities yet.').count()).toBe(1);

    // A bad external ID is refused by the form.
    const create = page.getByRole('form', { name: 'New identity' });
    await create.getByRole('textbox', { name: 'External ID' }).fill('cust 9');
    await create.getByRole('button', { name: 'New identity' }).click();
    await expectMarked(create.getByRole('textbox', { name: 'External ID' }), /letters, digits/);

    // cust_9: 2 requests an hour shared by its keys, 3 credits, metadata.
    await create.getByRole('textbox', { name: 'External ID' }).fill('cust_9');
    await create.getByRole('button', { name: 'New identity' }).click();
    const drawer = page.getByRole('dialog', { name: 'Identity: cust_9' });
    const form = drawer.getByRole('form', { name: 'Identity controls' });
    await form.getByRole('button', { name: 'Add rate limit' }).click();
    await form.getByRole('textbox', { name: 'Limit of limit 1' }).fill('2');
    await pick(page, form.getByLabel('Window unit of limit 1', { exact: true }), 'hours');
    await form.getByRole('switch', { name: 'Limit usage with credits' }).check();
    await form.getByRole('textbox', { name: 'Credits remaining' }).fill('3');
    // Metadata holding a secret: the API refuses it at meta.apiKey, and nothing is created.
    await form.getByRole('textbox', { name: 'Metadata (JSON object)' }).fill('{"apiKey": "abc"}');
    await form.getByRole('button', { name: 'Create identity' }).click();
    await expectMarked(form.getByRole('textbox', { name: 'Metadata (JSON object)' }), /meta\.apiKey looks like a secret/);
    expect((await identity()).status).toBe(404);
    await form.getByRole('textbox', { name: 'Metadata (JSON object)' }).fill('{"tier": "gold"}');
    await form.getByRole('button', { name: 'Create identity' }).click();
    await expect.poll(async () => (await identity()).status).toBe(200);
    expect((await identity()).body).toMatchObject({
      externalId: 'cust_9',
      ratelimits: [{ name: 'requests', limit: 2, durationMs: 3_600_000 }],
      credits: { remaining: 3 },
      meta: { tier: 'gold' },
    });
    await settled(page);
    await h.screenshot(page, 'identity');

    // Both keys spend from the identity: the third request between them is over its limit.
    expect(await verify(first.token)).toMatchObject({ valid: true, externalId: 'cust_9', credits: { remaining: 2 } });
    expect(await verify(second.token)).toMatchObject({ valid: true, credits: { remaining: 1 } });
    expect(await verify(first.token)).toMatchObject({ valid: false, code: 'RATE_LIMITED' });

    // Two hours on, one credit is left; "Add credits" -1 takes it: the keys are out of credits.
    h.clock.advance(2 * 3_600_000);
    const add = drawer.getByRole('form', { name: 'Add credits' });
    await add.getByRole('textbox', { name: 'Credits to add' }).fill('-1');
    await add.getByRole('button', { name: 'Add credits' }).click();
    await expect.poll(async () => (await identity()).body.credits?.remaining).toBe(0);
    expect(await verify(second.token)).toMatchObject({ valid: false, code: 'USAGE_EXCEEDED' });

    // The list shows it; deleting it frees its keys of its limits and credits.
    await drawer.getByRole('button', { name: 'Close the identity' }).click();
    const table = page.getByRole('table', { name: 'Identities' });
    await expect.poll(() => table.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^cust_9[\s\S]*requests: 2 per 1 hour\t0 left\t/)]);
    await table.getByRole('button', { name: 'View cust_9' }).click();
    await drawer.getByRole('button', { name: 'Delete identity' }).click();
    await page.getByRole('dialog', { name: 'Delete identity cust_9?' }).getByRole('button', { name: 'Delete identity' }).click();
    await expect.poll(async () => (await identity()).status).toBe(404);
    await expect.poll(() => page.getByText('No identities yet.').count()).toBe(1);
    await expect.poll(async () => (await verify(second.token)).valid).toBe(true);
    expectCleanPage(h, page);
  });

  it('searches identities by external ID with the search kept in the URL, and "New identity" with the ID of one not shown opens it with its settings', async () => {
    const tenant = await h.bootstrap();
    const put = (id: string, body: unknown) => h.request({ method: 'PUT', url: `/v1/identities/${id}`, as: tenant.admin, body });
    expect((await put('alpha-co', { meta: { tier: 'gold' }, credits: { remaining: 7 } })).status).toBe(201);
    expect((await put('beta-co', {})).status).toBe(201);
    expect((await put('gamma_co', {})).status).toBe(201);

    const page = await h.newPage();
    await h.signIn(page, { tenant: tenant.slug, email: tenant.adminEmail });
    await page.goto('/access/identities');
    const table = page.getByRole('table', { name: 'Identities' });
    const shown = async () => (await table.locator('tbody tr td:first-child').allInnerTexts()).map((t) => t.split('\n')[0]!.trim()).sort();
    await expect.poll(shown).toEqual(['alpha-co', 'beta-co', 'gamma_co']);

    const search = page.getByRole('textbox', { name: 'Search identities' });
    await search.fill('BETA');
    await expect.poll(shown).toEqual(['beta-co']);
    await expect.poll(() => page.url()).toMatch(/[?&]q=BETA(&|$)/);
    await page.reload();
    await expect.poll(shown).toEqual(['beta-co']);
    expect(await page.getByRole('textbox', { name: 'Search identities' }).inputValue()).toBe('BETA');
    await page.getByRole('textbox', { name: 'Search identities' }).fill('zzz');
    await expect.poll(() => page.getByText('No identity matches “zzz”.').count()).toBe(1);

    // alpha-co is on no list shown: "New identity" reads it, so saving cannot wipe its settings.
    const create = page.getByRole('form', { name: 'New identity' });
    await create.getByRole('textbox', { name: 'External ID' }).fill('alpha-co');
    await create.getByRole('button', { name: 'New identity' }).click();
    const form = page.getByRole('dialog', { name: 'Identity: alpha-co' }).getByRole('form', { name: 'Identity controls' });
    await form.getByRole('button', { name: 'Save identity' }).waitFor();
    expect(await form.getByRole('textbox', { name: 'Credits remaining' }).inputValue()).toBe('7');
    expect(JSON.parse(await form.getByRole('textbox', { name: 'Metadata (JSON object)' }).inputValue())).toEqual({ tier: 'gold' });
    expectCleanPage(h, page);
  });
});
