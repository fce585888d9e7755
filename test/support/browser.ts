/**
 * The real server with the built console, driven by Debian's Chromium through playwright-core.
 * Like support/http.ts: a real store (a fresh SQLite file), the real services with a clock the
 * test moves, buildApp serving console/dist, listening on 127.0.0.1 on a free port. One browser
 * per test worker (see sharedBrowser); each page gets its own context (cookies, clipboard), so two
 * people can be signed in side by side.
 *
 * Tests check what a person sees in the page AND the effect through the API (h.request,
 * h.verify), the way an integrator would notice it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';
import { generateSync } from 'otplib';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { App } from '../../src/http/app-types.js';
import { createLogger } from '../../src/logger.js';
import { loginSettingsOf, mailSettingsOf, signingSettingsOf } from '../../src/main.js';
import { createServices, type Services } from '../../src/services/services.js';
import { openTestStore, type TestStore } from './databases.js';
import { apiClient, PASSWORD, testClock, verifierForText, type Caller, type IssuedKey, type RequestOptions, type Response, type Session, type TestClock } from './http.js';

export { PASSWORD, type IssuedKey, type Session } from './http.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONSOLE_DIST = join(ROOT, 'console', 'dist');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, 'docs', 'screenshots');

/** Every test sees times in this zone, so "shown in the browser's time zone" is checkable. */
export const TIME_ZONE = 'America/New_York';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

function preflight(): void {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    throw new Error(`The console is not built: ${CONSOLE_DIST}/index.html is missing. Run \`npm run build\` (npm test does it first).`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Browser tests drive Debian's Chromium at ${CHROMIUM}, which is missing. Install it: apt-get update && apt-get install -y chromium`);
  }
}

export interface PageProblems {
  /** Uncaught exceptions and console errors (a CSP refusal is one), failed requests aside. */
  errors: string[];
}

