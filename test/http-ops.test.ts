/** HTTP: the OpenAPI document and docs, health and readiness, Prometheus metrics. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttp, routeTable, verify, type Harness, type Tenant } from './support/http.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('HTTP operations and documentation (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('/openapi.json', () => {
    let doc: any;
    beforeAll(async () => {
      const res = await h.request({ method: 'GET', url: '/openapi.json' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      doc = res.body;
    });

    it('is an OpenAPI 3.1 document with info, security schemes and operations that answer', () => {
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info).toMatchObject({ title: 'Latchkey API', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'session', 'verifier']);
      for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
        expect(path).toMatch(/^\/[A-Za-z0-9\-/{}.]*$/);
        for (const [method, op] of Object.entries<any>(item)) {
          expect(METHODS, `${method} ${path}`).toContain(method);
          expect(Object.keys(op.responses ?? {}).length, `${method} ${path} has responses`).toBeGreaterThan(0);
          for (const status of Object.keys(op.responses)) expect(status).toMatch(/^([1-5]\d\d|default)$/);
          // Every {param} in the path is declared as a required path parameter, and nothing else is.
          const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path');
          const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
          expect(declared.map((p: any) => p.name).sort(), `${method} ${path}`).toEqual(inPath.sort());
          for (const p of declared) expect(p.required).toBe(true);
        }
      }
    });

    it('lists every route the server answers (but its own docs)', () => {
      const served = routeTable(h.app)
        .filter((r) => !r.url.startsWith('/docs') && r.url !== '/openapi.json')
        .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
        .sort();
      const documented = Object.entries<Record<string, unknown>>(doc.paths)
        .flatMap(([path, item]) =>
          Object.keys(item)
            .filter((k) => METHODS.includes(k))
            .map((m) => `${m} ${path}`),
        )
        .sort();
      expect(documented).toEqual(served);
      expect(served.length).toBeGreaterThanOrEqual(30);
    });

    it('has schemas that are valid JSON Schema 2020-12 and references that resolve', () => {
      const ajv = new Ajv2020({ strict: false, validateFormats: false });
      const text = JSON.stringify(doc);
      for (const ref of new Set([...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!))) {
        expect(ref).toMatch(/^#\/components\/schemas\//);
        expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
      }
      const components = { components: doc.components };
      let compiled = 0;
      for (const item of Object.values<Record<string, any>>(doc.paths)) {
        for (const op of Object.values<any>(item)) {
          const schemas = [
            ...Object.values<any>(op.responses ?? {}).flatMap((r) => Object.values<any>(r.content ?? {}).map((c) => c.schema)),
            ...Object.values<any>(op.requestBody?.content ?? {}).map((c) => c.schema),
            ...(op.parameters ?? []).map((p: any) => p.schema),
          ].filter(Boolean);
          for (const schema of schemas) {
            ajv.compile({ ...components, ...schema });
            compiled++;
          }
        }
      }
      expect(compiled).toBeGreaterThan(60);
    });

    it('documents the create response as the one that holds the secret, and the error envelope', () => {
      const create = doc.paths['/v1/access-keys'].post;
      expect(create.requestBody.content['application/json'].schema).toBeDefined();
      expect(JSON.stringify(create.responses['201'])).toContain('secret');
      expect(JSON.stringify(doc.paths['/v1/access-keys/{accessKeyId}'].get.responses['200'])).not.toContain('"secret"');
      expect(JSON.stringify(create.responses['409'])).toMatch(/requestId/);
    });
  });

  it('serves readable docs at /docs', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs' });
    const page = res.statusCode === 302 ? await h.app.inject({ method: 'GET', url: res.headers.location as string }) : res;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toMatch(/swagger/i);
    const json = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(JSON.parse(json.body).openapi).toBe('3.1.0');
  });

  it('answers /healthz and /readyz without signing in', async () => {
    const health = await h.request({ method: 'GET', url: '/healthz' });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await h.request({ method: 'GET', url: '/readyz' });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'sqlite' });
  });

  it('serves Prometheus metrics with request durations and verification outcomes', async () => {
    const k = await h.createKey(acme.admin);
    await verify(h, k.token);
    await verify(h, 'garbage');
    await h.request({ method: 'GET', url: '/v1/me', as: acme.admin });
    const res = await h.request({ method: 'GET', url: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^# HELP latchkey_http_request_duration_seconds /m);
    // The verification routes count their answers in plain counters, not in the duration histogram.
    expect(res.text).toMatch(/latchkey_http_request_duration_seconds_count\{[^}]*route="\/v1\/me"[^}]*\} [1-9]/);
    expect(res.text).not.toMatch(/latchkey_http_request_duration_seconds_count\{[^}]*route="\/v1\/verify"/);
    expect(res.text).toMatch(/latchkey_verification_requests_total\{route="\/v1\/verify",status="200"\} 2/);
    expect(res.text).toMatch(/latchkey_verifications_total\{scheme="bearer",result="VALID"\} 1/);
    expect(res.text).toMatch(/latchkey_verifications_total\{scheme="bearer",result="MALFORMED"\} 1/);
    expect(res.text).toMatch(/^latchkey_key_cache_entries \d+/m);
    expect(res.text).toMatch(/^latchkey_process_cpu_seconds_total /m);
    expect(res.text).not.toContain(k.secret);
  });

  it('reports not ready (503) when the database is gone, and still alive', async () => {
    const other = await openHttp('sqlite');
    try {
      await other.store.close();
      const ready = await other.request({ method: 'GET', url: '/readyz' });
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable', database: 'sqlite' });
      expect((await other.request({ method: 'GET', url: '/healthz' })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
