import { Sha256 } from '@aws-crypto/sha256-js';
import { getSigningKey } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { awsPresign, awsSign, awsSigner, tc3Sign } from '../../test/vectors/sdk-signers.js';
import type { SignableRequest } from './signable-request.js';
import { deriveSigningKey, parseSignedRequest, verifySignedRequest, type SignedRequestOptions } from './signed-request.js';
import { SIGNING_FAILURE_DETAILS } from './signing-failure.js';
import { deriveSigV4SigningKey, sigV4ProfileForService } from './sigv4.js';

const secret = 'Mn5Bv4Cx3Zl2Kj1Hg0Fd9Sa8Qw7Er6Ty5Ui4Op3A';
const signedAt = new Date('2033-03-03T03:03:03Z');

function verify(request: SignableRequest, options: SignedRequestOptions) {
  const parsed = parseSignedRequest(request, options);
  if (!parsed.ok) return parsed;
  return { ...verifySignedRequest(parsed, deriveSigningKey(parsed, secret)), scheme: parsed.scheme, form: parsed.form };
}

describe('parseSignedRequest picks the scheme', () => {
  const aws = awsSigner({ accessKeyId: 'LKDISPATCH000000000000', secretAccessKey: secret, region: 'eu-central-1', service: 'api' });
  const input = { method: 'GET', hostname: 'api.example.com', path: '/x', query: { a: 'b' } };
  const signedTc3 = () =>
    tc3Sign({
      secretId: 'LKDISPATCH000000000000',
      secretKey: secret,
      endpoint: 'https://h',
      service: 'api',
      action: 'A',
      version: '1',
      method: 'POST',
      data: {},
      timestamp: signedAt.getTime() / 1000,
    });

  it('SigV4 in a header or a presigned URL, TC3 in a header — each verifies under its own key chain', async () => {
    expect(verify(await awsSign(aws, input, signedAt), { now: signedAt })).toEqual({ ok: true, scheme: 'AWS4-HMAC-SHA256', form: 'header' });
    expect(verify(await awsPresign(aws, input, signedAt, 60), { now: signedAt })).toEqual({ ok: true, scheme: 'AWS4-HMAC-SHA256', form: 'presigned' });
    const tc3 = tc3Sign({
      secretId: 'LKDISPATCH000000000000',
      secretKey: secret,
      endpoint: 'https://api.example.com',
      service: 'api',
      action: 'List',
      version: '1',
      method: 'GET',
      data: { a: 'b' },
      timestamp: signedAt.getTime() / 1000,
    });
    expect(verify(tc3, { now: signedAt })).toEqual({ ok: true, scheme: 'TC3-HMAC-SHA256', form: 'header' });
  });

  it('passes each scheme its own options', async () => {
    const s3 = awsSigner({ accessKeyId: 'LKDISPATCH000000000000', secretAccessKey: secret, region: 'eu-central-1', service: 's3', s3Style: true });
    const request = await awsSign(s3, { ...input, path: '/bucket/a/../b' }, signedAt);
    expect(verify(request, { now: signedAt, sigv4: { profile: sigV4ProfileForService } })).toMatchObject({ ok: true });
    expect(verify(request, { now: signedAt })).toMatchObject({ ok: false, code: 'SIGNATURE_MISMATCH' });
    const tc3 = signedTc3();
    const later = new Date(signedAt.getTime() + 120_000);
    expect(verify(tc3, { now: later })).toMatchObject({ ok: true });
    expect(verify(tc3, { now: later, tc3: { maxSkewSeconds: 60 } })).toMatchObject({ ok: false, code: 'REQUEST_TIME_SKEWED' });
  });

  it('says which scheme a refused request named its key with, once the key is known', async () => {
    const late = new Date(signedAt.getTime() + 3_600_000);
    expect(parseSignedRequest(await awsSign(aws, input, signedAt), { now: late })).toMatchObject({
      code: 'REQUEST_TIME_SKEWED',
      accessKeyId: 'LKDISPATCH000000000000',
      scheme: 'AWS4-HMAC-SHA256',
    });
    const tc3 = signedTc3();
    expect(parseSignedRequest(tc3, { now: late })).toMatchObject({ code: 'REQUEST_TIME_SKEWED', accessKeyId: 'LKDISPATCH000000000000', scheme: 'TC3-HMAC-SHA256' });
    const unread = parseSignedRequest({ method: 'GET', url: '/', headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } }, { now: signedAt });
    expect(unread).toMatchObject({ detail: 'BAD_AUTHORIZATION' });
    expect(unread).not.toHaveProperty('scheme');
  });

  it('refuses an unsigned request and other schemes', () => {
    expect(parseSignedRequest({ method: 'GET', url: '/', headers: {} }, { now: signedAt })).toMatchObject({ code: 'MALFORMED', detail: 'NO_SIGNATURE' });
    expect(parseSignedRequest({ method: 'GET', url: '/', headers: { authorization: 'Bearer lk_x' } }, { now: signedAt })).toMatchObject({
      detail: 'UNSUPPORTED_ALGORITHM',
    });
  });
});

describe('signing keys', () => {
  it('match the AWS documentation example and the SDK for any scope', async () => {
    const documented = deriveSigV4SigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', { date: '20120215', region: 'us-east-1', service: 'iam' });
    expect(documented.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.stringMatching(/^[a-z0-9-]{1,20}$/), async (key, region, service) => {
        const sdk = await getSigningKey(Sha256, { accessKeyId: 'A', secretAccessKey: key }, '20330303', region, service);
        expect(deriveSigV4SigningKey(key, { date: '20330303', region, service })).toEqual(Buffer.from(sdk));
      }),
      { numRuns: 50 },
    );
  });
});

describe('parseSignedRequest never throws', () => {
  const piece = fc.constantFrom(
    'AWS4-HMAC-SHA256 ',
    'TC3-HMAC-SHA256 ',
    'Credential=',
    'SignedHeaders=',
    'Signature=',
    'host',
    ';',
    ',',
    ', ',
    '/',
    '=',
    ' ',
    '20330303',
    '2033-03-03',
    'aws4_request',
    'tc3_request',
    'a'.repeat(64),
    '%',
    '\u0000',
    'é',
  );
  const messy = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
  const anyText = fc.oneof(messy, fc.string({ unit: 'binary', maxLength: 30 }));
  const names = fc.oneof(fc.constantFrom('authorization', 'host', 'x-amz-date', 'date', 'x-amz-content-sha256', 'x-tc-timestamp', 'content-type', 'x-amz-security-token'), anyText);
  const query = fc
    .array(fc.tuple(fc.constantFrom('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'x', '%'), anyText))
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
  const request = fc.record({
    method: fc.oneof(fc.constantFrom('GET', 'POST'), anyText),
    url: fc.oneof(
      query.map((q) => `/p?${q}`),
      anyText,
    ),
    headers: fc.array(fc.tuple(names, anyText), { maxLength: 8 }),
    body: fc.option(anyText, { nil: undefined }),
    bodySha256: fc.option(fc.oneof(fc.constant('0'.repeat(64)), anyText), { nil: undefined }),
  });

  it('answers every input with ok or a known code and detail', () => {
    fc.assert(
      fc.property(request, (r) => {
        const parsed = parseSignedRequest(r, { now: signedAt });
        if (parsed.ok) return;
        expect(['MALFORMED', 'REQUEST_TIME_SKEWED', 'SIGNATURE_MISMATCH']).toContain(parsed.code);
        expect(SIGNING_FAILURE_DETAILS).toContain(parsed.detail);
      }),
      { numRuns: 500 },
    );
  });
});