export interface ConsoleHarness {
  baseUrl: string;
  app: App;
  services: Services;
  clock: TestClock;
  config: Readonly<Config>;
  testStore: TestStore;
  browser: Browser;
  /** The API in-process, as in support/http.ts. */
  request(options: RequestOptions): Promise<Response>;
  /** A tenant and its first admin (through TenantsService), signed in through the API. */
  bootstrap(slug?: string): Promise<{ tenantId: string; slug: string; adminEmail: string; admin: Session }>;
  /** A user created through the API by `admin` (password PASSWORD). */
  addUser(admin: Session, fields?: { role?: 'admin' | 'member'; programmaticAccess?: boolean; email?: string; name?: string }): Promise<{ id: string; email: string }>;
  apiLogin(tenant: string, email: string, password?: string): Promise<Session>;
  createKey(as: Caller, body?: Record<string, unknown>): Promise<IssuedKey>;
  /** POST /v1/verify, as an integrator's API would ask. */
  verify(token: string, permission?: string): Promise<{ valid: boolean; code?: string; permissions?: string[] }>;
  /** Writes buffered access records and last-used times now. */
  flushRecords(): Promise<void>;
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
  problems(page: Page): PageProblems;
  /** Signs in through the sign-in page and waits for the console to open. */
  signIn(page: Page, who: { tenant: string; email: string; password?: string }): Promise<void>;
  /** Saves a screenshot under docs/screenshots when LATCHKEY_SCREENSHOTS=1, else in a temporary folder. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  env?: Record<string, string>;
}

let slugCounter = 0;
const uniqueSlug = () => `acme${(slugCounter++).toString(36)}${randomBytes(2).toString('hex')}`;

let shared: Promise<Browser> | null = null;

/**
 * One Chromium per test worker, shared by the browser suites it runs one after another: a launch
 * costs more than a short suite. Nothing leaks between suites through it: every page has its own
 * context (cookies, storage, permissions), which the harness closes. Playwright ends the browser
 * when the worker exits.
 */
async function sharedBrowser(): Promise<Browser> {
  const running = shared && (await shared.catch(() => null));
  if (running?.isConnected()) return running;
  // playwright's launch() always starts Chromium on a fresh temporary --user-data-dir of its own
  // (and refuses one in args), so no profile is shared between runs.
  shared = chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return shared;
}

export async function openConsole(options: ConsoleOptions = {}): Promise<ConsoleHarness> {
  preflight();
  const testStore = await openTestStore('sqlite');
  const lines: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
  const config = loadConfig({ LATCHKEY_DATA_DIR: testStore.dataDir, LATCHKEY_LOG_LEVEL: 'warn', LATCHKEY_SESSION_TTL_MINUTES: '43200', ...options.env });
  // Chromium keeps the machine's time (session cookies expire by it, the console counts days
  // from it), so the server starts there too, standing still and moved only by the test.
  const clock = testClock(new Date());
  const services = createServices({
    store: testStore.store,
    logger,
    masterKey: randomBytes(32),
    signing: signingSettingsOf(config),
    clock,
    // Mail goes out when the test gives LATCHKEY_SMTP_URL (a mailbox from openMailbox()).
    mail: mailSettingsOf(config),
    mailPollMs: 200,
    sessionTtlMinutes: config.sessionTtlMinutes,
    keyCacheSize: config.keyCacheSize,
    changePollMs: config.changePollMs,
    recordFlushMs: 60_000,
    login: loginSettingsOf(config),
  });
  await services.start();
  const app = await buildApp({ services, config, logger, consoleDir: CONSOLE_DIST });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  const browser = await sharedBrowser();
  const contexts: BrowserContext[] = [];
  const problemsOf = new WeakMap<Page, PageProblems>();

  const { request, login: apiLogin, addUser, createKey } = apiClient(app);

  const h: ConsoleHarness = {
    baseUrl,
    app,
    services,
    clock,
    config,
    testStore,
    browser,
    request,
    apiLogin,
    async bootstrap(slug = uniqueSlug()) {
      const adminEmail = `admin@${slug}.example`;
      const created = await services.tenants.create({ slug, email: adminEmail, password: PASSWORD });
      return { tenantId: created.tenant.id, slug, adminEmail, admin: await apiLogin(slug, adminEmail) };
    },
    addUser,
    createKey,
    async verify(token, permission) {
      // Asked as an integrator's API asks: with a verifier key of the token's tenant.
      const as = await verifierForText(services, testStore.store, token);
      const res = await request({ method: 'POST', url: '/v1/verify', as, body: { token, ...(permission !== undefined && { permission }) } });
      if (res.status !== 200) throw new Error(`verify answered ${res.status}: ${res.text}`);
      return res.body;
    },
    flushRecords: () => services.recorder.flush(),
    async newPage({ viewport = DESKTOP } = {}) {
      // Reduced motion: the console then skips its transitions, which keeps the suites quick.
      const context = await browser.newContext({ viewport, timezoneId: TIME_ZONE, locale: 'en-US', baseURL: baseUrl, reducedMotion: 'reduce' });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const problems: PageProblems = { errors: [] };
      problemsOf.set(page, problems);
      page.on('pageerror', (error) => problems.errors.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        // A 4xx the console shows as a message is expected; Chromium still logs the failed fetch.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.errors.push(`console: ${message.text()}`);
      });
      return page;
    },
    problems(page) {
      const problems = problemsOf.get(page);
      if (!problems) throw new Error('not a page of this harness');
      return problems;
    },
    async signIn(page, who) {
      if (!page.url().includes('/sign-in')) await page.goto('/sign-in');
      await page.getByRole('textbox', { name: 'Tenant' }).fill(who.tenant);
      await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
      await page.getByRole('textbox', { name: 'Password', exact: true }).fill(who.password ?? PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
      await page.getByRole('button', { name: /^User menu for / }).waitFor();
    },
    async screenshot(page, name) {
      const dir = process.env.LATCHKEY_SCREENSHOTS === '1' ? SCREENSHOT_DIR : join(tmpdir(), 'latchkey-screenshots');
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${name}.png`);
      await page.screenshot({ path, animations: 'disabled' });
      return path;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await app.close();
      await services.stop();
      await testStore.cleanup();
    },
  };
  return h;
}

/** The table row (or small-screen card) of a key, found by its ID. */
export function keyRow(page: Page, accessKeyId: string) {
  return page.locator(`tr[data-key-id="${accessKeyId}"]`);
}

/** Waits until no loading indicator is left on the page (data and lazy pages have arrived). */
export async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
}

/** Reads what the clipboard holds (the context granted clipboard access). */
export function clipboard(page: Page): Promise<string> {
  // Runs in the page; the test project has no DOM types, hence the string.
  return page.evaluate('navigator.clipboard.readText()') as Promise<string>;
}

/** Fails with the page's own errors (uncaught exceptions, CSP refusals) if there were any. */
export function expectCleanPage(h: ConsoleHarness, page: Page): void {
  expect(h.problems(page).errors).toEqual([]);
}

export interface Mailbox {
  /** smtp://127.0.0.1:<port>, for LATCHKEY_SMTP_URL. */
  url: string;
  received: ParsedMail[];
  /** Waits for the next mail to `to` after the `seen` first ones, and returns it. */
  next(to: string, seen?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

/** A real SMTP server on a free local port that keeps what it receives (the server's mail peer). */
export async function openMailbox(): Promise<Mailbox> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMTP server has no TCP address');
  const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    async next(address, seen = 0) {
      let mail: ParsedMail | undefined;
      await expect.poll(() => (mail = received.filter((m) => to(m).includes(address))[seen]), { timeout: 10_000 }).toBeDefined();
      return mail!;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** The 6-digit code of a TOTP secret at the server's time (the test clock). */
export function totpCode(secret: string, at: Date): string {
  return generateSync({ secret: secret.replace(/\s+/g, ''), epoch: Math.floor(at.getTime() / 1000) });
}

/** Opens a key's ⋮ menu (in its row or card) and picks one of its items. */
export async function keyAction(row: Locator, item: string): Promise<void> {
  await row.getByRole('button', { name: /^Actions for / }).click();
  await row.page().getByRole('menuitem', { name: item, exact: true }).click();
}
