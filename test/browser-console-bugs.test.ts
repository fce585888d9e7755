/**
 * Issue 12's bugs, each as a person meets it in Chromium at 1280 px and (where it is about
 * layout) 390 px: the policy form's numbers and its step-up combination, underscores in the copy
 * fields, the state badge, a revealed secret, focus after the authenticator prompt and after
 * dialogs, the empty state after deleting every key, a long key name, stale errors, keys of an
 * owner who may not use them, and the smaller ones (unsaved policy, /sign-in when signed in, a
 * member's page after a grant, the bell on an expiry change, the copy button's name).
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP, expectCleanPage, keyRow, openConsole, openMailbox, PASSWORD, PHONE, settled, totpCode, type ConsoleHarness, type Mailbox, type Session, keyAction } from './support/browser.js';

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

type Box = { x: number; y: number; width: number; height: number };
async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`${locator} is not on screen`);
  return b;
}

/** True when the element shows all of its text (nothing cut off with an ellipsis or overflow). */
function fitsItsText(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el.scrollWidth <= el.clientWidth);
}

/** Which element has the focus, described by its role-ish name (tag, aria-label, text). */
function focused(page: Page): Promise<string> {
  // Runs in the page; the test project has no DOM types, hence the string.
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.tagName.toLowerCase() + ':' + (el.getAttribute('aria-label') ?? (el.textContent ?? '').trim());
  })()`) as Promise<string>;
}

/** Dark pixels (the text's ink) in a PNG screenshot, decoded by the page's own image decoder. */
async function inkPixels(page: Page, png: Buffer): Promise<number> {
  const data = `data:image/png;base64,${png.toString('base64')}`;
  // Runs in the page; the test project has no DOM types, hence the string.
  return page.evaluate(`(async () => {
    const img = new Image();
    img.src = ${JSON.stringify(data)};
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const pixels = ctx.getImageData(0, 0, img.width, img.height).data;
    let ink = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 3 * 140) ink++;
    return ink;
  })()`) as Promise<number>;
}

describe('issue 12: console bugs', { timeout: 90_000 }, () => {
  let h: ConsoleHarness;
  let mailbox: Mailbox;
  let t: { tenantId: string; slug: string; adminEmail: string; admin: Session };
  let policy: Record<string, unknown>;

  beforeAll(async () => {
    mailbox = await openMailbox();
    h = await openConsole({ env: { LATCHKEY_SMTP_URL: mailbox.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>' } });
    t = await h.bootstrap();
    policy = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
  });
  afterAll(async () => {
    await h?.close();
    await mailbox?.close();
  });

  const setPolicy = async (fields: Record<string, unknown>) => {
    const put = await h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...policy, ...fields } });
    expect(put.status).toBe(200);
  };
  // Each test starts from the tenant's first policy, whatever the one before left.
  beforeEach(() => setPolicy({}));
  const savedPolicy = async () => (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
  const adminPage = async (viewport = DESKTOP) => {
    const page = await h.newPage({ viewport });
    await h.signIn(page, { tenant: t.slug, email: t.adminEmail });
    return page;
  };
  let people = 0;
  const newMember = async (fields: { programmaticAccess?: boolean } = {}) => {
    const email = `person${++people}@${t.slug}.example`;
    const user = await h.addUser(t.admin, { name: `Person ${people}`, email, programmaticAccess: fields.programmaticAccess ?? true });
    return { ...user, session: await h.apiLogin(t.slug, email) };
  };
  const memberPage = async (email: string, viewport = DESKTOP) => {
    const page = await h.newPage({ viewport });
    await h.signIn(page, { tenant: t.slug, email });
    await page.goto('/settings/access-keys');
    await settled(page);
    return page;
  };

  it('1: the policy form refuses 0, -1 and 2.5 with the API limits, and shows the API refusal', async () => {
    const rules = (await h.request({ method: 'GET', url: '/v1/policy/rules', as: t.admin })).body.rules as { name: string; minimum?: number; maximum?: number }[];
    const memberLimit = rules.find((r) => r.name === 'memberKeyLimit')!;
    const stepUpMinutes = rules.find((r) => r.name === 'stepUpMinutes')!;
    const page = await adminPage();
    await page.goto('/policy');
    const save = page.getByRole('button', { name: 'Save policy' });
    const limit = page.getByRole('textbox', { name: 'Keys a member may hold' });
    for (const typed of ['0', '-1', '2.5']) {
      await limit.fill(typed);
      await limit.press('Tab');
      // What was typed stays, with the reason next to it, in the API's own bounds.
      expect(await limit.inputValue()).toBe(typed);
      await expect.poll(() => page.getByText(`Enter a whole number from ${memberLimit.minimum} to ${memberLimit.maximum}.`).count()).toBe(1);
      expect(await limit.getAttribute('aria-invalid')).toBe('true');
      expect(await save.isDisabled()).toBe(true);
    }
    await limit.fill('3');
    await limit.press('Tab');
    const minutes = page.getByRole('textbox', { name: 'One verification lasts (minutes)' });
    await minutes.fill('0');
    await minutes.press('Tab');
    expect(await minutes.inputValue()).toBe('0');
    await expect.poll(() => page.getByText(`Enter a whole number from ${stepUpMinutes.minimum} to ${stepUpMinutes.maximum}.`).count()).toBe(1);
    expect(await save.isDisabled()).toBe(true);
    expect(await savedPolicy()).toMatchObject({ memberKeyLimit: policy.memberKeyLimit, stepUpMinutes: policy.stepUpMinutes });

    // A rule the form leaves to the API (never expiring by default while never is not allowed):
    // the API's refusal shows at that rule, in the form's words.
    await minutes.fill('20');
    await minutes.press('Tab');
    await page.getByRole('checkbox', { name: 'Never expires by default' }).check();
    await page.getByRole('switch', { name: 'Keys that never expire are allowed' }).uncheck({ force: true });
    await save.click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The policy was not saved' });
    await expect.poll(() => refusal.count()).toBe(1);
    expect(await refusal.innerText()).toContain('“Default validity of a new key (days)” cannot be never while “Keys that never expire are allowed” is off');
    expect(await page.getByText('The policy is saved.').count()).toBe(0);
    expect(await savedPolicy()).toMatchObject({ memberKeyLimit: policy.memberKeyLimit, defaultValidityDays: policy.defaultValidityDays });
    expectCleanPage(h, page);
  });

  it('2: underscores in the copy fields are drawn', async () => {
    const m = await newMember();
    const page = await memberPage(m.email);
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByRole('dialog', { name: 'New access key' }).getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const token = shown.getByRole('textbox', { name: 'Bearer token', exact: true });
    expect(await token.inputValue()).toMatch(/^lk_/);
    // The text has a line box of its own font (which holds the descent, where `_` is drawn), not
    // the field's whole height (34 px for 14 px text left the glyphs' place to the font's metrics).
    const [lineHeight, fontSize] = await token.evaluate((el) => {
      const style = el.ownerDocument.defaultView!.getComputedStyle(el);
      return [Number.parseFloat(style.lineHeight), Number.parseFloat(style.fontSize)];
    });
    expect(lineHeight / fontSize).toBeGreaterThanOrEqual(1.3);
    expect(lineHeight / fontSize).toBeLessThanOrEqual(1.6);
    // And drawn: the field with only underscores in it has ink.
    await token.evaluate((el) => {
      (el as unknown as { value: string }).value = '________________';
    });
    const ink = await inkPixels(page, await token.screenshot());
    expect(ink).toBeGreaterThan(20);
    expectCleanPage(h, page);
  });

  it('3: the state badges (Deleted, Expired) are not cut off at 1280 px or 390 px', async () => {
    await setPolicy({ deleteRequiresDisabled: false });
    const m = await newMember();
    const gone = await h.createKey(m.session, { name: 'gone' });
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${gone.accessKeyId}`, as: m.session });
    await h.createKey(m.session, { name: 'kept-with-a-rather-long-name-for-a-key' });
    // An expired key beside its switch: the "Expired" badge was squeezed to "E".
    await h.createKey(m.session, { name: 'soon', expiresInDays: 1 });
    h.clock.advance(2 * 86_400_000);
    // Where a deleted key's state shows: the member's own list, the administrator's list of the
    // tenant's keys and of the member's keys, and the key's details.
    const views = [
      { who: m.email, path: '/settings/access-keys' },
      { who: t.adminEmail, path: '/access/users-and-keys/access-keys' },
      { who: t.adminEmail, path: `/access/users/${m.id}/api-keys` },
      { who: t.adminEmail, path: `/access/users-and-keys/access-keys?key=${gone.accessKeyId}` },
    ];
    for (const viewport of [DESKTOP, PHONE]) {
      for (const view of views) {
        const page = await h.newPage({ viewport });
        await h.signIn(page, { tenant: t.slug, email: view.who });
        await page.goto(view.path);
        const badges = page.locator('.mantine-Badge-root', { hasText: /^(deleted|expired)$/i });
        await badges.first().waitFor();
        for (const badge of await badges.all()) {
          if (!(await badge.isVisible())) continue;
          expect(await fitsItsText(badge), `${view.path} at ${viewport.width} px`).toBe(true);
          expect(await fitsItsText(badge.locator('.mantine-Badge-label')), `${view.path} at ${viewport.width} px`).toBe(true);
          // Even when the other columns (a revealed secret, long dates, wrapped actions) squeeze
          // the State column to its narrowest, the badge keeps its whole word.
          const squeezed = await badge.evaluate((el) => {
            const cell = el.closest('td') as unknown as { style: { width: string } } | null;
            if (!cell) return true;
            cell.style.width = '1px';
            const label = el.querySelector('.mantine-Badge-label')!;
            const fits = el.scrollWidth <= el.clientWidth && label.scrollWidth <= label.clientWidth;
            cell.style.width = '';
            return fits;
          });
          expect(squeezed, `${view.path} at ${viewport.width} px, squeezed`).toBe(true);
        }
        expectCleanPage(h, page);
        await page.close();
      }
    }
    await setPolicy({});
  });

  it('4: a revealed secret keeps the layout and is hidden again after the timeout and on navigation', async () => {
    const m = await newMember();
    const key = await h.createKey(m.session, { name: 'shown' });
    await setPolicy({ stepUp: 'email', secretReveal: 'after-step-up' });
    for (const [sessions, viewport] of [DESKTOP, PHONE].entries()) {
      const page = await h.newPage({ viewport });
      await page.clock.install();
      await h.signIn(page, { tenant: t.slug, email: m.email });
      await page.goto('/settings/access-keys');
      const row = viewport === DESKTOP ? keyRow(page, key.accessKeyId) : page.getByRole('listitem', { name: `shown (${key.accessKeyId})` });
      const secret = row.getByTestId('secret-value');
      await row.getByRole('button', { name: `Show the secret of ${key.accessKeyId}` }).click();
      const verify = page.getByRole('dialog', { name: "Verify it's you" });
      {
        // Each sign-in is a new session: verified by the code emailed to it.
        const mail = await mailbox.next(m.email, sessions);
        await verify.getByRole('textbox', { name: 'Verification code' }).fill(codeIn(mail.text ?? '')!);
        await verify.getByRole('button', { name: 'Verify' }).click();
      }
      await expect.poll(() => secret.innerText()).toBe(key.secret);
      // The layout holds: nothing scrolls sideways, the actions stay inside the window.
      const actions = row.getByRole('button', { name: /^Actions for / });
      const a = await box(actions);
      expect(a.x + a.width).toBeLessThanOrEqual(viewport.width);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      // No box around the keys scrolls sideways (a hidden scrollbar hid the actions).
      const keys = viewport === DESKTOP ? page.getByRole('table', { name: 'My access keys' }) : page.getByRole('list', { name: 'My access keys' });
      expect(
        await keys.evaluate((el) => {
          for (let n = el.parentElement; n && n !== el.ownerDocument.body; n = n.parentElement) if (n.scrollWidth > n.clientWidth + 1) return false;
          return true;
        }),
      ).toBe(true);
      // Hidden again after its time on screen (the page's clock moves, no real wait).
      await page.clock.fastForward(31_000);
      await expect.poll(() => secret.innerText()).not.toContain(key.secret);
      // And when the page moves on (the key's details open in the URL).
      await row.getByRole('button', { name: `Show the secret of ${key.accessKeyId}` }).click();
      await expect.poll(() => secret.innerText()).toBe(key.secret);
      if (viewport === DESKTOP) {
        await keyAction(row, 'Key details');
        await page.getByRole('button', { name: 'Close key details' }).click();
      } else {
        await page.getByRole('tab', { name: 'Security' }).click();
        await page.getByRole('tab', { name: 'Access Keys' }).click();
      }
      await expect.poll(() => secret.innerText()).not.toContain(key.secret);
      expectCleanPage(h, page);
    }
    await setPolicy({});
  });

  it('5: after the password, the authenticator code goes into the code field', async () => {
    const m = await newMember();
    const enrolment = (await h.request({ method: 'POST', url: '/v1/me/totp', as: m.session })).body;
    expect((await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: m.session, body: { code: totpCode(enrolment.secret, h.clock.now()) } })).status).toBe(204);
    h.clock.advance(30_000);
    const page = await h.newPage();
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Tenant' }).fill(t.slug);
    await page.getByRole('textbox', { name: 'Email' }).fill(m.email);
    const password = page.getByRole('textbox', { name: 'Password', exact: true });
    await password.fill(PASSWORD);
    await password.press('Enter');
    const code = page.getByRole('textbox', { name: 'Authenticator code' });
    await code.waitFor();
    await expect.poll(() => code.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.type(totpCode(enrolment.secret, h.clock.now()));
    expect(await password.inputValue()).toBe(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/settings\/access-keys$/);
    expectCleanPage(h, page);
  });

  it('6: closing a dialog gives the focus back to the control that opened it', async () => {
    const m = await newMember();
    const page = await memberPage(m.email);
    // New → Create → Done → "I saved it, close": back on New.
    const newButton = page.getByRole('button', { name: 'New', exact: true });
    await newButton.click();
    await page.getByRole('dialog', { name: 'New access key' }).getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    const accessKeyId = await shown.getByRole('textbox', { name: 'Access Key ID', exact: true }).inputValue();
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => focused(page)).toBe('button:New');

    // A row's ⋮ → Disable → Escape: back on that ⋮ button.
    const rowMenu = keyRow(page, accessKeyId).getByRole('button', { name: /^Actions for / });
    await keyAction(keyRow(page, accessKeyId), 'Disable');
    await page.getByRole('dialog', { name: 'Disable access key?' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => rowMenu.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // ⋮ → Generate new secret key → confirm → the new secret → "I saved it, close": back on the ⋮ button.
    await keyAction(keyRow(page, accessKeyId), 'Generate new secret key');
    await page.getByRole('dialog', { name: 'Generate a new secret key?' }).getByRole('button', { name: 'Generate new secret key' }).click();
    await page.getByRole('dialog', { name: 'Your new secret' }).getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'I saved it, close' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => rowMenu.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // The administrator's ⋮ menu → Delete → Escape: back on the ⋮ button.
    const admin = await adminPage();
    await admin.goto('/access/users-and-keys/access-keys');
    const menu = admin.getByRole('button', { name: new RegExp(`^Actions for .*\\(${accessKeyId}\\)$`) });
    await menu.click();
    await admin.getByRole('menuitem', { name: 'Delete' }).click();
    await admin.getByRole('dialog', { name: 'Delete access key?' }).waitFor();
    await admin.keyboard.press('Escape');
    await expect.poll(() => admin.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => menu.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expectCleanPage(h, page);
    expectCleanPage(h, admin);
  });

  it('7: with every key deleted, the page shows "Generate New Key" alone; the deleted keys under the Deleted filter', async () => {
    await setPolicy({ deleteRequiresDisabled: false });
    const m = await newMember();
    const key = await h.createKey(m.session, { name: 'only-one' });
    const page = await memberPage(m.email);
    await keyAction(keyRow(page, key.accessKeyId), 'Delete');
    await page.getByRole('dialog', { name: 'Delete access key?' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Generate New Key' }).waitFor();
    // Seed 004: the page is reset to show "Generate New Key"; no table of deleted keys under it.
    expect(await page.getByRole('table').count()).toBe(0);
    expect(await keyRow(page, key.accessKeyId).count()).toBe(0);
    // The deleted keys are one explicit filter away.
    await page.getByText('Deleted', { exact: true }).click();
    await keyRow(page, key.accessKeyId).waitFor();
    expect(await page.getByRole('button', { name: 'Generate New Key' }).count()).toBe(0);
    await setPolicy({});
    expectCleanPage(h, page);
  });

  it('8: names are capped by the API (400 naming the field); the longest name keeps the details header tidy', async () => {
    const m = await newMember();
    const refused = await h.request({ method: 'POST', url: '/v1/access-keys', as: m.session, body: { name: 'x'.repeat(300) } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'name' } });
    const userRefused = await h.request({ method: 'POST', url: '/v1/users', as: t.admin, body: { email: `long@${t.slug}.example`, name: 'y'.repeat(300) } });
    expect(userRefused.status).toBe(400);
    expect(userRefused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'name' } });
    const longest = 'n'.repeat(100);
    const key = await h.createKey(m.session, { name: longest });
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await h.newPage({ viewport });
      await h.signIn(page, { tenant: t.slug, email: m.email });
      await page.goto(`/settings/access-keys?key=${key.accessKeyId}`);
      const pane = page.getByRole('dialog', { name: /^Key details/ });
      await pane.getByText('Effective permissions').first().waitFor();
      const close = await box(page.getByRole('button', { name: 'Close key details' }));
      const title = await box(pane.locator('.mantine-Drawer-title'));
      expect(close.x + close.width).toBeLessThanOrEqual(viewport.width);
      expect(title.x + title.width).toBeLessThanOrEqual(close.x);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      expectCleanPage(h, page);
    }
  });

  it('9: secrets shown after step-up with step-up "None" is refused in the form, in plain words', async () => {
    const page = await adminPage();
    await page.goto('/policy');
    await page.getByRole('combobox', { name: 'A secret can be shown again later' }).click();
    await page.getByRole('option', { name: 'After step-up verification' }).click();
    const reason = page.getByText('Showing a secret again needs a step-up verification: choose an email code or an authenticator app below, or keep secrets shown only once.');
    await expect.poll(() => reason.count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Save policy' }).isDisabled()).toBe(true);
    expect(await page.getByText('secretReveal').count()).toBe(0);
    await page.getByRole('combobox', { name: 'Step-up verification for create, reveal, regenerate and re-enable' }).click();
    await page.getByRole('option', { name: 'Email code (needs SMTP on the server)' }).click();
    await expect.poll(() => reason.count()).toBe(0);
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.getByText('The policy is saved.').count()).toBe(1);
    expect(await savedPolicy()).toMatchObject({ stepUp: 'email', secretReveal: 'after-step-up' });
    await setPolicy({});
    expectCleanPage(h, page);
  });

  it('10: an error goes once its cause is gone; a step-up reopened within 30 s keeps the earlier code and counts down', async () => {
    const admin = await adminPage();
    const other = await newMember();
    await admin.goto('/access/users-and-keys/users');
    await admin.getByRole('button', { name: 'Create user' }).click();
    const form = admin.getByRole('dialog');
    const email = form.getByRole('textbox', { name: 'Email' });
    await email.fill(other.email);
    await form.getByRole('button', { name: 'Create user' }).click();
    const taken = form.getByRole('alert').filter({ hasText: 'The user was not created' });
    await expect.poll(() => taken.count()).toBe(1);
    await email.fill(`fresh@${t.slug}.example`);
    await expect.poll(() => taken.count()).toBe(0);
    // The same on a user's page: the email change refused, then edited.
    await admin.goto(`/access/users/${other.id}`);
    const change = admin.getByRole('textbox', { name: 'Email' });
    await change.fill(t.adminEmail);
    await change.press('Enter');
    const notSaved = admin.getByRole('alert').filter({ hasText: 'The change was not saved' });
    await expect.poll(() => notSaved.count()).toBe(1);
    await change.fill(`other@${t.slug}.example`);
    await expect.poll(() => notSaved.count()).toBe(0);
    expectCleanPage(h, admin);

    const m = await newMember();
    const key = await h.createKey(m.session, { name: 'reveal-me' });
    await setPolicy({ stepUp: 'email', secretReveal: 'after-step-up' });
    const page = await h.newPage();
    await page.clock.install();
    await h.signIn(page, { tenant: t.slug, email: m.email });
    await page.goto('/settings/access-keys');
    const show = keyRow(page, key.accessKeyId).getByRole('button', { name: `Show the secret of ${key.accessKeyId}` });
    await show.click();
    const verify = page.getByRole('dialog', { name: "Verify it's you" });
    await expect.poll(() => verify.innerText()).toContain('We sent a 6-digit code to');
    const code = codeIn((await mailbox.next(m.email)).text ?? '')!;
    await verify.getByRole('button', { name: 'Cancel' }).click();
    // Reopened at once (the server's clock has not moved): no red "could not be sent".
    await show.click();
    await expect.poll(() => verify.innerText()).toContain('We sent a 6-digit code to');
    expect(await verify.getByRole('alert').count()).toBe(0);
    const wait = verify.getByText(/You can ask for a new code in \d+ s\./);
    await expect.poll(() => wait.count()).toBe(1);
    const before = Number(/in (\d+) s/.exec(await wait.innerText())![1]);
    expect(await verify.getByRole('button', { name: 'Send a new code' }).isDisabled()).toBe(true);
    await page.clock.fastForward(5_000);
    await expect.poll(async () => Number(/in (\d+) s/.exec(await wait.innerText())?.[1])).toBeLessThan(before);
    // The earlier code still works.
    await verify.getByRole('textbox', { name: 'Verification code' }).fill(code);
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => keyRow(page, key.accessKeyId).getByTestId('secret-value').innerText()).toBe(key.secret);
    await setPolicy({});
    expectCleanPage(h, page);
  });

  it('11: a key whose owner lost programmatic access, or is disabled, shows that it cannot be used and why', async () => {
    const m = await newMember();
    const key = await h.createKey(m.session, { name: 'orphaned' });
    const grant = (programmaticAccess: boolean) => h.request({ method: 'PATCH', url: `/v1/users/${m.id}`, as: t.admin, body: { programmaticAccess } });
    expect((await grant(false)).status).toBe(200);
    expect(await h.verify(key.token)).toMatchObject({ valid: false });
    // The member's own page.
    const page = await memberPage(m.email);
    const row = keyRow(page, key.accessKeyId);
    await expect.poll(() => row.innerText()).toMatch(/cannot be used/i);
    expect(await row.innerText()).toContain('You do not have programmatic access');
    // The administrator's tenant list.
    const admin = await adminPage();
    await admin.goto('/access/users-and-keys/access-keys');
    const adminRow = keyRow(admin, key.accessKeyId);
    await expect.poll(() => adminRow.innerText()).toMatch(/cannot be used/i);
    expect(await adminRow.innerText()).toContain('The owner does not have programmatic access');
    // A disabled owner.
    expect((await grant(true)).status).toBe(200);
    expect((await h.request({ method: 'PATCH', url: `/v1/users/${m.id}`, as: t.admin, body: { status: 'disabled' } })).status).toBe(200);
    expect(await h.verify(key.token)).toMatchObject({ valid: false });
    await admin.reload();
    await expect.poll(() => adminRow.innerText()).toContain('The owner is disabled');
    await admin.goto(`/access/users-and-keys/access-keys?key=${key.accessKeyId}`);
    await expect.poll(() => admin.getByRole('dialog', { name: /^Key details/ }).innerText()).toContain('The owner is disabled');
    expectCleanPage(h, page);
    expectCleanPage(h, admin);
  });

  it('12a: unsaved policy changes ask before they are discarded', async () => {
    const page = await adminPage();
    await page.goto('/policy');
    const limit = page.getByRole('textbox', { name: 'Keys a member may hold' });
    await limit.fill('7');
    // Leaving the page asks; Stay keeps the change.
    await page.getByRole('link', { name: 'Usage' }).click();
    const ask = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Stay' }).click();
    expect(new URL(page.url()).pathname).toBe('/policy');
    expect(await limit.inputValue()).toBe('7');
    // "Discard changes" asks too.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Stay' }).click();
    expect(await limit.inputValue()).toBe('7');
    // Leave and discard.
    await page.getByRole('link', { name: 'Usage' }).click();
    await ask.getByRole('button', { name: 'Discard' }).click();
    await page.waitForURL(/\/usage$/);
    expect((await savedPolicy()).memberKeyLimit).toBe(policy.memberKeyLimit);
    expectCleanPage(h, page);
  });

  it('12b: a signed-in user who opens /sign-in is sent on to the console', async () => {
    const page = await adminPage();
    await page.goto('/sign-in');
    await page.waitForURL(/\/access\/users-and-keys\/users$/);
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    expectCleanPage(h, page);
  });

  it("12c: a member's page follows an administrator's grant without a reload (refetched when the page is shown again)", async () => {
    const m = await newMember({ programmaticAccess: false });
    const page = await memberPage(m.email);
    const newButton = page.getByRole('button', { name: 'New', exact: true });
    expect(await newButton.isDisabled()).toBe(true);
    expect((await h.request({ method: 'PATCH', url: `/v1/users/${m.id}`, as: t.admin, body: { programmaticAccess: true } })).status).toBe(200);
    // The person comes back to the tab (from the administrator's chat, say).
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))");
    await expect.poll(() => newButton.isDisabled()).toBe(false);
    expect(await page.getByRole('note').count()).toBe(0);
    expectCleanPage(h, page);
  });

  it("12d: the owner gets a bell notice when an administrator changes the key's expiry", async () => {
    const m = await newMember();
    const key = await h.createKey(m.session, { name: 'extend-me' });
    const patch = await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: t.admin, body: { expiresInDays: 90 } });
    expect(patch.status).toBe(200);
    const page = await memberPage(m.email);
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const notice = page.getByRole('button', { name: /^Unread: An administrator changed the expiry of your access key “extend-me”/ });
    await notice.waitFor();
    // The owner changing their own key's expiry tells nobody.
    const before = (await h.request({ method: 'GET', url: '/v1/notifications', as: m.session })).body.items.length;
    expect((await h.request({ method: 'PATCH', url: `/v1/access-keys/${key.accessKeyId}`, as: m.session, body: { expiresInDays: 30 } })).status).toBe(200);
    expect((await h.request({ method: 'GET', url: '/v1/notifications', as: m.session })).body.items.length).toBe(before);
    expectCleanPage(h, page);
  });

  it("12e: the copy buttons' accessible names say what they copy, once", async () => {
    const m = await newMember();
    const page = await memberPage(m.email);
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByRole('dialog', { name: 'New access key' }).getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'Access key created' });
    await shown.waitFor();
    const names = await shown.locator('button[aria-label^="Copy"]').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    expect(names).toEqual(['Copy Access Key ID', 'Copy Access Key Secret', 'Copy Bearer token', 'Copy the key, secret and tenant ID as one text']);
    expectCleanPage(h, page);
  });
});
