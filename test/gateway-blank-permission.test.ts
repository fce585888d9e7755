/**
 * Issue 10 item 7: a present but empty or blank permission is a misconfiguration, refused on
 * both verification routes instead of meaning "no check": the gateway answers 403 with
 * X-Latchkey-Code PERMISSION_BLANK (nginx auth_request passes only 2xx, 401 and 403 on),
 * /v1/verify answers 400 naming the field, for "" as for "   ".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttp, verifierFor, type Harness, type IssuedKey, type Tenant, type Verifier } from './support/http.js';
import { recordsOf } from './support/signed.js';

describe('a blank permission is refused (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let key: IssuedKey;
  let verifier: Verifier;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    verifier = await verifierFor(h.services, acme.tenantId);
    // An admin's key holds '*': a check that was skipped or matched anything would pass it.
    key = await h.createKey(acme.admin);
  });
  afterAll(async () => {
    await h?.close();
  });

  const authorize = (permission: string | undefined) =>
    h.app.inject({
      method: 'GET',
      url: '/v1/authorize',
      headers: {
        authorization: `Bearer ${key.token}`,
        'x-original-uri': '/orders',
        'x-latchkey-verifier': verifier.token,
        ...(permission !== undefined && { 'x-latchkey-permission': permission }),
      },
    });

  it('the gateway answers 403 PERMISSION_BLANK for an empty or blank X-Latchkey-Permission, and records nothing for the key', async () => {
    for (const blank of ['', ' ', '   ', '\t']) {
      const res = await authorize(blank);
      expect(res.statusCode, JSON.stringify(blank)).toBe(403);
      expect(res.headers['x-latchkey-code']).toBe('PERMISSION_BLANK');
      expect(res.headers['x-latchkey-access-key-id']).toBeUndefined();
      const error = JSON.parse(res.body).error;
      expect(error).toMatchObject({ code: 'PERMISSION_BLANK', message: expect.stringContaining('X-Latchkey-Permission') });
      expect(res.body).not.toContain(key.secret);
    }
    expect(await recordsOf(h, acme.admin, key.accessKeyId)).toEqual([]);
  });

  it('without the header, and with a real permission, the gateway answers as before', async () => {
    expect((await authorize(undefined)).statusCode).toBe(200);
    expect((await authorize('orders:read')).statusCode).toBe(200);
  });

  it('/v1/verify refuses an empty or blank permission with 400 naming the field', async () => {
    for (const blank of ['', ' ', '   ', '\t\n']) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/verify', headers: { authorization: `Bearer ${verifier.token}` }, payload: { token: key.token, permission: blank } });
      expect(res.statusCode, JSON.stringify(blank)).toBe(400);
      const error = JSON.parse(res.body).error;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual({ field: 'permission' });
      expect(error.message).toBe('permission must not be empty or blank.');
    }
    const fine = await h.app.inject({ method: 'POST', url: '/v1/verify', headers: { authorization: `Bearer ${verifier.token}` }, payload: { token: key.token, permission: 'orders:read' } });
    expect(JSON.parse(fine.body)).toMatchObject({ valid: true });
  });
});
