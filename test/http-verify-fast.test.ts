/**
 * POST /v1/verify over a real socket, where plain requests skip the framework (src/http/fast-verify.ts):
 * every answer must be the one the Fastify route gives the same request (app.inject), byte for
 * byte apart from the request ID — valid and refused keys, refused and missing verifiers, malformed
 * JSON, schema errors, prototype poisoning, a cache miss (the outage case is in verify-fail-closed) — and
 * requests the fast path does not take (chunked, other content types, too large) still reach the route.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { fastPathTotal, openHttp, verifierFor, type Harness, type IssuedKey, type Tenant } from './support/http.js';

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

const COMPARED_HEADERS = ['content-type', 'x-content-type-options', 'cache-control', 'retry-after'];

/** What must agree between the two paths: status, the compared headers, the body with request IDs masked. */
const strip = (a: Answer) => ({
  status: a.status,
  headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, a.headers[name]])),
  body: a.body.replace(/req_[A-Za-z0-9_-]{12}/g, 'req_…'),
});

/** Who reads a plain request: the connection reader below node:http (wire-verify.ts), or node:http with the fast path (LATCHKEY_WIRE_VERIFY=false). */
const READERS = ['wire', 'http'] as const;

for (const kind of DATABASE_KINDS)
  for (const reader of READERS)
    describe(`POST /v1/verify from the socket answers as the route does (${kind}, read by ${reader})`, () => {
      let h: Harness;
      let acme: Tenant;
      let key: IssuedKey;
      let verifier: string;
      let port: number;

      beforeAll(async () => {
        h = await openHttp(kind, { env: { LATCHKEY_WIRE_VERIFY: String(reader === 'wire') } });
        acme = await h.bootstrap();
        key = await h.createKey(acme.admin);
        verifier = (await verifierFor(h.services, acme.tenantId)).token;
        await h.app.listen({ host: '127.0.0.1', port: 0 });
        port = (h.app.server.address() as AddressInfo).port;
      });
      afterAll(async () => {
        await h?.close();
      });

      const overSocket = (headers: Record<string, string>, body: string | Buffer[], method = 'POST', path = '/v1/verify'): Promise<Answer> =>
        new Promise((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') }));
          });
          req.on('error', reject);
          if (Array.isArray(body)) for (const part of body) req.write(part);
          else req.write(body);
          req.end();
        });

      const inProcess = async (headers: Record<string, string>, body: string): Promise<Answer> => {
        const res = await h.app.inject({ method: 'POST', url: '/v1/verify', headers, payload: body });
        return { status: res.statusCode, headers: res.headers as Record<string, string>, body: res.body };
      };

      /** The same request both ways; the answers must agree on status, headers and body (request IDs aside). */
      const both = async (headers: Record<string, string>, body: string): Promise<Answer> => {
        const taken = await fastTaken();
        const socket = await overSocket({ 'content-type': 'application/json', ...headers, 'content-length': String(Buffer.byteLength(body)) }, body);
        expect(await fastTaken(), 'the fast path answered').toBe(taken + 1);
        const route = await inProcess({ 'content-type': 'application/json', ...headers }, body);
        expect(strip(socket)).toEqual(strip(route));
        expect(socket.headers['x-request-id']).toMatch(/^req_[A-Za-z0-9_-]{12}$/);
        if (socket.status !== 200) expect(JSON.parse(socket.body).error.requestId).toBe(socket.headers['x-request-id']);
        return socket;
      };
      /** latchkey_verify_fast_path_total of this suite's reader, as /metrics gives it. */
      const fastTaken = () => fastPathTotal(h, reader);
      const asVerifier = () => ({ authorization: `Bearer ${verifier}` });

      it('a valid token, an unknown key and a malformed token', async () => {
        const ok = await both(asVerifier(), JSON.stringify({ token: key.token, permission: 'storage:read' }));
        expect(JSON.parse(ok.body)).toMatchObject({ valid: true, accessKeyId: key.accessKeyId });
        expect(JSON.parse((await both(asVerifier(), JSON.stringify({ token: `${key.token.slice(0, -6)}aaaaaa` }))).body)).toMatchObject({ valid: false });
        expect(JSON.parse((await both(asVerifier(), JSON.stringify({ token: 'hello' }))).body)).toMatchObject({ valid: false, code: 'MALFORMED' });
      });

      it('a key not yet verified (a cache miss waits for the database)', async () => {
        const fresh = await h.createKey(acme.admin);
        expect(JSON.parse((await both(asVerifier(), JSON.stringify({ token: fresh.token }))).body)).toMatchObject({ valid: true, accessKeyId: fresh.accessKeyId });
      });

      it('a key with usage controls: limits, credits, metadata, and the usage refusals (cost 0 and refusals spend nothing, so both paths see the same state)', async () => {
        const metered = await h.createKey(acme.admin);
        const usage = { ratelimits: [{ name: 'per-minute', limit: 2, durationMs: 60_000 }], credits: { remaining: 5, refill: null }, meta: { plan: 'pro' }, externalId: 'cust-1' };
        await h.store.transaction((tx) => tx.accessKeys.update(acme.tenantId, metered.accessKeyId, 'enabled', { usage }, h.clock.now()));
        const checked = JSON.parse((await both(asVerifier(), JSON.stringify({ token: metered.token, cost: 0 }))).body);
        expect(checked).toMatchObject({ valid: true, externalId: 'cust-1', meta: { plan: 'pro' }, ratelimits: [{ name: 'per-minute', remaining: 2 }], credits: { remaining: 5 } });
        const spent = await h.app.inject({ method: 'POST', url: '/v1/verify', headers: asVerifier(), payload: { token: metered.token, cost: 2 } });
        expect(spent.json()).toMatchObject({ valid: true, ratelimits: [{ remaining: 0 }], credits: { remaining: 3 } });
        expect(JSON.parse((await both(asVerifier(), JSON.stringify({ token: metered.token }))).body)).toMatchObject({ valid: false, code: 'RATE_LIMITED', ratelimits: [{ remaining: 0 }] });
        const fenced = await h.createKey(acme.admin);
        await h.store.transaction((tx) => tx.accessKeys.update(acme.tenantId, fenced.accessKeyId, 'enabled', { usage: { ipAllowlist: ['10.0.0.0/8'] } }, h.clock.now()));
        expect(JSON.parse((await both(asVerifier(), JSON.stringify({ token: fenced.token, context: { sourceIp: '192.0.2.1' } }))).body)).toMatchObject({ valid: false, code: 'IP_NOT_ALLOWED' });
        expect(JSON.parse((await both(asVerifier(), JSON.stringify({ token: fenced.token, context: { sourceIp: '10.1.2.3' } }))).body)).toMatchObject({ valid: true });
        const badCost = await both(asVerifier(), JSON.stringify({ token: metered.token, cost: 10_001 }));
        expect(badCost.status).toBe(400);
        expect(JSON.parse(badCost.body).error.details.field).toBe('cost');
      });

      it('verifiers: missing, refused, not a verifier', async () => {
        const noVerifier = await both({}, JSON.stringify({ token: key.token }));
        expect(noVerifier.status).toBe(401);
        expect(JSON.parse(noVerifier.body).error.code).toBe('VERIFIER_REQUIRED');
        expect(JSON.parse((await both({ authorization: 'Bearer lk_nonsense' }, JSON.stringify({ token: key.token }))).body).error.code).toBe('VERIFIER_INVALID');
        const member = await h.createUser(acme.admin, { role: 'member' });
        const plain = await h.createKey(member.session);
        const forbidden = await both({ authorization: `Bearer ${plain.token}` }, JSON.stringify({ token: key.token }));
        expect(forbidden.status).toBe(403);
        expect(JSON.parse(forbidden.body).error.code).toBe('VERIFIER_FORBIDDEN');
      });

      it('bad input: malformed JSON, poisoned JSON, a blank body, schema errors, both or neither credential, a bad sourceIp', async () => {
        const cases: [string, string][] = [
          ['{"token": ', 'MALFORMED_JSON'],
          ['{"__proto__": {"valid": true}, "token": "x"}', 'MALFORMED_JSON'],
          ['{"constructor": {"prototype": {"valid": true}}, "token": "x"}', 'MALFORMED_JSON'],
          ['   ', 'VALIDATION_FAILED'],
          ['[]', 'VALIDATION_FAILED'],
          ['{"token": 7}', 'VALIDATION_FAILED'],
          ['{"token": ""}', 'VALIDATION_FAILED'],
          [JSON.stringify({ token: key.token, extra: 1 }), 'UNKNOWN_FIELD'],
          [JSON.stringify({ token: key.token, context: { sourceIp: '10.0.0.1', other: 'x' } }), 'UNKNOWN_FIELD'],
          [JSON.stringify({}), 'VALIDATION_FAILED'],
          [JSON.stringify({ token: key.token, request: { method: 'GET', url: 'https://x.test/', headers: {} } }), 'VALIDATION_FAILED'],
          [JSON.stringify({ token: key.token, context: { sourceIp: '6.6.6.6<script>' } }), 'VALIDATION_FAILED'],
          [JSON.stringify({ token: 'x'.repeat(201) }), 'VALIDATION_FAILED'],
        ];
        for (const [body, code] of cases) {
          const answer = await both(asVerifier(), body);
          expect(answer.status, body).toBe(400);
          expect(JSON.parse(answer.body).error.code, body).toBe(code);
        }
      });

      it('requests it does not take still reach the route: chunked, another content type, over the body limit, a query string', async () => {
        const before = await fastTaken();
        const body = JSON.stringify({ token: key.token });
        const chunked = await overSocket({ 'content-type': 'application/json', ...asVerifier(), 'transfer-encoding': 'chunked' }, [Buffer.from(body.slice(0, 5)), Buffer.from(body.slice(5))]);
        expect(chunked.status).toBe(200);
        expect(JSON.parse(chunked.body)).toMatchObject({ valid: true });
        const text = await overSocket({ 'content-type': 'text/plain', ...asVerifier(), 'content-length': String(body.length) }, body);
        expect(text.status).toBe(400);
        expect(strip(text)).toEqual(strip(await inProcess({ 'content-type': 'text/plain', ...asVerifier() }, body)));
        const huge = JSON.stringify({ token: key.token, context: { userAgent: 'x'.repeat(h.config.bodyLimitBytes) } });
        const tooLarge = await overSocket({ 'content-type': 'application/json', ...asVerifier(), 'content-length': String(huge.length) }, huge);
        expect(tooLarge.status).toBe(413);
        const query = await overSocket({ 'content-type': 'application/json', ...asVerifier(), 'content-length': String(body.length) }, body, 'POST', '/v1/verify?x=1');
        expect(query.status).toBe(200);
        expect(await fastTaken()).toBe(before);
      });
    });

