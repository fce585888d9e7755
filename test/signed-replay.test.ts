/**
 * Replay protection (tenant policy replayProtection): a signed request is accepted once inside
 * its window; SIGNATURE_REPLAYED afterwards, on one process and across two processes sharing
 * PostgreSQL. Off by default.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SeenSignaturesRepo } from '../src/store/repos/seen-signatures-repo.js';
import { awsPresign, awsSign, awsSigner, tc3Sign } from './vectors/sdk-signers.js';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, setPolicy, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { recordsOf, verifySigned } from './support/signed.js';

const request = { method: 'POST', hostname: 'api.example.com', path: '/payments', headers: { 'content-type': 'application/json' }, body: '{"amount":100}' };
const signerOf = (k: IssuedKey) => awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'eu-west-1', service: 'payments' });

describe.each(DATABASE_KINDS)('replay protection (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let key: IssuedKey;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    key = await h.createKey(acme.admin);
  });
  afterAll(async () => {
    await h?.close();
  });
  // Signatures carry the time to the second: the same request signed within one second is the same request.
  beforeEach(() => h.clock.advance(1000));
  const check = async (signed: Parameters<typeof verifySigned>[1]) => {
    const answer = await verifySigned(h, signed);
    h.clock.advance(1);
    return answer;
  };

  it('is off by default: the same signed request verifies again', async () => {
    expect((await h.request({ method: 'GET', url: '/v1/policy', as: acme.admin })).body.replayProtection).toBe(false);
    const signed = await awsSign(signerOf(key), request, h.clock.now());
    expect(await check(signed)).toMatchObject({ valid: true });
    expect(await check(signed)).toMatchObject({ valid: true });
  });

  it('when on, accepts a signature once and answers SIGNATURE_REPLAYED after, recorded for the key', async () => {
    await setPolicy(h, acme.admin, { replayProtection: true });
    // A policy change reaches cached keys through the change log every process polls (LATCHKEY_CHANGE_POLL_MS); poll now.
    await h.services.keyCache.poll();
    const signed = await awsSign(signerOf(key), request, h.clock.now());
    expect(await check(signed)).toMatchObject({ valid: true });
    expect(await check(signed)).toEqual({ valid: false, code: 'SIGNATURE_REPLAYED', message: expect.any(String) });
    const tencent = tc3Sign({
      secretId: key.accessKeyId,
      secretKey: key.secret,
      endpoint: 'https://api.example.com',
      service: 'api',
      action: 'Pay',
      version: '1',
      method: 'POST',
      data: { amount: 1 },
      timestamp: Math.floor(h.clock.now().getTime() / 1000),
    });
    expect(await check(tencent)).toMatchObject({ valid: true });
    expect(await check(tencent)).toMatchObject({ valid: false, code: 'SIGNATURE_REPLAYED' });
    // Signing again (a second later: a new signature) is a new request.
    h.clock.advance(1000);
    expect(await check(await awsSign(signerOf(key), request, h.clock.now()))).toMatchObject({ valid: true });
    const codes = (await recordsOf(h, acme.admin, key.accessKeyId)).slice(0, 5).map((r) => [r.scheme, r.code]);
    expect(codes).toEqual([
      ['sigv4', null],
      ['tc3', 'SIGNATURE_REPLAYED'],
      ['tc3', null],
      ['sigv4', 'SIGNATURE_REPLAYED'],
      ['sigv4', null],
    ]);
  });

  it('makes a presigned URL work once', async () => {
    const url = await awsPresign(signerOf(key), { method: 'GET', hostname: 'files.example.com', path: '/report.pdf' }, h.clock.now(), 3600);
    expect(await check(url)).toMatchObject({ valid: true });
    expect(await check(url)).toMatchObject({ valid: false, code: 'SIGNATURE_REPLAYED' });
  });

  it('does not spend a signature on a request that fails anyway', async () => {
    const signed = await awsSign(signerOf(key), request, h.clock.now());
    const other = await h.createKey(acme.admin);
    expect(await check({ ...(await awsSign(signerOf({ ...other, secret: key.secret }), request, h.clock.now())) })).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
    expect(await check(signed)).toMatchObject({ valid: true });
  });

  it('forgets signatures once their window has passed', async () => {
    const seen = new SeenSignaturesRepo(h.store.db);
    const k = await h.createKey(acme.admin);
    expect(await check(await awsSign(signerOf(k), request, h.clock.now()))).toMatchObject({ valid: true });
    h.clock.advance(1000);
    expect(await check(await awsSign(signerOf(k), request, h.clock.now()))).toMatchObject({ valid: true });
    expect(await seen.count(k.accessKeyId)).toBe(2);
    // Past the widest window (15 minutes for S3) and the purge interval, the next claim purges the old rows.
    h.clock.advance(20 * 60_000);
    expect(await check(await awsSign(signerOf(k), request, h.clock.now()))).toMatchObject({ valid: true });
    await expect.poll(() => seen.count(k.accessKeyId)).toBe(1);
  });

  it('applies to the tenant that turned it on only', async () => {
    const other = await h.bootstrap();
    const otherKey = await h.createKey(other.admin);
    const signed = await awsSign(signerOf(otherKey), request, h.clock.now());
    expect(await check(signed)).toMatchObject({ valid: true });
    expect(await check(signed)).toMatchObject({ valid: true });
  });
});

describe('replay protection across two processes on one PostgreSQL', () => {
  let a: Harness;
  let b: Harness;
  let acme: Tenant;
  let key: IssuedKey;
  beforeAll(async () => {
    const masterKey = randomBytes(32);
    a = await openHttp('postgres', { masterKey });
    b = await openHttp('postgres', { masterKey, databaseUrl: a.testStore.databaseUrl! });
    acme = await a.bootstrap();
    key = await a.createKey(acme.admin);
    await setPolicy(a, acme.admin, { replayProtection: true });
    await Promise.all([a.services.keyCache.poll(), b.services.keyCache.poll()]);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('refuses on one process a request the other already accepted', async () => {
    const signed = await awsSign(signerOf(key), request, a.clock.now());
    expect(await verifySigned(a, signed)).toMatchObject({ valid: true });
    expect(await verifySigned(b, signed)).toMatchObject({ valid: false, code: 'SIGNATURE_REPLAYED' });
  });

  it('lets exactly one of the same request sent to both at once through', async () => {
    for (let i = 0; i < 5; i++) {
      a.clock.advance(1000);
      const signed = await awsSign(signerOf(key), { ...request, body: `{"amount":${i}}` }, a.clock.now());
      const answers = await Promise.all([verifySigned(a, signed), verifySigned(b, signed), verifySigned(a, signed), verifySigned(b, signed)]);
      expect(answers.filter((x) => x.valid)).toHaveLength(1);
      expect(answers.filter((x) => x.code === 'SIGNATURE_REPLAYED')).toHaveLength(3);
    }
  });
});
