/**
 * How the server hands out the console (src/http/console-static.ts): pages at any console path,
 * a strict Content-Security-Policy with a fresh style nonce per page, index.html never cached,
 * hashed assets cached for a year, and the API, docs, health and metrics paths untouched.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { defaultConsoleDir } from '../src/http/console-static.js';
import { createLogger } from '../src/logger.js';
import { CONSOLE_DIST, expectCleanPage, openConsole, type ConsoleHarness } from './support/browser.js';

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('serving the console', { timeout: 60_000 }, () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await openConsole();
  });
  afterAll(() => h?.close());

  const get = (path: string, headers: Record<string, string> = html) => fetch(`${h.baseUrl}${path}`, { headers, redirect: 'manual' });

  it('answers every console path with index.html, a strict CSP with a new nonce each time, and no caching', async () => {
    const first = await get('/');
    const deep = await get('/settings/access-keys?key=LKABC');
    for (const res of [first, deep]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    const csp = first.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const body = await first.text();
    expect(body).toContain(`<meta name="csp-nonce" content="${nonce}"`);
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const otherNonce = /'nonce-([^']+)'/.exec(deep.headers.get('content-security-policy')!)![1];
    expect(otherNonce).not.toBe(nonce);
  });

  it('caches hashed assets for a year and revalidates other files', async () => {
    const assets = await readdir(join(CONSOLE_DIST, 'assets'));
    const script = assets.find((f) => f.endsWith('.js'))!;
    const res = await get(`/assets/${script}`, { accept: '*/*' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await get('/favicon.svg', { accept: 'image/*' });
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    // A missing asset is a 404, never index.html in its place.
    const missing = await get('/assets/nope-123.js', { accept: '*/*' });
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<!doctype html>');
  });

  it('leaves the API, docs, OpenAPI, health and metrics alone', async () => {
    const unknownApi = await get('/v1/no-such-route');
    expect(unknownApi.headers.get('content-type')).toContain('application/json');
    expect(((await unknownApi.json()) as any).error.code).toMatch(/^(UNAUTHENTICATED|ROUTE_NOT_FOUND)$/);
    const t = await h.bootstrap();
    const signedIn = await get('/v1/no-such-route', { ...html, cookie: `latchkey_session=${t.admin.cookie}` });
    expect(signedIn.status).toBe(404);
    expect(((await signedIn.json()) as any).error.code).toBe('ROUTE_NOT_FOUND');
    expect((await get('/v1/me')).status).toBe(401);
    expect(await (await get('/docs')).text()).toContain('swagger');
    expect(((await (await get('/openapi.json', { accept: 'application/json' })).json()) as any).openapi).toBe('3.1.0');
    expect((await get('/healthz')).status).toBe(200);
    expect(await (await get('/metrics', { accept: 'text/plain' })).text()).toContain('# HELP');
    // Not a page request (no text/html): a plain 404, not the console.
    const notPage = await get('/some/file.txt', { accept: '*/*' });
    expect(notPage.status).toBe(404);
    // Nothing outside console/dist is reachable.
    for (const path of ['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const res = await get(path, { accept: '*/*' });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('"name": "latchkey"');
    }
    expect((await fetch(`${h.baseUrl}/`, { method: 'POST', headers: html })).status).toBe(404);
  });

  it('refuses an injected inline script or style in the page', async () => {
    const page = await h.newPage();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const outcome = await page.evaluate(`(() => {
      window.injected = false;
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.appendChild(script);
      const style = document.createElement('style');
      style.textContent = 'body { background-color: rgb(255, 0, 0) !important; }';
      document.head.appendChild(style);
      return { script: window.injected, background: getComputedStyle(document.body).backgroundColor };
    })()`);
    expect(outcome).toEqual({ script: false, background: expect.not.stringContaining('255, 0, 0') });
    // The refusals are what the harness counts as page errors; the console itself caused none before.
    expect(h.problems(page).errors.every((e) => e.includes('Content Security Policy'))).toBe(true);
    expect(h.problems(page).errors.length).toBe(2);
    h.problems(page).errors.length = 0;
    expectCleanPage(h, page);
  });

  it('finds console/dist of the installation by itself', () => {
    expect(defaultConsoleDir()).toBe(CONSOLE_DIST);
  });

  it('says clearly when the console is not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'latchkey-nodist-'));
    const logger = createLogger('silent', { write: () => {} });
    const app = await buildApp({ services: h.services, config: loadConfig({ LATCHKEY_DATA_DIR: empty }), logger, consoleDir: join(empty, 'dist') });
    try {
      const res = await app.inject({ method: 'GET', url: '/', headers: html });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('The Latchkey console is not built');
      expect(res.body).toContain('npm run build');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
