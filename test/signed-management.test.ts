/**
 * The management API called with SigV4-signed requests (signed by @smithy/signature-v4) over a
 * real socket: verified over the raw method, target, headers and body bytes as received.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/crypto/random.js';
import type { SignableRequest } from '../src/signing/signable-request.js';
import { awsPresign, awsSign, awsSigner, tc3Sign, type AwsRequestInput } from './vectors/sdk-signers.js';
import { openHttp, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { listen, recordsOf } from './support/signed.js';

interface Reply {
  status: number;
  body: any;
}

/** Sends the signed request as it is, header for header and byte for byte. */
function send(port: number, request: SignableRequest & { headers: [string, string][] }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers.flat(), setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, body: text === '' ? undefined : JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(request.body === undefined ? undefined : Buffer.from(request.body as string | Uint8Array));
  });
}

describe('SigV4-signed requests on the management API (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let port: number;
  let key: IssuedKey;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    port = Number(new URL(await listen(h)).port);
    key = await h.createKey(acme.admin, { type: 'access', name: 'automation' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const signer = (k: { accessKeyId: string; secret: string }, service = 'latchkey') => awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'eu-west-1', service });
  const input = (method: string, path: string, body?: unknown, query?: Record<string, string>): AwsRequestInput => ({
    method,
    hostname: '127.0.0.1',
    port,
    path,
    ...(query && { query }),
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const signed = async (k: { accessKeyId: string; secret: string }, method: string, path: string, body?: unknown) => {
    const request = await awsSign(signer(k), input(method, path, body), h.clock.now());
    h.clock.advance(1);
    return request;
  };

  it('authenticates a signed GET as the key owner, without cookie or CSRF token, and records it', async () => {
    const me = await send(port, await signed(key, 'GET', '/v1/me'));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ via: 'key', accessKeyId: key.accessKeyId, user: { id: acme.admin.userId } });
    const [record] = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(record).toMatchObject({ outcome: 'success', scheme: 'sigv4', detail: { via: 'management-api', route: 'GET /v1/me', region: 'eu-west-1', service: 'latchkey' } });
  });

  it('creates a key with a signed JSON body, verified over the bytes as sent', async () => {
    // Spacing, escapes and key order as a client wrote them: re-serialising would hash differently.
    const body = '{ "name" : "r\\u00e9sum\\u00e9 bot",\n  "type": "api" }';
    const created = await send(port, await signed(key, 'POST', '/v1/access-keys', body));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'résumé bot', creatorId: acme.admin.userId });
  });

  it('refuses a body changed after signing, and creates nothing', async () => {
    const before = (await h.request({ method: 'GET', url: '/v1/access-keys?limit=100', as: acme.admin })).body.items.length;
    const request = await signed(key, 'POST', '/v1/access-keys', { name: 'one' });
    const refused = await send(port, { ...request, body: JSON.stringify({ name: 'two' }) });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'SIGNATURE_MISMATCH' } });
    expect((await h.request({ method: 'GET', url: '/v1/access-keys?limit=100', as: acme.admin })).body.items).toHaveLength(before);
  });

  it('refuses a changed path, method or Host, a wrong secret and a skewed clock with 401', async () => {
    const request = await signed(key, 'GET', '/v1/access-keys');
    const cases: [string, SignableRequest & { headers: [string, string][] }, string][] = [
      ['path', { ...request, url: '/v1/users' }, 'SIGNATURE_MISMATCH'],
      ['host', { ...request, headers: request.headers.map(([n, v]) => [n, n === 'host' ? `localhost:${port}` : v]) }, 'SIGNATURE_MISMATCH'],
      ['secret', await signed({ accessKeyId: key.accessKeyId, secret: generateSecret() }, 'GET', '/v1/access-keys'), 'SIGNATURE_MISMATCH'],
      ['clock', await awsSign(signer(key), input('GET', '/v1/access-keys'), new Date(h.clock.now().getTime() - 10 * 60_000)), 'REQUEST_TIME_SKEWED'],
    ];
    for (const [name, req, reason] of cases) {
      const res = await send(port, req);
      expect(res.status, name).toBe(401);
      expect(res.body.error.details, name).toEqual({ reason });
    }
  });

  it('accepts a presigned URL', async () => {
    const url = await awsPresign(signer(key), input('GET', '/v1/access-keys', undefined, { limit: '5' }), h.clock.now(), 60);
    const res = await send(port, url);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });

  it('never accepts UNSIGNED-PAYLOAD here, whatever service the client names', async () => {
    const s3 = awsSigner({ accessKeyId: key.accessKeyId, secretAccessKey: key.secret, region: 'eu-west-1', service: 's3', s3Style: true });
    const request = await awsSign(
      s3,
      { ...input('POST', '/v1/access-keys', { name: 'x' }), headers: { 'content-type': 'application/json', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      h.clock.now(),
    );
    const res = await send(port, request);
    expect(res.status).toBe(401);
    expect(res.body.error.details).toEqual({ reason: 'MALFORMED' });
  });

  it('answers an api-type key 403 and a disabled key 401, as for bearer tokens', async () => {
    const api = await h.createKey(acme.admin, { type: 'api' });
    const apiCall = await send(port, await signed(api, 'GET', '/v1/me'));
    expect(apiCall.status).toBe(403);
    expect(apiCall.body.error.code).toBe('FORBIDDEN');
    const other = await h.createKey(acme.admin, { type: 'access' });
    await h.request({ method: 'POST', url: `/v1/access-keys/${other.accessKeyId}/disable`, as: acme.admin });
    const disabled = await send(port, await signed(other, 'GET', '/v1/me'));
    expect(disabled.status).toBe(401);
    expect(disabled.body.error.details).toEqual({ reason: 'KEY_DISABLED' });
  });

  it('acts as a member with the member’s rights only', async () => {
    const member = await h.createUser(acme.admin);
    const memberKey = await h.createKey(member.session, { type: 'access' });
    expect((await send(port, await signed(memberKey, 'GET', '/v1/me'))).body).toMatchObject({ user: { id: member.id } });
    const users = await send(port, await signed(memberKey, 'GET', '/v1/users'));
    expect(users.status).toBe(403);
  });

  it('refuses TC3 here with a clear reason (TC3 is for the tenant’s own APIs)', async () => {
    const request = tc3Sign({
      secretId: key.accessKeyId,
      secretKey: key.secret,
      endpoint: `http://127.0.0.1:${port}`,
      service: 'latchkey',
      action: 'Me',
      version: '1',
      method: 'GET',
      data: {},
      timestamp: Math.floor(h.clock.now().getTime() / 1000),
    });
    const res = await send(port, { ...request, url: '/v1/me' });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('AWS Signature V4');
  });
});
