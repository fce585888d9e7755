/**
 * The official AWS SDK for JavaScript v3 S3Client (path style) against a small object store
 * that asks Latchkey's POST /v1/verify about every request, body and all. Good requests pass;
 * a body changed after signing, a wrong secret, a disabled key and a skewed clock
 * (systemClockOffset) fail with Latchkey's code as the SDK error's name.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/crypto/random.js';
import { openHttp, verifierFor, wallClock, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { listen, recordsOf, s3Refusal, startGuard, type Guard, type GuardedRequest } from './support/signed.js';

const MINUTE = 60_000;

/** Just enough of S3 for the commands below, kept in memory. */
function objectStore() {
  const objects = new Map<string, Buffer>();
  return (request: GuardedRequest, _who: unknown, res: import('node:http').ServerResponse) => {
    const url = new URL(request.url, 'http://store');
    const path = decodeURIComponent(url.pathname);
    if (request.method === 'PUT') {
      objects.set(path, request.body);
      res.writeHead(200, { etag: `"${objects.size}"`, 'content-length': '0' });
      return res.end();
    }
    if (url.searchParams.get('list-type') === '2') {
      const prefix = `${path.replace(/\/$/, '')}/${url.searchParams.get('prefix') ?? ''}`;
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(path.replace(/\/$/, '').length + 1));
      res.writeHead(200, { 'content-type': 'application/xml' });
      const contents = keys.map((k) => `<Contents><Key>${k}</Key><Size>${objects.get(`${path.replace(/\/$/, '')}/${k}`)!.length}</Size></Contents>`).join('');
      return res.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bucket</Name><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
      );
    }
    const found = objects.get(path);
    if (!found) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(found.length) });
    res.end(found);
  };
}

describe('AWS SDK S3Client through an API guarded by Latchkey (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let guard: Guard;
  let key: IssuedKey;
  beforeAll(async () => {
    // The SDK signs with the machine's time: the server's clock follows it.
    h = await openHttp('sqlite', { clock: wallClock() });
    acme = await h.bootstrap();
    guard = await startGuard({ latchkeyUrl: await listen(h), verifier: (await verifierFor(h.services, acme.tenantId)).token, allowed: objectStore(), refused: s3Refusal });
    key = await h.createKey(acme.admin);
  });
  afterAll(async () => {
    await guard?.close();
    await h?.close();
  });

  const client = (k: { accessKeyId: string; secret: string }, options: { systemClockOffset?: number } = {}) =>
    new S3Client({
      region: 'eu-west-1',
      endpoint: guard.url,
      forcePathStyle: true,
      credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secret },
      // One attempt: a retry would re-sign (and the SDK corrects its clock from a refusal's Date header).
      maxAttempts: 1,
      ...options,
    });
  const refusal = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => null,
      (e: unknown) => e,
    )) as { name: string; $metadata?: { httpStatusCode?: number } } | null;
    expect(error, 'the request should have been refused').not.toBeNull();
    return error!.name;
  };

  it('puts, lists and gets objects with keys that need encoding, every request verified', async () => {
    const s3 = client(key);
    const before = guard.allowedCount();
    await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'reports/2024 Q1/résumé+1.txt', Body: 'first quarter' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'reports/2024 Q1/b~c.bin', Body: Buffer.from([0, 1, 2, 255]) }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'reports/2024 Q1/' }));
    expect(listed.Contents?.map((c) => c.Key).sort()).toEqual(['reports/2024 Q1/b~c.bin', 'reports/2024 Q1/résumé+1.txt']);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'reports/2024 Q1/résumé+1.txt' }));
    expect(await got.Body!.transformToString()).toBe('first quarter');
    expect(guard.allowedCount() - before).toBe(4);
    const records = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(records).toHaveLength(4);
    for (const r of records) expect(r).toMatchObject({ outcome: 'success', scheme: 'sigv4', detail: { region: 'eu-west-1', service: 's3' } });
    expect(records[0]!.userAgent).toContain('aws-sdk-js');
  });

  it('refuses a body changed after signing (SIGNATURE_MISMATCH) and lets nothing through', async () => {
    const s3 = client(key);
    s3.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        // Same length, so only the content differs from what was signed.
        if (request.body === 'pay 10 EUR') request.body = 'pay 99 EUR';
        return next(args);
      },
      { step: 'deserialize', name: 'manInTheMiddle' },
    );
    const before = guard.allowedCount();
    expect(await refusal(s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'order.txt', Body: 'pay 10 EUR' })))).toBe('SIGNATURE_MISMATCH');
    expect(guard.allowedCount()).toBe(before);
    const [record] = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(record).toMatchObject({ outcome: 'failure', code: 'SIGNATURE_MISMATCH', detail: { check: 'PAYLOAD_HASH_MISMATCH' } });
  });

  it('refuses a wrong secret with SIGNATURE_MISMATCH, recorded for the key', async () => {
    expect(await refusal(client({ ...key, secret: generateSecret() }).send(new GetObjectCommand({ Bucket: 'bucket', Key: 'x' })))).toBe('SIGNATURE_MISMATCH');
    const [record] = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(record).toMatchObject({ outcome: 'failure', code: 'SIGNATURE_MISMATCH', scheme: 'sigv4', detail: { check: 'SIGNATURE_MISMATCH' } });
  });

  it('refuses a disabled key with KEY_DISABLED, and works again once it is enabled', async () => {
    const k = await h.createKey(acme.admin);
    await client(k).send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k.txt', Body: 'v' }));
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/disable`, as: acme.admin });
    expect(await refusal(client(k).send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k.txt' })))).toBe('KEY_DISABLED');
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/enable`, as: acme.admin });
    expect(await (await client(k).send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k.txt' }))).Body!.transformToString()).toBe('v');
  });

  it('refuses a client clock 20 minutes off (REQUEST_TIME_SKEWED) and accepts one 10 minutes off (S3 allows 15)', async () => {
    expect(await refusal(client(key, { systemClockOffset: -20 * MINUTE }).send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k.txt' })))).toBe('REQUEST_TIME_SKEWED');
    expect(await refusal(client(key, { systemClockOffset: 20 * MINUTE }).send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k.txt' })))).toBe('REQUEST_TIME_SKEWED');
    await client(key, { systemClockOffset: -10 * MINUTE }).send(new PutObjectCommand({ Bucket: 'bucket', Key: 'late.txt', Body: 'ok' }));
    const [record] = (await recordsOf(h, acme.admin, key.accessKeyId)).filter((r) => r.outcome === 'failure');
    expect(record).toMatchObject({ code: 'REQUEST_TIME_SKEWED', detail: { check: 'CLOCK_SKEW' } });
  });
});
