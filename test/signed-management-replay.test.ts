/**
 * Issue 10 item 4: a signed request to Latchkey's own management API is single-use within its
 * window whatever the tenant's replayProtection policy (off by default): replaying a captured
 * signed POST /v1/access-keys must not mint new keys. The policy keeps governing /v1/verify.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignableRequest } from '../src/signing/signable-request.js';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { listen, recordsOf } from './support/signed.js';
import { awsPresign, awsSign, awsSigner } from './vectors/sdk-signers.js';

interface Reply {
  status: number;
  body: any;
}

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

describe.each(DATABASE_KINDS)('signed management requests are single-use (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let port: number;
  let key: IssuedKey;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    port = Number(new URL(await listen(h)).port);
    key = await h.createKey(acme.admin, { type: 'access', name: 'automation' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const signer = () => awsSigner({ accessKeyId: key.accessKeyId, secretAccessKey: key.secret, region: 'eu-west-1', service: 'latchkey' });
  const keyCount = async () => (await h.request({ method: 'GET', url: '/v1/access-keys?limit=100', as: acme.admin })).body.items.length;

  it('the same signed POST /v1/access-keys sent 3 times creates 1 key, with replayProtection off', async () => {
    h.clock.advance(1000);
    expect((await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body.replayProtection).toBe(false);
    const before = await keyCount();
    const body = JSON.stringify({ name: 'minted once', type: 'api' });
    const signed = await awsSign(signer(), { method: 'POST', hostname: '127.0.0.1', port, path: '/v1/access-keys', headers: { 'content-type': 'application/json' }, body }, h.clock.now());
    const replies = [];
    for (let i = 0; i < 3; i++) {
      replies.push(await send(port, signed));
      h.clock.advance(1);
    }
    expect(replies.map((r) => r.status)).toEqual([201, 401, 401]);
    expect(replies[0]!.body.secret).toEqual(expect.any(String));
    for (const refused of replies.slice(1)) {
      expect(refused.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('SIGNATURE_REPLAYED') });
      expect(JSON.stringify(refused.body)).not.toContain(key.secret);
    }
    expect(await keyCount()).toBe(before + 1);
    const records = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(records.filter((r) => r.code === 'SIGNATURE_REPLAYED')).toHaveLength(2);
  });

  it('a signed GET replayed is refused too, while a freshly signed one passes', async () => {
    h.clock.advance(1000);
    const signed = await awsSign(signer(), { method: 'GET', hostname: '127.0.0.1', port, path: '/v1/me' }, h.clock.now());
    expect((await send(port, signed)).status).toBe(200);
    expect((await send(port, signed)).status).toBe(401);
    h.clock.advance(1000);
    const fresh = await awsSign(signer(), { method: 'GET', hostname: '127.0.0.1', port, path: '/v1/me' }, h.clock.now());
    expect((await send(port, fresh)).status).toBe(200);
  });

  it('a presigned management URL works once', async () => {
    h.clock.advance(1000);
    const presigned = await awsPresign(signer(), { method: 'GET', hostname: '127.0.0.1', port, path: '/v1/me' }, h.clock.now(), 300);
    expect((await send(port, presigned)).status).toBe(200);
    expect((await send(port, presigned)).status).toBe(401);
  });
});
