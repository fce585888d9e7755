import { describe, expect, it } from 'vitest';
import { awsPresign, awsSign, awsSigner, type AwsClientOptions, type AwsRequestInput } from '../../test/vectors/sdk-signers.js';
import type { SignableRequest } from './signable-request.js';
import { deriveSigV4SigningKey, parseSigV4Request, sigV4ProfileForService, verifySigV4, type SigV4Options } from './sigv4.js';

/** Requests signed by the AWS SDK for JavaScript v3's own signer verify. */
const client: AwsClientOptions = {
  accessKeyId: 'LKABCDEFGHIJKLMNOPQRST',
  secretAccessKey: 'q3Rt7Yw0Kp9ZxLm2Nb4Vc6Hd8Fg1Js5Ta7Ue9Wi0',
  region: 'eu-west-3',
  service: 'execute-api',
};
const signingDate = new Date('2031-02-03T04:05:06Z');

function check(request: SignableRequest, secret: string, options: SigV4Options) {
  const parsed = parseSigV4Request(request, options);
  if (!parsed.ok) return parsed;
  return { ...verifySigV4(parsed, deriveSigV4SigningKey(secret, parsed.scope)), parsed };
}

const requests: [string, AwsRequestInput][] = [
  ['a bare GET', { method: 'GET', hostname: 'api.example.com', path: '/' }],
  [
    'a GET with repeated, empty and reserved query values',
    {
      method: 'GET',
      hostname: 'api.example.com',
      port: 8443,
      path: '/v1/things',
      query: { tag: ['b', 'a', 'a'], empty: '', 'we ird': 'x+y z/ü&=' },
    },
  ],
  [
    'a POST with a JSON body and extra headers',
    {
      method: 'POST',
      hostname: 'api.example.com',
      path: '/v1/things',
      headers: { 'content-type': 'application/json', 'x-amz-meta-note': '  two   spaces\tand a tab ', 'X-Custom': 'A,B' },
      body: JSON.stringify({ name: 'ünïcode ✓', n: 1 }),
    },
  ],
  ['an encoded unicode path with dot segments', { method: 'PUT', hostname: 'api.example.com', path: '/a/%E2%9C%93%20x/./b/../c%2Fd/', body: new Uint8Array([0, 1, 2, 255]) }],
];

describe('AWS SDK signer → verifier', () => {
  it.each(requests)('header signing: %s', async (_, input) => {
    const request = await awsSign(awsSigner(client), input, signingDate);
    const result = check(request, client.secretAccessKey, { now: signingDate });
    const payloadChecked = input.body !== undefined;
    expect(result).toMatchObject({ ok: true, parsed: { form: 'header', accessKeyId: client.accessKeyId, payloadChecked } });
  });

  it.each(requests)('header signing without x-amz-content-sha256 (applyChecksum: false): %s', async (_, input) => {
    const request = await awsSign(awsSigner({ ...client, applyChecksum: false }), input, signingDate);
    expect(request.headers.some(([name]) => name === 'x-amz-content-sha256')).toBe(false);
    expect(check(request, client.secretAccessKey, { now: signingDate })).toMatchObject({ ok: true });
  });

  it.each(requests)('presigned URL: %s', async (_, input) => {
    const request = await awsPresign(awsSigner(client), { ...input, body: undefined }, signingDate, 900);
    const later = new Date(signingDate.getTime() + 899_000);
    const result = check(request, client.secretAccessKey, { now: later });
    expect(result).toMatchObject({ ok: true, parsed: { form: 'presigned', expiresAt: new Date(signingDate.getTime() + 900_000) } });
  });

  it('knows the body from its SHA-256 alone, and trusts the signed hash when given neither', async () => {
    const input = requests[2]![1];
    const request = await awsSign(awsSigner(client), input, signingDate);
    const { body, ...withoutBody } = request;
    const bodySha256 = (await import('node:crypto')).createHash('sha256').update(body!).digest('hex');
    expect(check({ ...withoutBody, bodySha256 }, client.secretAccessKey, { now: signingDate })).toMatchObject({ ok: true, parsed: { payloadChecked: true } });
    expect(check(withoutBody, client.secretAccessKey, { now: signingDate })).toMatchObject({ ok: true, parsed: { payloadChecked: false } });
  });
});

describe('AWS SDK signer → verifier, S3 style', () => {
  const s3: AwsClientOptions = { ...client, service: 's3', s3Style: true };
  // The S3 client encodes each key segment once and signs the path as it is.
  const key = ['photos 2024', 'été', 'a+b=c', '..', 'x'].map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
  const input: AwsRequestInput = {
    method: 'PUT',
    hostname: 'bucket.s3.local',
    path: `/${key.join('/')}`,
    query: { 'x-id': 'PutObject' },
    headers: { 'content-type': 'image/jpeg' },
    body: 'jpeg bytes',
  };

  it('verifies with the S3 profile: no dot-segment removal, single encoding', async () => {
    const request = await awsSign(awsSigner(s3), input, signingDate);
    expect(check(request, s3.secretAccessKey, { now: signingDate, profile: sigV4ProfileForService })).toMatchObject({ ok: true });
    // The default (normalising) rules read another path, so the same request does not verify.
    expect(check(request, s3.secretAccessKey, { now: signingDate })).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' });
  });

  it('accepts UNSIGNED-PAYLOAD for S3 only', async () => {
    const request = await awsSign(awsSigner(s3), { ...input, headers: { ...input.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, signingDate);
    expect(check(request, s3.secretAccessKey, { now: signingDate, profile: sigV4ProfileForService })).toMatchObject({
      ok: true,
      parsed: { payloadHash: 'UNSIGNED-PAYLOAD', payloadChecked: false },
    });
    expect(check(request, s3.secretAccessKey, { now: signingDate, profile: { normalizePath: false } })).toMatchObject({
      ok: false,
      code: 'MALFORMED',
      detail: 'UNSIGNED_PAYLOAD_NOT_ALLOWED',
    });
  });

  it('verifies a presigned GET the way the S3 presigner makes it (UNSIGNED-PAYLOAD hoisted into the query)', async () => {
    const get: AwsRequestInput = { method: 'GET', hostname: 'bucket.s3.local', path: input.path, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } };
    const request = await awsPresign(awsSigner(s3), get, signingDate, 604_800);
    expect(request.url).toMatch(/[?&]x-amz-content-sha256=UNSIGNED-PAYLOAD(&|$)/i);
    const lastSecond = new Date(signingDate.getTime() + 604_800_000);
    expect(check(request, s3.secretAccessKey, { now: lastSecond, profile: sigV4ProfileForService })).toMatchObject({ ok: true });
  });
});
