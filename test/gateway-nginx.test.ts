/**
 * Debian's nginx with auth_request to Latchkey's /v1/authorize in front of a small upstream: an
 * S3Client request signed by the AWS SDK passes and the upstream sees who called; a bad one gets
 * 401/403 from nginx and never reaches the upstream. The access records show what happened.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/crypto/random.js';
import { awsPresign, awsSigner } from './vectors/sdk-signers.js';
import { openHttp, wallClock, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { listen, recordsOf } from './support/signed.js';
import { startNginx, type Nginx } from './support/signed-nginx.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The upstream API: stores what is PUT, returns it on GET, and remembers every request that reached it. */
async function startUpstream() {
  const seen: Seen[] = [];
  const objects = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: body.toString('utf8') });
      const path = req.url!.split('?')[0]!;
      if (req.method === 'PUT') {
        objects.set(path, body);
        res.writeHead(200, { etag: '"1"', 'content-length': '0' });
        return res.end();
      }
      const found = objects.get(path) ?? Buffer.from('upstream answer');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(found.length) });
      res.end(found);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plain request through nginx, with exactly these headers. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('nginx auth_request in front of an upstream, guarded by Latchkey (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let nginx: Nginx;
  let key: IssuedKey;
  beforeAll(async () => {
    // The SDK signs with the machine's time: the server's clock follows it.
    h = await openHttp('sqlite', { clock: wallClock() });
    acme = await h.bootstrap();
    const latchkeyPort = Number(new URL(await listen(h)).port);
    upstream = await startUpstream();
    // The gateway's verifier key, made as an integrator makes one: POST /v1/access-keys {verifier: true}.
    const verifier = await h.createKey(acme.admin, { name: 'nginx gateway', verifier: true });
    expect(verifier).toMatchObject({ type: 'api', verifier: true });
    nginx = await startNginx({ latchkeyPort, verifierToken: verifier.token, upstreamPort: upstream.port, permissions: { '/reports/': 'reports:read' } });
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'files', permissions: ['files:*'] } });
    key = await h.createKey(acme.admin, { roleIds: [role.body.id] });
  });
  afterAll(async () => {
    await nginx?.stop();
    await upstream?.close();
    await h?.close();
  });

  const s3 = (k: { accessKeyId: string; secret: string }) =>
    new S3Client({ region: 'eu-north-1', endpoint: nginx.url, forcePathStyle: true, credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secret }, maxAttempts: 1 });
  const refused = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => null,
      (e: unknown) => e,
    )) as { $metadata?: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } } | null;
    expect(error, 'nginx should have refused the request').not.toBeNull();
    return { status: error!.$metadata?.httpStatusCode, code: error!.$response?.headers['x-latchkey-code'] };
  };

  it('passes AWS SDK requests signed for S3 and tells the upstream who called', async () => {
    const before = upstream.seen.length;
    await s3(key).send(new PutObjectCommand({ Bucket: 'bucket', Key: 'reports 2024/q1.csv', Body: 'a,b\n1,2\n' }));
    const got = await s3(key).send(new GetObjectCommand({ Bucket: 'bucket', Key: 'reports 2024/q1.csv' }));
    expect(await got.Body!.transformToString()).toBe('a,b\n1,2\n');
    const [put, fetched] = upstream.seen.slice(before);
    expect(upstream.seen.length - before).toBe(2);
    expect(put).toMatchObject({ method: 'PUT', url: '/bucket/reports%202024/q1.csv?x-id=PutObject', body: 'a,b\n1,2\n' });
    for (const request of [put!, fetched!]) {
      expect(request.headers).toMatchObject({
        'x-latchkey-access-key-id': key.accessKeyId,
        'x-latchkey-tenant-id': acme.tenantId,
        'x-latchkey-user-id': acme.admin.userId,
        'x-latchkey-permissions': 'files:*',
      });
    }
    const records = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(records.map((r) => [r.outcome, r.scheme, r.detail?.via, r.detail?.target, r.detail?.service])).toEqual([
      ['success', 'sigv4', 'gateway', 'GET /bucket/reports%202024/q1.csv', 's3'],
      ['success', 'sigv4', 'gateway', 'PUT /bucket/reports%202024/q1.csv', 's3'],
    ]);
  });

  it('replaces identity headers a client forges with the real ones', async () => {
    const before = upstream.seen.length;
    const res = await get(nginx.port, '/anything', { authorization: `Bearer ${key.token}`, 'x-latchkey-user-id': 'usr_forged', 'x-latchkey-permissions': '*' });
    expect(res.status).toBe(200);
    expect(upstream.seen.slice(before)).toHaveLength(1);
    expect(upstream.seen.at(-1)!.headers).toMatchObject({ 'x-latchkey-user-id': acme.admin.userId, 'x-latchkey-permissions': 'files:*' });
  });

  it('refuses bad requests with 401 or 403 and X-Latchkey-Code; none reaches the upstream', async () => {
    const before = upstream.seen.length;
    expect(await refused(s3({ ...key, secret: generateSecret() }).send(new GetObjectCommand({ Bucket: 'bucket', Key: 'x' })))).toEqual({ status: 401, code: 'SIGNATURE_MISMATCH' });
    const disabled = await h.createKey(acme.admin);
    await h.request({ method: 'POST', url: `/v1/access-keys/${disabled.accessKeyId}/disable`, as: acme.admin });
    expect(await refused(s3(disabled).send(new PutObjectCommand({ Bucket: 'bucket', Key: 'x', Body: 'x' })))).toEqual({ status: 403, code: 'KEY_DISABLED' });
    const anonymous = await get(nginx.port, '/bucket/x');
    expect([anonymous.status, anonymous.headers['x-latchkey-code']]).toEqual([401, 'MALFORMED']);
    // The last character changed, whatever it was (a random token may end in any letter).
    const badToken = await get(nginx.port, '/bucket/x', { authorization: `Bearer ${key.token.slice(0, -1)}${key.token.endsWith('x') ? 'y' : 'x'}` });
    expect(badToken.status).toBe(401);
    expect(upstream.seen.length).toBe(before);
    const records = await recordsOf(h, acme.admin, disabled.accessKeyId);
    expect(records).toMatchObject([{ outcome: 'failure', code: 'KEY_DISABLED', scheme: 'sigv4', detail: { via: 'gateway', target: 'PUT /bucket/x' } }]);
  });

  it('checks the permission a location asks for (403 PERMISSION_DENIED without it)', async () => {
    const before = upstream.seen.length;
    const denied = await get(nginx.port, '/reports/latest', { authorization: `Bearer ${key.token}` });
    expect([denied.status, denied.headers['x-latchkey-code']]).toEqual([403, 'PERMISSION_DENIED']);
    expect(upstream.seen.length).toBe(before);
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'reports', permissions: ['reports:read'] } });
    const reader = await h.createKey(acme.admin, { roleIds: [role.body.id] });
    const allowed = await get(nginx.port, '/reports/latest', { authorization: `Bearer ${reader.token}` });
    expect(allowed.status).toBe(200);
    expect(upstream.seen.at(-1)!.headers['x-latchkey-permissions']).toBe('reports:read');
    expect((await recordsOf(h, acme.admin, key.accessKeyId))[0]).toMatchObject({ outcome: 'failure', code: 'PERMISSION_DENIED', permission: 'reports:read', scheme: 'bearer' });
  });

  it('passes a presigned URL until it expires', async () => {
    const signer = awsSigner({ accessKeyId: key.accessKeyId, secretAccessKey: key.secret, region: 'eu-north-1', service: 's3', s3Style: true });
    const url = await awsPresign(signer, { method: 'GET', hostname: '127.0.0.1', port: nginx.port, path: '/bucket/shared.txt' }, h.clock.now(), 60);
    expect((await get(nginx.port, url.url, Object.fromEntries(url.headers))).status).toBe(200);
    h.clock.advance(61_000);
    const expired = await get(nginx.port, url.url, Object.fromEntries(url.headers));
    expect([expired.status, expired.headers['x-latchkey-code']]).toEqual([401, 'REQUEST_TIME_SKEWED']);
  });

  it('ran on the documented configuration without a warning in nginx’s log', () => {
    expect(nginx.config).toContain('auth_request /_latchkey;');
    expect(nginx.log()).not.toMatch(/\[(?:warn|error|crit|alert|emerg)\]/);
  });
});
