/**
 * Signing keys: derived once per key, secret, scheme and credential scope and then reused (the
 * steady state costs one HMAC per request); a bounded number per key; gone with every change of
 * the key, and never derived for a request refused before its signature is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SCOPES_PER_KEY } from '../src/services/signing-keys.js';
import { awsSign, awsSigner, tc3Sign } from './vectors/sdk-signers.js';
import { openHttp, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { verifySigned } from './support/signed.js';

describe('signing keys in the verification cache (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  const signed = (k: IssuedKey, region = 'eu-west-1', service = 'orders', at = h.clock.now()) =>
    awsSign(awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region, service }), { method: 'GET', hostname: 'api.example.com', path: '/orders' }, at);
  const memo = (k: IssuedKey) => h.services.keyCache.peek(k.accessKeyId)?.signingKeys;
  /** A new key whose own creation has already been read from the change log (else that read would evict it mid-test). */
  const newKey = async () => {
    const k = await h.createKey(acme.admin);
    await h.services.keyCache.poll();
    return k;
  };

  it('derives a key once per scope and reuses the same one for every later request', async () => {
    const k = await newKey();
    expect(await verifySigned(h, await signed(k))).toMatchObject({ valid: true });
    const keys = memo(k)!;
    expect(keys.ids()).toEqual([`c1 AWS4-HMAC-SHA256 ${h.clock.now().toISOString().slice(0, 10).replace(/-/g, '')}/eu-west-1/orders/aws4_request`]);
    const id = keys.ids()[0]!;
    const first = keys.find('current', 1, 'AWS4-HMAC-SHA256', id.split(' ')[2]!);
    expect(first).toBeInstanceOf(Buffer);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      expect(await verifySigned(h, await signed(k))).toMatchObject({ valid: true });
    }
    expect(keys.size).toBe(1);
    expect(keys.find('current', 1, 'AWS4-HMAC-SHA256', id.split(' ')[2]!)).toBe(first);
    const tc3 = tc3Sign({
      secretId: k.accessKeyId,
      secretKey: k.secret,
      endpoint: 'https://h',
      service: 'cvm',
      action: 'A',
      version: '1',
      method: 'GET',
      data: {},
      timestamp: Math.floor(h.clock.now().getTime() / 1000),
    });
    expect(await verifySigned(h, tc3)).toMatchObject({ valid: true });
    expect(keys.size).toBe(2);
  });

  it(`keeps at most ${MAX_SCOPES_PER_KEY} scopes per key, dropping the one unused longest`, async () => {
    const k = await newKey();
    for (let i = 0; i < MAX_SCOPES_PER_KEY + 3; i++) expect(await verifySigned(h, await signed(k, `region-${i}`))).toMatchObject({ valid: true });
    const keys = memo(k)!;
    expect(keys.size).toBe(MAX_SCOPES_PER_KEY);
    expect(keys.ids().some((id) => id.includes('/region-0/'))).toBe(false);
    expect(keys.ids().at(-1)).toContain(`/region-${MAX_SCOPES_PER_KEY + 2}/`);
  });

  it('drops them with every change of the key: disable, enable, rotate', async () => {
    const k = await newKey();
    expect(await verifySigned(h, await signed(k))).toMatchObject({ valid: true });
    const before = memo(k);
    expect(before?.size).toBe(1);
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/disable`, as: acme.admin });
    expect(memo(k)).toBeUndefined();
    await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/enable`, as: acme.admin });
    await h.services.keyCache.poll();
    expect(await verifySigned(h, await signed(k))).toMatchObject({ valid: true });
    expect(memo(k)).not.toBe(before);
    const rotated = await h.request({ method: 'POST', url: `/v1/access-keys/${k.accessKeyId}/rotate`, as: acme.admin, body: {} });
    await h.services.keyCache.poll();
    expect(memo(k)).toBeUndefined();
    expect(await verifySigned(h, await signed(k))).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
    expect(await verifySigned(h, await signed(rotated.body))).toMatchObject({ valid: true });
    expect(
      memo(k)!
        .ids()
        .every((id) => id.startsWith('c2 ')),
    ).toBe(true);
  });

  it('derives nothing for a request refused before its signature is checked', async () => {
    const k = await newKey();
    expect(await verifySigned(h, await signed(k, 'eu-west-1', 'orders', new Date(h.clock.now().getTime() - 3_600_000)))).toMatchObject({ valid: false, code: 'REQUEST_TIME_SKEWED' });
    expect(memo(k)?.size ?? 0).toBe(0);
  });
});
