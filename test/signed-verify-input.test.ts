/** POST /v1/verify with a malformed signed-request body: a clear 400, and nothing written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';
import { openHttp, verifierFor, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { recordsOf, verifyJson } from './support/signed.js';

describe('POST /v1/verify refuses malformed signed-request bodies (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let key: IssuedKey;
  let signed: Record<string, unknown>;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    key = await h.createKey(acme.admin);
    const signer = awsSigner({ accessKeyId: key.accessKeyId, secretAccessKey: key.secret, region: 'us-east-1', service: 'orders' });
    signed = verifyJson(await awsSign(signer, { method: 'POST', hostname: 'api.example.com', path: '/orders', body: 'hello' }, h.clock.now()));
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = async (body: unknown) => h.request({ method: 'POST', url: '/v1/verify', as: await verifierFor(h.services, acme.tenantId), body });

  it('the well-formed request it starts from verifies', async () => {
    expect((await post({ request: signed })).body).toMatchObject({ valid: true });
  });

  it.each([
    ['both a token and a request', () => ({ token: key.token, request: signed }), 'VALIDATION_FAILED'],
    ['neither a token nor a request', () => ({ permission: 'orders:read' }), 'VALIDATION_FAILED'],
    ['a body and its hash', () => ({ request: { ...signed, bodySha256: 'a'.repeat(64) } }), 'VALIDATION_FAILED'],
    ['a body encoding without a body', () => ({ request: { ...signed, body: undefined, bodyEncoding: 'base64' } }), 'VALIDATION_FAILED'],
    ['a body that is not base64', () => ({ request: { ...signed, body: 'aGVsbG8*', bodyEncoding: 'base64' } }), 'VALIDATION_FAILED'],
    ['an unknown body encoding', () => ({ request: { ...signed, bodyEncoding: 'hex' } }), 'VALIDATION_FAILED'],
    ['a hash that is not 64 hex digits', () => ({ request: { ...signed, body: undefined, bodySha256: 'xyz' } }), 'VALIDATION_FAILED'],
    ['headers that are not strings', () => ({ request: { ...signed, headers: [['host', 1]] } }), 'VALIDATION_FAILED'],
    ['a header pair of three', () => ({ request: { ...signed, headers: [['host', 'a', 'b']] } }), 'VALIDATION_FAILED'],
    ['no method', () => ({ request: { ...signed, method: undefined } }), 'VALIDATION_FAILED'],
    ['an unknown field in the request', () => ({ request: { ...signed, query: 'a=b' } }), 'UNKNOWN_FIELD'],
    ['a request that is not an object', () => ({ request: 'GET /' }), 'VALIDATION_FAILED'],
  ])('answers 400 to %s', async (_name, body, code) => {
    const res = await post(body());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('wrote no access record for any of them (only the first, good request)', async () => {
    expect(await recordsOf(h, acme.admin, key.accessKeyId)).toHaveLength(1);
  });
});
