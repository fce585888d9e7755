import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { awsPresign, awsSign, awsSigner, type AwsClientOptions, type AwsRequestInput } from '../../test/vectors/sdk-signers.js';
import type { SignableRequest } from './signable-request.js';
import { deriveSigV4SigningKey, parseSigV4Request, S3_SIGV4_PROFILE, verifySigV4, type SigV4Options } from './sigv4.js';

/** Requests the AWS SDK signed, then spoiled the way users and attackers do: each fails with its code. */
const client: AwsClientOptions = {
  accessKeyId: 'LKZYXWVUTSRQPONMLKJIHG',
  secretAccessKey: 'Wj3nB8rT5yQ1mK7pL2xV9cZ4hF6dG0sA3eU8iO5u',
  region: 'ap-southeast-1',
  service: 'orders',
};
const signedAt = new Date('2032-07-08T09:10:11Z');
const input: AwsRequestInput = {
  method: 'POST',
  hostname: 'orders.example.com',
  path: '/v2/orders',
  query: { dryRun: 'true' },
  headers: { 'content-type': 'application/json' },
  body: '{"sku":"A-1","qty":2}',
};

function outcome(request: SignableRequest, options: SigV4Options, secret = client.secretAccessKey) {
  const parsed = parseSigV4Request(request, options);
  if (!parsed.ok) return parsed;
  return verifySigV4(parsed, deriveSigV4SigningKey(secret, parsed.scope));
}

const at = (seconds: number) => new Date(signedAt.getTime() + seconds * 1000);

describe('SDK-signed requests that must fail', () => {
  it('a wrong secret is SIGNATURE_MISMATCH, naming the key for its access record', async () => {
    const request = await awsSign(awsSigner(client), input, signedAt);
    expect(outcome(request, { now: signedAt })).toEqual({ ok: true });
    expect(outcome(request, { now: signedAt }, `${client.secretAccessKey.slice(0, -1)}x`)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISMATCH',
      detail: 'SIGNATURE_MISMATCH',
      accessKeyId: client.accessKeyId,
    });
  });

  it('a tampered body fails against x-amz-content-sha256, or against the signature when the header is absent', async () => {
    const withHeader = await awsSign(awsSigner(client), input, signedAt);
    const tampered = { ...withHeader, body: '{"sku":"A-1","qty":20}' };
    expect(outcome(tampered, { now: signedAt })).toMatchObject({ code: 'SIGNATURE_MISMATCH', detail: 'PAYLOAD_HASH_MISMATCH' });
    const bodySha256 = createHash('sha256').update(tampered.body).digest('hex');
    expect(outcome({ ...withHeader, body: undefined, bodySha256 }, { now: signedAt })).toMatchObject({ detail: 'PAYLOAD_HASH_MISMATCH' });

    const withoutHeader = await awsSign(awsSigner({ ...client, applyChecksum: false }), input, signedAt);
    expect(outcome({ ...withoutHeader, body: tampered.body }, { now: signedAt })).toMatchObject({
      code: 'SIGNATURE_MISMATCH',
      detail: 'SIGNATURE_MISMATCH',
    });
  });

  it('a skewed clock is REQUEST_TIME_SKEWED beyond 5 minutes by default, 15 with the S3 profile', async () => {
    const request = await awsSign(awsSigner(client), input, signedAt);
    expect(outcome(request, { now: at(300) })).toEqual({ ok: true });
    expect(outcome(request, { now: at(-300) })).toEqual({ ok: true });
    expect(outcome(request, { now: at(301) })).toMatchObject({ code: 'REQUEST_TIME_SKEWED', detail: 'CLOCK_SKEW' });
    expect(outcome(request, { now: at(-301) })).toMatchObject({ code: 'REQUEST_TIME_SKEWED', detail: 'CLOCK_SKEW' });
    const s3Clock = { ...S3_SIGV4_PROFILE, normalizePath: true, allowUnsignedPayload: false };
    expect(outcome(request, { now: at(900), profile: s3Clock })).toEqual({ ok: true });
    expect(outcome(request, { now: at(901), profile: s3Clock })).toMatchObject({ code: 'REQUEST_TIME_SKEWED' });
    expect(outcome(request, { now: at(60), profile: { maxSkewSeconds: 30 } })).toMatchObject({ code: 'REQUEST_TIME_SKEWED' });
  });

  it('a presigned URL works until its expiry, not after, and not while dated ahead of the skew', async () => {
    const request = await awsPresign(awsSigner(client), { ...input, method: 'GET', body: undefined }, signedAt, 60);
    expect(outcome(request, { now: at(60) })).toEqual({ ok: true });
    expect(outcome(request, { now: at(61) })).toMatchObject({ code: 'REQUEST_TIME_SKEWED', detail: 'PRESIGNED_EXPIRED' });
    expect(outcome(request, { now: at(-300) })).toEqual({ ok: true });
    expect(outcome(request, { now: at(-301) })).toMatchObject({ code: 'REQUEST_TIME_SKEWED', detail: 'PRESIGNED_NOT_YET_VALID' });
  });

  it('temporary credentials (a session token) are refused in either form', async () => {
    const withToken = awsSigner({ ...client, sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDE' });
    const header = await awsSign(withToken, input, signedAt);
    const presigned = await awsPresign(withToken, { ...input, body: undefined }, signedAt, 60);
    for (const request of [header, presigned]) {
      expect(outcome(request, { now: signedAt })).toMatchObject({ code: 'MALFORMED', detail: 'SESSION_TOKEN_NOT_ACCEPTED' });
    }
  });

  it('chunked STREAMING-* uploads are refused clearly', async () => {
    const streaming = { ...input, headers: { ...input.headers, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } };
    const request = await awsSign(awsSigner(client), streaming, signedAt);
    expect(outcome(request, { now: signedAt })).toMatchObject({ code: 'MALFORMED', detail: 'STREAMING_PAYLOAD_UNSUPPORTED' });
  });

  it('an x-amz-* header added after signing, or a signed header taken away, is refused', async () => {
    const request = await awsSign(awsSigner(client), input, signedAt);
    const added = { ...request, headers: [...request.headers, ['X-Amz-Acl', 'public-read'] as [string, string]] };
    expect(outcome(added, { now: signedAt })).toMatchObject({ code: 'MALFORMED', detail: 'AMZ_HEADER_NOT_SIGNED' });
    const removed = { ...request, headers: request.headers.filter(([name]) => name !== 'content-type') };
    expect(outcome(removed, { now: signedAt })).toMatchObject({ code: 'MALFORMED', detail: 'SIGNED_HEADER_MISSING' });
    // Headers outside the signature (a proxy's) do not matter.
    const proxied = { ...request, headers: [...request.headers, ['X-Forwarded-For', '10.0.0.1'] as [string, string]] };
    expect(outcome(proxied, { now: signedAt })).toEqual({ ok: true });
  });
});
