/**
 * POST /v1/verify with signed requests: AWS SigV4 signed by @smithy/signature-v4 (the AWS SDK
 * for JavaScript v3's signer) in header and presigned form, S3 style, and Tencent TC3 signed by
 * tencentcloud-sdk-nodejs's own Sign.sign3 — answered as bearer tokens are, with the same
 * access records (scheme, region and service, the exact reason).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { awsPresign, awsSign, awsSigner, tc3Sign, type AwsRequestInput } from './vectors/sdk-signers.js';
import { openHttp, verify, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { recordsOf, verifyJson, verifySigned } from './support/signed.js';

const MINUTE = 60_000;

describe('signed requests on POST /v1/verify (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  const aws = (k: { accessKeyId: string; secret: string }, service = 'orders', s3Style = false) =>
    awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'eu-west-3', service, s3Style });
  const post: AwsRequestInput = {
    method: 'POST',
    hostname: 'api.example.com',
    path: '/v2/orders',
    query: { dryRun: 'false' },
    headers: { 'content-type': 'application/json', 'user-agent': 'aws-sdk-js/3 orders-cli' },
    body: '{"item":"book","quantity":2}',
  };
  const tc3 = (k: { accessKeyId: string; secret: string }, data: Record<string, unknown> = { Limit: 10 }) =>
    tc3Sign({
      secretId: k.accessKeyId,
      secretKey: k.secret,
      endpoint: 'https://cvm.example.com',
      service: 'cvm',
      action: 'DescribeInstances',
      version: '2017-03-12',
      region: 'ap-guangzhou',
      method: 'POST',
      data,
      timestamp: Math.floor(h.clock.now().getTime() / 1000),
    });
  /** Moves the clock 1 ms after each answer: records written in one millisecond have no order. */
  const check = async (request: Parameters<typeof verifySigned>[1], permission?: string) => {
    const answer = await verifySigned(h, request, permission);
    h.clock.advance(1);
    return answer;
  };

  it('answers a SigV4 header-signed request exactly as the bearer token of the same key, and records it', async () => {
    const k = await h.createKey(acme.admin, { expiresInDays: 30 });
    const answer = await check(await awsSign(aws(k), post, h.clock.now()));
    expect(answer).toEqual(await verify(h, k.token));
    expect(answer).toMatchObject({ valid: true, accessKeyId: k.accessKeyId, tenantId: acme.tenantId, userId: acme.admin.userId });
    const [, signed] = await recordsOf(h, acme.admin, k.accessKeyId);
    expect(signed).toMatchObject({ outcome: 'success', code: null, scheme: 'sigv4', userAgent: 'aws-sdk-js/3 orders-cli', detail: { region: 'eu-west-3', service: 'orders' } });
  });

  it('accepts presigned URLs and Tencent TC3, each recorded under its scheme', async () => {
    const k = await h.createKey(acme.admin);
    const presigned = await awsPresign(aws(k), { method: 'GET', hostname: 'api.example.com', path: '/v2/orders/42' }, h.clock.now(), 300);
    expect(await check(presigned)).toMatchObject({ valid: true, accessKeyId: k.accessKeyId });
    expect(await check(tc3(k))).toMatchObject({ valid: true, accessKeyId: k.accessKeyId });
    const [tencent, aws4] = await recordsOf(h, acme.admin, k.accessKeyId);
    expect(aws4).toMatchObject({ outcome: 'success', scheme: 'sigv4', detail: { region: 'eu-west-3', service: 'orders', form: 'presigned' } });
    expect(tencent).toMatchObject({ outcome: 'success', scheme: 'tc3', detail: { service: 'cvm' } });
  });

  it('takes the body as text, as base64 or as its SHA-256 only', async () => {
    const k = await h.createKey(acme.admin);
    const bytes = Buffer.from([0, 255, 1, 254, 0x80, 0x0a]);
    const binary = await awsSign(aws(k), { ...post, headers: { 'content-type': 'application/octet-stream' }, body: bytes }, h.clock.now());
    expect(verifyJson(binary)).toMatchObject({ bodyEncoding: 'base64' });
    expect(await check(binary)).toMatchObject({ valid: true });
    const signed = await awsSign(aws(k), post, h.clock.now());
    const { body: _body, ...withoutBody } = verifyJson(signed);
    const digest = (await import('node:crypto'))
      .createHash('sha256')
      .update(post.body as string)
      .digest('hex');
    expect(await check({ ...withoutBody, bodySha256: digest })).toMatchObject({ valid: true });
    expect(await check({ ...withoutBody, bodySha256: digest.toUpperCase() })).toMatchObject({ valid: true });
    expect(await check({ ...withoutBody, bodySha256: '0'.repeat(64) })).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
  });

  it('refuses a tampered body, path, header or signature with SIGNATURE_MISMATCH, and records it', async () => {
    const k = await h.createKey(acme.admin);
    const signed = verifyJson(await awsSign(aws(k), post, h.clock.now()));
    const headers = signed.headers as [string, string][];
    const tampered = [
      { ...signed, body: '{"item":"book","quantity":20}' },
      { ...signed, url: '/v2/orders?dryRun=true' },
      { ...signed, method: 'PUT' },
      { ...signed, headers: headers.map(([n, v]) => [n, n === 'content-type' ? 'text/plain' : v]) },
      { ...signed, headers: headers.map(([n, v]) => [n, n === 'authorization' ? v.replace(/Signature=(.)/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`) : v]) },
    ];
    // Without x-amz-content-sha256 (applyChecksum off) the body's hash is only inside the signature.
    const bare = awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'eu-west-3', service: 'orders', applyChecksum: false });
    const withoutHash = verifyJson(await awsSign(bare, post, h.clock.now()));
    expect((withoutHash.headers as [string, string][]).some(([n]) => n === 'x-amz-content-sha256')).toBe(false);
    tampered.push({ ...withoutHash, body: '{"item":"book","quantity":20}' });
    for (const request of tampered) expect(await check(request), JSON.stringify(request).slice(0, 80)).toEqual({ valid: false, code: 'SIGNATURE_MISMATCH', message: expect.any(String) });
    const records = await recordsOf(h, acme.admin, k.accessKeyId);
    expect(records.map((r) => [r.outcome, r.code, r.scheme, r.detail?.check])).toEqual([
      ...Array.from({ length: 5 }, () => ['failure', 'SIGNATURE_MISMATCH', 'sigv4', 'SIGNATURE_MISMATCH']),
      // The SDK signed x-amz-content-sha256, so the changed body is caught by its hash before any key is used.
      ['failure', 'SIGNATURE_MISMATCH', 'sigv4', 'PAYLOAD_HASH_MISMATCH'],
    ]);
    expect(records[0]!.detail).toMatchObject({ region: 'eu-west-3', service: 'orders' });
  });

  it('checks an S3 body against its signed x-amz-content-sha256', async () => {
    const k = await h.createKey(acme.admin);
    const s3 = await awsSign(aws(k, 's3', true), { method: 'PUT', hostname: 's3.example.com', path: '/bucket/report.csv', body: 'a,b\n1,2\n' }, h.clock.now());
    expect(s3.headers.some(([n]) => n === 'x-amz-content-sha256')).toBe(true);
    expect(await check(s3)).toMatchObject({ valid: true });
    expect(await check({ ...verifyJson(s3), body: 'a,b\n1,3\n' })).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
    const [record] = await recordsOf(h, acme.admin, k.accessKeyId);
    expect(record).toMatchObject({ outcome: 'failure', code: 'SIGNATURE_MISMATCH', scheme: 'sigv4', detail: { check: 'PAYLOAD_HASH_MISMATCH' } });
  });

  it('answers a wrong secret and an unknown key alike; only the existing key gets a record', async () => {
    const k = await h.createKey(acme.admin);
    const wrongSecret = await check(await awsSign(aws({ accessKeyId: k.accessKeyId, secret: generateSecret() }), post, h.clock.now()));
    const unknown = await check(await awsSign(aws({ accessKeyId: generateAccessKeyId(), secret: generateSecret() }), post, h.clock.now()));
    const unknownTc3 = await check(tc3({ accessKeyId: generateAccessKeyId(), secret: generateSecret() }));
    expect(wrongSecret).toEqual({ valid: false, code: 'SIGNATURE_MISMATCH', message: expect.any(String) });
    expect(unknown).toEqual(wrongSecret);
    expect(unknownTc3).toEqual(wrongSecret);
    expect(await recordsOf(h, acme.admin, k.accessKeyId)).toMatchObject([{ outcome: 'failure', code: 'SIGNATURE_MISMATCH' }]);
  });

  it('fails a disabled or expired key and a missing permission with their codes, as for bearer tokens', async () => {
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'orders-reader', permissions: ['orders:read'] } });
    const k = await h.createKey(acme.admin, { expiresInDays: 1, roleIds: [role.body.id] });
    expect(await check(await awsSign(aws(k), post, h.clock.now()), 'orders:read')).toMatchObject({ valid: true, permissions: ['orders:read'] });
    expect(await check(tc3(k), 'orders:write')).toEqual({ valid: false, code: 'PERMISSION_DENIED', message: expect.any(String) });
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/disable`, as: acme.admin });
    expect(await check(await awsSign(aws(k), post, h.clock.now()))).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    expect(await check(tc3(k))).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/enable`, as: acme.admin });
    h.clock.advance(24 * 60 * MINUTE);
    expect(await check(await awsSign(aws(k), post, h.clock.now()))).toMatchObject({ valid: false, code: 'KEY_EXPIRED' });
    const codes = (await recordsOf(h, acme.admin, k.accessKeyId)).map((r) => [r.scheme, r.code, r.permission]);
    expect(codes).toEqual([
      ['sigv4', 'KEY_EXPIRED', null],
      ['tc3', 'KEY_DISABLED', null],
      ['sigv4', 'KEY_DISABLED', null],
      ['tc3', 'PERMISSION_DENIED', 'orders:write'],
      ['sigv4', null, 'orders:read'],
    ]);
  });

  it('refuses a request dated more than 5 minutes away (15 for S3) with REQUEST_TIME_SKEWED, recorded for the key', async () => {
    const k = await h.createKey(acme.admin);
    const now = h.clock.now().getTime();
    expect(await check(await awsSign(aws(k), post, new Date(now - 4 * MINUTE)))).toMatchObject({ valid: true });
    expect(await check(await awsSign(aws(k), post, new Date(now - 6 * MINUTE)))).toMatchObject({ valid: false, code: 'REQUEST_TIME_SKEWED' });
    expect(await check(await awsSign(aws(k), post, new Date(now + 6 * MINUTE)))).toMatchObject({ valid: false, code: 'REQUEST_TIME_SKEWED' });
    const s3 = (at: number) => awsSign(aws(k, 's3', true), { method: 'GET', hostname: 's3.example.com', path: '/bucket/key' }, new Date(at));
    expect(await check(await s3(now - 14 * MINUTE))).toMatchObject({ valid: true });
    expect(await check(await s3(now - 16 * MINUTE))).toMatchObject({ valid: false, code: 'REQUEST_TIME_SKEWED' });
    h.clock.advance(6 * MINUTE);
    expect(await check(tc3(k))).toMatchObject({ valid: true });
    const late = tc3(k);
    h.clock.advance(6 * MINUTE);
    expect(await check(late)).toMatchObject({ valid: false, code: 'REQUEST_TIME_SKEWED' });
    const refused = (await recordsOf(h, acme.admin, k.accessKeyId)).filter((r) => r.outcome === 'failure');
    expect(refused.map((r) => [r.scheme, r.code, r.detail?.check])).toEqual([
      ['tc3', 'REQUEST_TIME_SKEWED', 'CLOCK_SKEW'],
      ['sigv4', 'REQUEST_TIME_SKEWED', 'CLOCK_SKEW'],
      ['sigv4', 'REQUEST_TIME_SKEWED', 'CLOCK_SKEW'],
      ['sigv4', 'REQUEST_TIME_SKEWED', 'CLOCK_SKEW'],
    ]);
  });

  it('allows UNSIGNED-PAYLOAD for S3 only', async () => {
    const k = await h.createKey(acme.admin);
    const unsigned = { method: 'PUT', hostname: 'h.example.com', path: '/bucket/big.bin', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'anything' };
    expect(await check(await awsSign(aws(k, 's3', true), unsigned, h.clock.now()))).toMatchObject({ valid: true });
    expect(await check(await awsSign(aws(k, 'orders'), unsigned, h.clock.now()))).toMatchObject({ valid: false, code: 'MALFORMED' });
    const [record] = await recordsOf(h, acme.admin, k.accessKeyId);
    expect(record).toMatchObject({ outcome: 'failure', code: 'MALFORMED', scheme: 'sigv4', detail: { check: 'UNSIGNED_PAYLOAD_NOT_ALLOWED' } });
  });

  it('keeps the previous secret working through a rotation overlap, and not after it', async () => {
    const k = await h.createKey(acme.admin);
    expect(await check(await awsSign(aws(k), post, h.clock.now()))).toMatchObject({ valid: true });
    const rotated = await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/rotate`, as: acme.admin, body: { overlapSeconds: 3600 } });
    expect(rotated.status).toBe(200);
    const next: IssuedKey = rotated.body;
    expect(await check(await awsSign(aws(k), post, h.clock.now()))).toMatchObject({ valid: true });
    expect(await check(tc3(k))).toMatchObject({ valid: true });
    expect(await check(await awsSign(aws(next), post, h.clock.now()))).toMatchObject({ valid: true });
    h.clock.advance(61 * MINUTE);
    expect(await check(await awsSign(aws(k), post, h.clock.now()))).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
    expect(await check(tc3(k))).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
    expect(await check(await awsSign(aws(next), post, h.clock.now()))).toMatchObject({ valid: true });
  });

  it('answers MALFORMED for an unsigned or garbled request, without naming any key', async () => {
    const k = await h.createKey(acme.admin);
    const signed = verifyJson(await awsSign(aws(k), post, h.clock.now()));
    const headers = signed.headers as [string, string][];
    for (const request of [
      { method: 'GET', url: '/', headers: [['host', 'api.example.com']] },
      { method: 'GET', url: '/', headers: { authorization: `Bearer ${k.token}` } },
      { ...signed, headers: headers.map(([n, v]) => [n, n === 'authorization' ? v.replace('Credential=', 'Credentials=') : v]) },
      { ...signed, headers: headers.filter(([n]) => n !== 'x-amz-date') },
      { ...signed, method: 'GE T' },
      { ...signed, url: 'orders' },
    ]) {
      expect(await check(request), JSON.stringify(request).slice(0, 120)).toEqual({ valid: false, code: 'MALFORMED', message: expect.any(String) });
    }
    const records = await recordsOf(h, acme.admin, k.accessKeyId);
    // Only the request whose credential could be read (the missing date) names the key.
    expect(records).toMatchObject([{ outcome: 'failure', code: 'MALFORMED', scheme: 'sigv4', detail: { check: 'MISSING_DATE' } }]);
  });
});
