import { describe, expect, it } from 'vitest';
import { tc3Sign, type Tc3Input } from '../../test/vectors/sdk-signers.js';
import type { SignableRequest } from './signable-request.js';
import { deriveTc3SigningKey, parseTc3Request, verifyTc3, type Tc3Options } from './tc3.js';

/** Requests signed by tencentcloud-sdk-nodejs's own Sign.sign3 verify; tampered ones fail. */
const base: Tc3Input = {
  secretId: 'LKMNBVCXZLKJHGFDSAPOIU',
  secretKey: 'Hy7Tg6Rf5Ed4Ws3Qa2Zx1Cv0Bn9Mk8Lj7Pu6Oi5Y',
  endpoint: 'https://cvm.tencentcloudapi.com',
  service: 'cvm',
  action: 'DescribeInstances',
  version: '2017-03-12',
  region: 'ap-guangzhou',
  method: 'POST',
  data: { Limit: 1, Filters: [{ Name: 'instance-name', Values: ['未命名', "it's \u00adsoft"] }] },
  timestamp: 1_893_455_999, // 2029-12-31T23:59:59Z: the scope date is the UTC date
};
const signedAt = new Date(base.timestamp * 1000);

function outcome(request: SignableRequest, options: Tc3Options, secret = base.secretKey) {
  const parsed = parseTc3Request(request, options);
  if (!parsed.ok) return parsed;
  return verifyTc3(parsed, deriveTc3SigningKey(secret, parsed.scope));
}

type Wire = ReturnType<typeof tc3Sign>;
const setHeader = (w: Wire, name: string, value: string): Wire => ({
  ...w,
  headers: w.headers.map(([n, v]) => [n, n === name ? value : v] as [string, string]),
});

describe('Tencent SDK signer → verifier', () => {
  it.each([
    ['a POST with a JSON payload (json-bigint escaping included)', base],
    ['a GET with its parameters in the query', { ...base, method: 'GET' as const, data: { Limit: 10, 'Filters.0.Name': 'zone', "Name'": 'a b+c/ü' } }],
    ['an endpoint on a local port', { ...base, endpoint: 'http://127.0.0.1:8080' }],
  ])('%s verifies', (_, input) => {
    const request = tc3Sign(input);
    const parsed = parseTc3Request(request, { now: signedAt });
    expect(parsed).toMatchObject({
      ok: true,
      scheme: 'TC3-HMAC-SHA256',
      accessKeyId: base.secretId,
      scope: { date: '2029-12-31', service: 'cvm' },
      signedHeaders: ['content-type', 'host'],
    });
    if (!parsed.ok) return;
    expect(verifyTc3(parsed, deriveTc3SigningKey(base.secretKey, parsed.scope))).toEqual({ ok: true });
  });

  it('canonicalises as the SDK: host without its port, query as sent', () => {
    const request = tc3Sign({ ...base, method: 'GET', endpoint: 'http://127.0.0.1:8080', data: { B: '2', A: '1 2' } });
    const parsed = parseTc3Request(request, { now: signedAt });
    expect(parsed.ok && parsed.canonicalRequest.split('\n')).toEqual([
      'GET',
      '/',
      'B=2&A=1%202',
      'content-type:application/x-www-form-urlencoded',
      'host:127.0.0.1',
      '',
      'content-type;host',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ]);
  });
});

describe('Tencent SDK-signed requests that must fail', () => {
  const request = tc3Sign(base);
  const authorization = request.headers.find(([n]) => n === 'Authorization')![1];

  it.each<[string, Wire]>([
    ['the body', { ...request, body: (request.body as string).replace('"Limit":1', '"Limit":2') }],
    ['the method', { ...request, method: 'PUT' }],
    ['the path', { ...request, url: '/x' }],
    ['the query', { ...request, url: '/?Limit=1' }],
    ['the host', setHeader(request, 'Host', 'cvm.tencentcloudapi.co')],
    ['the content type', setHeader(request, 'Content-Type', 'application/jsonp')],
    ['the timestamp, by one second', setHeader(request, 'X-TC-Timestamp', String(base.timestamp - 1))],
    ['the signature', setHeader(request, 'Authorization', authorization.slice(0, -1) + (authorization.endsWith('0') ? '1' : '0'))],
    ['the service in the scope', setHeader(request, 'Authorization', authorization.replace('/cvm/', '/cvn/'))],
  ])('a change to %s is SIGNATURE_MISMATCH', (_, tampered) => {
    expect(outcome(request, { now: signedAt })).toEqual({ ok: true });
    expect(outcome(tampered, { now: signedAt })).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH', accessKeyId: base.secretId });
  });

  it('a wrong secret is SIGNATURE_MISMATCH', () => {
    expect(outcome(request, { now: signedAt }, 'Hy7Tg6Rf5Ed4Ws3Qa2Zx1Cv0Bn9Mk8Lj7Pu6Oi5Z')).toMatchObject({ code: 'SIGNATURE_MISMATCH' });
  });

  it('a timestamp past midnight UTC contradicts the scope date', () => {
    expect(outcome(setHeader(request, 'X-TC-Timestamp', String(base.timestamp + 1)), { now: signedAt })).toMatchObject({
      code: 'MALFORMED',
      detail: 'SCOPE_DATE_MISMATCH',
    });
  });

  it('more than 5 minutes of clock skew is REQUEST_TIME_SKEWED (configurable)', () => {
    const at = (s: number) => new Date(signedAt.getTime() + s * 1000);
    expect(outcome(request, { now: at(300) })).toEqual({ ok: true });
    expect(outcome(request, { now: at(-300) })).toEqual({ ok: true });
    expect(outcome(request, { now: at(301) })).toMatchObject({ code: 'REQUEST_TIME_SKEWED', detail: 'CLOCK_SKEW' });
    expect(outcome(request, { now: at(-301) })).toMatchObject({ code: 'REQUEST_TIME_SKEWED' });
    expect(outcome(request, { now: at(61), maxSkewSeconds: 60 })).toMatchObject({ code: 'REQUEST_TIME_SKEWED' });
  });

  it('a temporary credential (X-TC-Token) is refused', () => {
    expect(outcome(tc3Sign({ ...base, token: 'temporary' }), { now: signedAt })).toMatchObject({
      code: 'MALFORMED',
      detail: 'SESSION_TOKEN_NOT_ACCEPTED',
    });
  });

  it('X-TC-Action is outside the SDK signature: a gateway must not trust it (documented)', () => {
    expect(outcome(setHeader(request, 'X-TC-Action', 'TerminateInstances'), { now: signedAt })).toEqual({ ok: true });
  });
});
