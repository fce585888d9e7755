/**
 * Issue 10 item 9: with LATCHKEY_COOKIE_SECURE=true (Latchkey behind HTTPS) every answer carries
 * HSTS and the session cookie is named with the __Host- prefix (Secure, Path=/, no Domain: no
 * subdomain or plain-HTTP page can set or shadow it). /docs (Swagger UI) gets a CSP of its own
 * with frame-ancestors 'none', secure cookies or not. The browser side is in browser-secure-docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttp, type Harness, type Tenant } from './support/http.js';

const HSTS = 'max-age=31536000';

/** /docs answers with a redirect to /docs/ or the page itself, depending on the plugin version. */
async function docsPage(h: Harness) {
  const res = await h.app.inject({ method: 'GET', url: '/docs' });
  return res.statusCode === 302 ? h.app.inject({ method: 'GET', url: res.headers.location as string }) : res;
}

describe('with LATCHKEY_COOKIE_SECURE=true (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite', { env: { LATCHKEY_COOKIE_SECURE: 'true' } });
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('names the session cookie __Host-latchkey_session: Secure, HttpOnly, SameSite=Strict, Path=/, no Domain', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { tenant: acme.slug, email: acme.admin.email, password: 'correct horse battery staple' } });
    expect(res.statusCode).toBe(200);
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/^__Host-latchkey_session=[^;]+;/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Strict/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/Domain=/i);
    expect(res.headers['strict-transport-security']).toBe(HSTS);
  });

  it('the prefixed session works for reads and writes; the same token under the plain name is not a session', async () => {
    expect(acme.admin.cookieName).toBe('__Host-latchkey_session');
    expect((await h.request({ method: 'GET', url: '/v1/me', as: acme.admin })).status).toBe(200);
    expect((await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { name: 'secure' } })).status).toBe(201);
    const plain = await h.request({ method: 'GET', url: '/v1/me', headers: { cookie: `latchkey_session=${acme.admin.cookie}` } });
    expect(plain.status).toBe(401);
  });

  it('sends HSTS on API answers, errors, health, the OpenAPI document and /docs', async () => {
    for (const url of ['/v1/me', '/v1/no-such-route', '/healthz', '/openapi.json']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.headers['strict-transport-security'], url).toBe(HSTS);
    }
    expect((await docsPage(h)).headers['strict-transport-security']).toBe(HSTS);
  });

  it('signing out clears the prefixed cookie with the attributes the prefix needs', async () => {
    const session = await h.login(acme.slug, acme.admin.email);
    const out = await h.request({ method: 'POST', url: '/v1/auth/logout', as: session });
    expect(out.status).toBe(204);
    const cleared = String(out.headers['set-cookie']);
    expect(cleared).toMatch(/^__Host-latchkey_session=;/);
    expect(cleared).toMatch(/; Secure/);
    expect(cleared).toMatch(/; Path=\//);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: session })).status).toBe(401);
  });
});

describe('without secure cookies (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the plain cookie name and sends no HSTS (plain HTTP on a loopback address)', async () => {
    expect(acme.admin.cookieName).toBe('latchkey_session');
    const res = await h.app.inject({ method: 'GET', url: '/v1/me' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('serves /docs, its assets and its spec with a CSP that forbids framing and any other origin', async () => {
    const page = await docsPage(h);
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    for (const url of ['/docs/static/swagger-ui-bundle.js', '/docs/json']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(String(res.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
    }
  });
});
