/**
 * /v1/authorize as nginx auth_request and Envoy ext_authz call it: the original request's
 * headers (no body), its method and URI in X-Original-* (nginx) or appended to the path
 * (Envoy); 200 with the identity in X-Latchkey-* headers, or 401/403 with X-Latchkey-Code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/crypto/random.js';
import { awsPresign, awsSign, awsSigner, tc3Sign } from './vectors/sdk-signers.js';
import { openHttp, verifierFor, type Harness, type IssuedKey, type Response, type Tenant, type Verifier } from './support/http.js';
import { recordsOf } from './support/signed.js';

describe('gateway mode /v1/authorize (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let key: IssuedKey;
  let roleId: string;
  let verifier: Verifier;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    verifier = await verifierFor(h.services, acme.tenantId);
    roleId = (await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'storage', permissions: ['storage:read', 'storage:list'] } })).body.id;
    key = await h.createKey(acme.admin, { roleIds: [roleId] });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The gateway asks as the tenant's verifier (X-Latchkey-Verifier, which is not part of the original request). */
  const authorize = (o: { method: string; url: string; headers?: Record<string, string>; payload?: string }) =>
    h.app.inject({ ...o, method: o.method as 'GET', headers: { ...o.headers, 'x-latchkey-verifier': verifier.token } });

  const s3 = (k: { accessKeyId: string; secret: string }) => awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'us-east-1', service: 's3', s3Style: true });
  const put = { method: 'PUT', hostname: 'files.example.com', port: 8443, path: '/bucket/a%20b.txt', query: { 'x-id': 'PutObject' }, headers: { 'content-length': '5' }, body: 'hello' };

  /** What nginx sends: the client's headers (no body, no length), Host as the client sent it, and X-Original-*. */
  const viaNginx = (request: { method: string; url: string; headers: [string, string][] }, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { 'x-original-method': request.method, 'x-original-uri': request.url, ...extra };
    for (const [name, value] of request.headers) {
      if (name.toLowerCase() === 'content-length') headers['x-original-content-length'] = value;
      else headers[name.toLowerCase()] = value;
    }
    return authorize({ method: request.method as 'GET', url: '/v1/authorize', headers });
  };
  const expectAllowed = (res: { statusCode: number; headers: Record<string, unknown> }, k: IssuedKey) => {
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'x-latchkey-access-key-id': k.accessKeyId,
      'x-latchkey-tenant-id': acme.tenantId,
      'x-latchkey-user-id': acme.admin.userId,
      'x-latchkey-key-type': 'api',
      'x-latchkey-permissions': 'storage:list,storage:read',
    });
  };
  const expectRefused = (res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['x-latchkey-code']).toBe(code);
    expect(JSON.parse(res.body).error).toMatchObject({ code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', details: { reason: code } });
    expect(res.headers['x-latchkey-access-key-id']).toBeUndefined();
  };

  it('lets an S3 request through, trusting the signed payload hash (the gateway has no body)', async () => {
    const signed = await awsSign(s3(key), put, h.clock.now());
    expect(signed.headers.some(([n]) => n === 'content-length')).toBe(true);
    expectAllowed(await viaNginx(signed), key);
    const [record] = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(record).toMatchObject({ outcome: 'success', scheme: 'sigv4', detail: { via: 'gateway', target: 'PUT /bucket/a%20b.txt', region: 'us-east-1', service: 's3' } });
  });

  it('takes a presigned URL in X-Original-URI, a bearer token and TC3 alike', async () => {
    const url = await awsPresign(s3(key), { method: 'GET', hostname: 'files.example.com', path: '/bucket/x' }, h.clock.now(), 60);
    expectAllowed(await viaNginx(url), key);
    const bearer = await authorize({ method: 'GET', url: '/v1/authorize', headers: { authorization: `Bearer ${key.token}`, 'x-original-uri': '/anything?q=1' } });
    expectAllowed(bearer, key);
    const tc3 = tc3Sign({
      secretId: key.accessKeyId,
      secretKey: key.secret,
      endpoint: 'https://api.example.com',
      service: 'api',
      action: 'List',
      version: '1',
      method: 'GET',
      data: { a: '1' },
      timestamp: Math.floor(h.clock.now().getTime() / 1000),
    });
    expectAllowed(await viaNginx(tc3), key);
  });

  it('reads Envoy’s form: the original path appended to /v1/authorize, the original method as is', async () => {
    const signed = await awsSign(s3(key), { ...put, method: 'GET', headers: {}, body: undefined }, h.clock.now());
    const headers = Object.fromEntries(signed.headers);
    expectAllowed(await authorize({ method: 'GET', url: `/v1/authorize${signed.url}`, headers }), key);
    const wrongMethod = await authorize({ method: 'DELETE', url: `/v1/authorize${signed.url}`, headers });
    expectRefused(wrongMethod, 401, 'SIGNATURE_MISMATCH');
  });

  it('answers 401 for a bad credential and 403 for a good one that may not do this', async () => {
    const good = await awsSign(s3(key), put, h.clock.now());
    expectRefused(await viaNginx({ ...good, url: '/bucket/other.txt?x-id=PutObject' }), 401, 'SIGNATURE_MISMATCH');
    expectRefused(await viaNginx(await awsSign(s3({ ...key, secret: generateSecret() }), put, h.clock.now())), 401, 'SIGNATURE_MISMATCH');
    expectRefused(await viaNginx(await awsSign(s3(key), put, new Date(h.clock.now().getTime() - 3_600_000))), 401, 'REQUEST_TIME_SKEWED');
    expectRefused(await viaNginx({ method: 'GET', url: '/x', headers: [] }), 401, 'MALFORMED');
    expectRefused(await viaNginx(good, { 'x-latchkey-permission': 'storage:write' }), 403, 'PERMISSION_DENIED');
    expectAllowed(await viaNginx(good, { 'x-latchkey-permission': 'storage:read' }), key);
    const other = await h.createKey(acme.admin);
    await h.request({ method: 'POST', url: `/v1/access-keys/${other.accessKeyId}/disable`, as: acme.admin });
    expectRefused(await viaNginx(await awsSign(s3(other), put, h.clock.now())), 403, 'KEY_DISABLED');
  });

  it('needs the signed Content-Length back as X-Original-Content-Length', async () => {
    const signed = await awsSign(s3(key), put, h.clock.now());
    const withoutLength = { ...signed, headers: signed.headers.filter(([n]) => n !== 'content-length') };
    expectRefused(await viaNginx(withoutLength), 401, 'MALFORMED');
  });

  it('ignores whatever body and content type the gateway forwards', async () => {
    const signed = await awsSign(s3(key), put, h.clock.now());
    const headers: Record<string, string> = { 'x-original-method': 'PUT', 'x-original-uri': signed.url };
    for (const [name, value] of signed.headers) headers[name === 'content-length' ? 'x-original-content-length' : name] = value;
    const res = await authorize({ method: 'POST', url: '/v1/authorize', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'tampered=yes' });
    expectAllowed(res, key);
  });

  it('refuses to guess what the original request was (400)', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ authorization: `Bearer ${key.token}` }, 'X-Original-URI'],
      [{ authorization: `Bearer ${key.token}`, 'x-original-uri': 'no-slash' }, 'X-Original-URI'],
      [{ authorization: `Bearer ${key.token}`, 'x-original-uri': '/', 'x-original-method': 'G ET' }, 'X-Original-Method'],
      [{ authorization: `Bearer ${key.token}`, 'x-original-uri': '/', 'x-latchkey-permission': 'x'.repeat(129) }, 'X-Latchkey-Permission'],
    ];
    for (const [headers, named] of cases) {
      const res: Response | { statusCode: number; body: string } = await authorize({ method: 'GET', url: '/v1/authorize', headers });
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body).error.message).toContain(named);
    }
  });
});
