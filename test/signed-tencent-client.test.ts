/**
 * tencentcloud-sdk-nodejs's own CVM Client (TC3-HMAC-SHA256, POST and GET), its endpoint set to
 * a local API that asks Latchkey's POST /v1/verify about every request before answering in
 * Tencent Cloud's response format. Good requests pass; altered ones fail with Latchkey's code
 * as the SDK error's code.
 */
import { Client as CvmClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_client.js';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../src/crypto/random.js';
import { openHttp, verifierFor, wallClock, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { listen, recordsOf, startGuard, type Guard, type GuardedRequest } from './support/signed.js';

function tencentAnswer(res: http.ServerResponse, response: Record<string, unknown>): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ Response: { ...response, RequestId: randomUUID() } }));
}

/** Echoes what the API understood, so a test can see its parameters arrived intact. */
function cvmApi(request: GuardedRequest, _who: unknown, res: http.ServerResponse): void {
  const action = request.headers.find(([n]) => n.toLowerCase() === 'x-tc-action')?.[1];
  const params = request.method === 'GET' ? Object.fromEntries(new URL(request.url, 'http://x').searchParams) : JSON.parse(request.body.toString('utf8'));
  if (action === 'DescribeRegions') {
    tencentAnswer(res, { TotalCount: 1, RegionSet: [{ Region: 'ap-guangzhou', RegionName: '华南地区(广州)', RegionState: 'AVAILABLE' }] });
    return;
  }
  tencentAnswer(res, { TotalCount: 0, InstanceSet: [], Echo: params });
}

function tencentRefusal(code: string, res: http.ServerResponse): void {
  tencentAnswer(res, { Error: { Code: code, Message: 'Refused by Latchkey' } });
}

describe('tencentcloud-sdk-nodejs Client against an API guarded by Latchkey (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let guard: Guard;
  let key: IssuedKey;
  beforeAll(async () => {
    // The SDK signs with the machine's time: the server's clock follows it.
    h = await openHttp('sqlite', { clock: wallClock() });
    acme = await h.bootstrap();
    guard = await startGuard({ latchkeyUrl: await listen(h), verifier: (await verifierFor(h.services, acme.tenantId)).token, allowed: cvmApi, refused: tencentRefusal });
    key = await h.createKey(acme.admin);
  });
  afterAll(async () => {
    await guard?.close();
    await h?.close();
  });

  const cvm = (k: { accessKeyId: string; secret: string }, reqMethod: 'POST' | 'GET' = 'POST') =>
    new CvmClient({
      credential: { secretId: k.accessKeyId, secretKey: k.secret },
      region: 'ap-guangzhou',
      profile: { signMethod: 'TC3-HMAC-SHA256', httpProfile: { endpoint: `127.0.0.1:${guard.port}`, protocol: 'http://', reqMethod, reqTimeout: 10 } },
    });
  const refusal = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => null,
      (e: unknown) => e,
    )) as { code?: string } | null;
    expect(error, 'the call should have been refused').not.toBeNull();
    return error!.code;
  };
  const describeInstances = { Limit: 20, Filters: [{ Name: 'instance-name', Values: ['web 1', 'wéb-2'] }], InstanceIds: ['ins-1a2b3c4d'] };

  it('calls DescribeRegions and DescribeInstances (POST JSON) and a GET, every call verified and recorded as tc3', async () => {
    const before = guard.allowedCount();
    const regions = await cvm(key).DescribeRegions();
    expect(regions.RegionSet?.[0]?.Region).toBe('ap-guangzhou');
    const instances = (await cvm(key).DescribeInstances(describeInstances)) as unknown as { Echo: unknown };
    expect(instances.Echo).toEqual(describeInstances);
    const viaGet = (await cvm(key, 'GET').DescribeInstances({ Limit: 5, Offset: 10 })) as unknown as { Echo: Record<string, string> };
    expect(viaGet.Echo).toMatchObject({ Limit: '5', Offset: '10' });
    expect(guard.allowedCount() - before).toBe(3);
    const records = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(records).toHaveLength(3);
    // The SDK signs for the first label of the endpoint's host as the service.
    for (const r of records) expect(r).toMatchObject({ outcome: 'success', scheme: 'tc3', detail: { service: '127' } });
  });

  it('refuses a wrong secret with SIGNATURE_MISMATCH, recorded for the key', async () => {
    expect(await refusal(cvm({ ...key, secret: generateSecret() }).DescribeRegions())).toBe('SIGNATURE_MISMATCH');
    const [record] = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(record).toMatchObject({ outcome: 'failure', code: 'SIGNATURE_MISMATCH', scheme: 'tc3' });
  });

  it('refuses calls altered on the way: body, signed header, path', async () => {
    const before = guard.allowedCount();
    const alterations: ((r: GuardedRequest) => GuardedRequest)[] = [
      (r) => ({ ...r, body: Buffer.from(r.body.toString('utf8').replace('"Limit":20', '"Limit":99')) }),
      (r) => ({ ...r, headers: r.headers.map(([n, v]) => [n, n.toLowerCase() === 'content-type' ? 'text/plain' : v]) }),
      (r) => ({ ...r, url: '/admin' }),
    ];
    for (const alter of alterations) {
      guard.setTamper(alter);
      expect(await refusal(cvm(key).DescribeInstances(describeInstances))).toBe('SIGNATURE_MISMATCH');
    }
    guard.setTamper(null);
    expect(guard.allowedCount()).toBe(before);
    expect((await cvm(key).DescribeInstances(describeInstances)).TotalCount).toBe(0);
  });

  it('refuses a disabled key with KEY_DISABLED', async () => {
    const k = await h.createKey(acme.admin);
    await cvm(k).DescribeRegions();
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/disable`, as: acme.admin });
    expect(await refusal(cvm(k).DescribeRegions())).toBe('KEY_DISABLED');
  });

  it('refuses calls once the server clock is more than 5 minutes past the SDK’s (REQUEST_TIME_SKEWED)', async () => {
    h.clock.advance(6 * 60_000);
    expect(await refusal(cvm(key).DescribeRegions())).toBe('REQUEST_TIME_SKEWED');
    const [record] = await recordsOf(h, acme.admin, key.accessKeyId);
    expect(record).toMatchObject({ outcome: 'failure', code: 'REQUEST_TIME_SKEWED', scheme: 'tc3', detail: { check: 'CLOCK_SKEW' } });
  });
});