describe('the fast paths take the client address as the route does (LATCHKEY_TRUST_PROXY)', () => {
  for (const reader of READERS)
    for (const trustProxy of [true, false]) {
      it(`records ${trustProxy ? 'the X-Forwarded-For client' : 'the socket peer, not X-Forwarded-For'} with LATCHKEY_TRUST_PROXY=${trustProxy} (read by ${reader})`, async () => {
        const h = await openHttp('sqlite', { env: { LATCHKEY_TRUST_PROXY: String(trustProxy), LATCHKEY_WIRE_VERIFY: String(reader === 'wire') } });
        try {
          const acme = await h.bootstrap();
          const key = await h.createKey(acme.admin);
          const verifier = await verifierFor(h.services, acme.tenantId);
          await h.app.listen({ host: '127.0.0.1', port: 0 });
          const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/v1/verify`;
          const res = await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${verifier.token}`, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7, 198.51.100.2' },
            body: JSON.stringify({ token: key.token }),
          });
          expect(await res.json()).toMatchObject({ valid: true });
          expect(await fastPathTotal(h, reader)).toBe(1);
          await h.services.recorder.flush();
          const records = await h.request({ method: 'GET', url: `/v1/access-keys/${key.accessKeyId}/access-records`, as: acme.admin });
          expect(records.body.items.map((r: { sourceIp: string }) => r.sourceIp)).toEqual([trustProxy ? '203.0.113.7' : '127.0.0.1']);
        } finally {
          await h.close();
        }
      });
    }
});
