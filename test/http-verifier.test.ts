/**
 * Who may ask /v1/verify and /v1/authorize: only verifiers, callers holding an access key of the
 * tenant with latchkey:verify, and each sees only its own tenant's keys. The attacks this
 * answers: anyone on the network testing tokens, a verifier probing another tenant's keys, a
 * caller forging the end client's address and agent in the access record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';
import { openHttp, verifierFor, type Harness, type Tenant, type Verifier } from './support/http.js';
import { verifyJson } from './support/signed.js';

describe('verifier credentials (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  let acmeVerifier: Verifier;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    globex = await h.bootstrap();
    acmeVerifier = await verifierFor(h.services, acme.tenantId);
  });
  afterAll(async () => {
    await h?.close();
  });

  const verifyAs = (authorization: string | undefined, body: Record<string, unknown>) =>
    h.request({ method: 'POST', url: '/v1/verify', body, ...(authorization !== undefined && { headers: { authorization } }) });
  const records = async (admin: Tenant['admin'], accessKeyId: string) => {
    await h.services.recorder.flush();
    return (await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}/access-records?limit=100`, as: admin })).body.items as Record<string, unknown>[];
  };

  it('refuses a caller without a verifier (401 VERIFIER_REQUIRED) and records nothing', async () => {
    const k = await h.createKey(acme.admin);
    const res = await verifyAs(undefined, { token: k.token });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'VERIFIER_REQUIRED', requestId: expect.stringMatching(/^req_/) });
    expect(res.text).not.toContain('"valid"');
    expect(await records(acme.admin, k.accessKeyId)).toEqual([]);
  });

  it('refuses a bad verifier with 401 VERIFIER_INVALID, and a good key without latchkey:verify with 403', async () => {
    const k = await h.createKey(acme.admin);
    for (const authorization of ['Bearer nonsense', `Bearer ${k.token.slice(0, -1)}${k.token.endsWith('x') ? 'y' : 'x'}`, 'Basic abc']) {
      const res = await verifyAs(authorization, { token: k.token });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error.code, authorization).toBe('VERIFIER_INVALID');
    }
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'orders-only', permissions: ['orders:read'] } });
    const narrow = await h.createKey(acme.admin, { roleIds: [role.body.id] });
    const forbidden = await verifyAs(`Bearer ${narrow.token}`, { token: k.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('VERIFIER_FORBIDDEN');
    expect(await records(acme.admin, k.accessKeyId)).toEqual([]);
  });

  it("answers another tenant's key exactly like an unknown key, and writes nothing into that tenant", async () => {
    const theirs = await h.createKey(globex.admin);
    const unknown = await verifyAs(`Bearer ${acmeVerifier.token}`, { token: buildToken(generateAccessKeyId(), generateSecret()) });
    const foreign = await verifyAs(`Bearer ${acmeVerifier.token}`, { token: theirs.token });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toEqual({ valid: false, code: 'KEY_NOT_FOUND', message: expect.any(String) });
    expect(foreign.text).toBe(unknown.text);
    expect(await records(globex.admin, theirs.accessKeyId)).toEqual([]);
    // Its own tenant's verifier gets the real answer.
    const own = await verifyAs(`Bearer ${(await verifierFor(h.services, globex.tenantId)).token}`, { token: theirs.token });
    expect(own.body).toMatchObject({ valid: true, accessKeyId: theirs.accessKeyId, tenantId: globex.tenantId });
  });

  it("answers a request signed with another tenant's key as a wrong signature: SIGNATURE_MISMATCH, nothing recorded", async () => {
    const theirs = await h.createKey(globex.admin);
    const signer = awsSigner({ accessKeyId: theirs.accessKeyId, secretAccessKey: theirs.secret, region: 'us-east-1', service: 'orders' });
    const request = verifyJson(await awsSign(signer, { method: 'POST', hostname: 'api.example.com', path: '/orders', body: 'hello' }, h.clock.now()));
    const foreign = await verifyAs(`Bearer ${acmeVerifier.token}`, { request });
    expect(foreign.body).toEqual({ valid: false, code: 'SIGNATURE_MISMATCH', message: expect.any(String) });
    // A request refused before any secret (here: dated an hour off) names the key too: still nothing recorded there.
    const skewed = verifyJson(await awsSign(signer, { method: 'GET', hostname: 'api.example.com', path: '/orders' }, new Date(h.clock.now().getTime() - 3_600_000)));
    expect((await verifyAs(`Bearer ${acmeVerifier.token}`, { request: skewed })).body).toMatchObject({ valid: false, code: 'REQUEST_TIME_SKEWED' });
    expect(await records(globex.admin, theirs.accessKeyId)).toEqual([]);
    const own = await verifyAs(`Bearer ${(await verifierFor(h.services, globex.tenantId)).token}`, { request });
    expect(own.body).toMatchObject({ valid: true, accessKeyId: theirs.accessKeyId });
  });

  it("answers another tenant's key at the gateway as a wrong signature would: 401, nothing recorded", async () => {
    const theirs = await h.createKey(globex.admin);
    const res = await h.app.inject({
      method: 'GET',
      url: '/v1/authorize',
      headers: { authorization: `Bearer ${theirs.token}`, 'x-original-uri': '/x', 'x-latchkey-verifier': acmeVerifier.token },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-latchkey-code']).toBe('KEY_NOT_FOUND');
    expect(await records(globex.admin, theirs.accessKeyId)).toEqual([]);
    const none = await h.app.inject({ method: 'GET', url: '/v1/authorize', headers: { authorization: `Bearer ${theirs.token}`, 'x-original-uri': '/x' } });
    expect(none.statusCode).toBe(401);
    expect(none.headers['x-latchkey-code']).toBe('VERIFIER_REQUIRED');
  });

  it('takes context only from a verifier, and only an IP address as sourceIp; agents lose control characters', async () => {
    const k = await h.createKey(acme.admin);
    const spoofed = await verifyAs(undefined, { token: k.token, context: { sourceIp: '6.6.6.6', userAgent: 'evil' } });
    expect(spoofed.status).toBe(401);
    for (const sourceIp of ['6.6.6', 'localhost', '<script>', '1.2.3.4\n']) {
      const res = await verifyAs(`Bearer ${acmeVerifier.token}`, { token: k.token, context: { sourceIp } });
      expect(res.status, sourceIp).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'context.sourceIp' } });
    }
    const ok = await verifyAs(`Bearer ${acmeVerifier.token}`, { token: k.token, context: { sourceIp: '2001:db8::7', userAgent: 'app/1\r\n<b>x</b>\u0000' } });
    expect(ok.body.valid).toBe(true);
    const stored = await records(acme.admin, k.accessKeyId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ sourceIp: '2001:db8::7', userAgent: 'app/1<b>x</b>' });
  });

  it('stops a disabled verifier key at once', async () => {
    const made = await h.createKey(acme.admin, { name: 'gateway', verifier: true });
    const k = await h.createKey(acme.admin);
    expect((await verifyAs(`Bearer ${made.token}`, { token: k.token })).body.valid).toBe(true);
    await h.request({ method: 'POST', url: `/v1/access-keys/${made.accessKeyId}/disable`, as: acme.admin });
    const after = await verifyAs(`Bearer ${made.token}`, { token: k.token });
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({ code: 'VERIFIER_INVALID', details: { reason: 'KEY_DISABLED' } });
  });

  // The server keeps a verifier's token once it matched (so the next call skips parse and digest):
  // these are the ways a kept token could wrongly let a caller in, each refused.
  it('refuses, once a verifier token was taken, another secret under its key ID, and its previous secret after the overlap', async () => {
    const made = await h.createKey(acme.admin, { name: 'gateway', verifier: true });
    const k = await h.createKey(acme.admin);
    for (let i = 0; i < 3; i++) expect((await verifyAs(`Bearer ${made.token}`, { token: k.token })).body.valid).toBe(true);
    // Same key ID, same length, a valid checksum: only the secret differs.
    const forged = buildToken(made.accessKeyId, generateSecret());
    const wrong = await verifyAs(`Bearer ${forged}`, { token: k.token });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'VERIFIER_INVALID', details: { reason: 'KEY_NOT_FOUND' } }); // a wrong secret is told as an unknown key
    // The kept token differs from this one in its last character only.
    const lastChanged = `${made.token.slice(0, -1)}${made.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await verifyAs(`Bearer ${lastChanged}`, { token: k.token })).status).toBe(401);

    const rotated = (await h.request({ method: 'POST', url: `/v1/access-keys/${made.accessKeyId}/rotate`, as: acme.admin, body: { overlapSeconds: 60 } })).body;
    // During the overlap only the previous token is used (it must not be kept as the key's).
    expect((await verifyAs(`Bearer ${made.token}`, { token: k.token })).body.valid).toBe(true);
    expect((await verifyAs(`Bearer ${made.token}`, { token: k.token })).body.valid).toBe(true);
    h.clock.advance(61_000);
    const expired = await verifyAs(`Bearer ${made.token}`, { token: k.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ code: 'VERIFIER_INVALID', details: { reason: 'KEY_NOT_FOUND' } });
    expect((await verifyAs(`Bearer ${rotated.token}`, { token: k.token })).body.valid).toBe(true);
    // And a kept token stops with its key.
    await h.request({ method: 'POST', url: `/v1/access-keys/${made.accessKeyId}/disable`, as: acme.admin });
    expect((await verifyAs(`Bearer ${rotated.token}`, { token: k.token })).body.error).toMatchObject({ code: 'VERIFIER_INVALID', details: { reason: 'KEY_DISABLED' } });
  });

  it('creates verifier keys: an api key narrowed to the Verifier role, shown as verifier in the key and the list', async () => {
    const made = await h.createKey(acme.admin, { name: 'edge', verifier: true });
    expect(made).toMatchObject({ type: 'api', verifier: true, roleIds: [expect.any(String)] });
    const role = await h.request({ method: 'GET', url: `/v1/roles/${made.roleIds[0]}`, as: acme.admin });
    expect(role.body).toMatchObject({ name: 'Verifier', permissions: ['latchkey:verify'] });
    const second = await h.createKey(acme.admin, { verifier: true });
    expect(second.roleIds).toEqual(made.roleIds);
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${made.accessKeyId}`, as: acme.admin })).body.verifier).toBe(true);
    const list = (await h.request({ method: 'GET', url: '/v1/access-keys?limit=100', as: acme.admin })).body.items as { accessKeyId: string; verifier: boolean }[];
    expect(list.find((k) => k.accessKeyId === made.accessKeyId)?.verifier).toBe(true);
    expect(list.filter((k) => !k.verifier).length).toBeGreaterThan(0);
    // It verifies, and it cannot do anything else: no management API, no permissions of the owner.
    const other = await h.createKey(acme.admin);
    expect((await verifyAs(`Bearer ${made.token}`, { token: other.token })).body.valid).toBe(true);
    expect((await h.request({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${made.token}` } })).status).toBe(403);
    expect((await verifyAs(`Bearer ${acmeVerifier.token}`, { token: made.token, permission: 'orders:read' })).body).toMatchObject({ valid: false, code: 'PERMISSION_DENIED' });
  });

  it('refuses verifier with type access, roleIds or groupIds, and for an owner without latchkey:verify', async () => {
    for (const body of [
      { verifier: true, type: 'access' },
      { verifier: true, roleIds: [] },
      { verifier: true, groupIds: [] },
    ]) {
      const res = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const member = await h.createUser(acme.admin);
    const refused = await h.request({ method: 'POST', url: '/v1/access-keys', as: member.session, body: { verifier: true } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });
});

describe('LATCHKEY_VERIFY_AUTH=open (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite', { env: { LATCHKEY_VERIFY_AUTH: 'open' } });
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers callers without a verifier, as before, and warns at start', async () => {
    const k = await h.createKey(acme.admin);
    const res = await h.request({ method: 'POST', url: '/v1/verify', body: { token: k.token } });
    expect(res.body).toMatchObject({ valid: true, accessKeyId: k.accessKeyId });
    const gateway = await h.app.inject({ method: 'GET', url: '/v1/authorize', headers: { authorization: `Bearer ${k.token}`, 'x-original-uri': '/x' } });
    expect(gateway.statusCode).toBe(200);
    expect(h.logText()).toMatch(/"level":40[^\n]*LATCHKEY_VERIFY_AUTH=open/);
  });

  it('still refuses context from a caller without a verifier, and takes it from a verifier', async () => {
    const k = await h.createKey(acme.admin);
    const spoofed = await h.request({ method: 'POST', url: '/v1/verify', body: { token: k.token, context: { sourceIp: '6.6.6.6' } } });
    expect(spoofed.status).toBe(401);
    expect(spoofed.body.error.code).toBe('VERIFIER_REQUIRED');
    const verifier = await verifierFor(h.services, acme.tenantId);
    const given = await h.request({ method: 'POST', url: '/v1/verify', as: verifier, body: { token: k.token, context: { sourceIp: '198.51.100.1' } } });
    expect(given.body.valid).toBe(true);
    await h.services.recorder.flush();
    const stored = (await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}/access-records`, as: acme.admin })).body.items;
    expect(stored.map((r: { sourceIp: string }) => r.sourceIp)).toEqual(['198.51.100.1']);
  });
});
