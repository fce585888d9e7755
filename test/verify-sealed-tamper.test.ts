/**
 * Issue 10 item 6: a sealed secret moved onto another key's row (someone with write access to
 * the database) does not open there, since its additional data binds it to its own key ID and
 * tenant. Verification must fail closed with the ordinary refusal, not 500 INTERNAL, and the
 * tamper must leave an audit event and an error log line, neither holding a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, readAllPages, setPolicy, totpAt, verify, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { recordsOf, verifySigned } from './support/signed.js';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';

const request = { method: 'POST', hostname: 'api.example.com', path: '/payments', headers: { 'content-type': 'application/json' }, body: '{"amount":100}' };
const sign = (k: { accessKeyId: string; secret: string }, at: Date) =>
  awsSign(awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'eu-west-1', service: 'payments' }), request, at);

describe.each(DATABASE_KINDS)('a sealed secret moved to another row (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let donor: IssuedKey;
  let victim: IssuedKey;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    donor = await h.createKey(acme.admin, { name: 'donor' });
    victim = await h.createKey(acme.admin, { name: 'victim' });
    expect(await verifySigned(h, await sign(victim, h.clock.now()))).toMatchObject({ valid: true });
    // The attacker copies the donor's sealed secret (which they may know) onto the victim's row.
    const { secretEnvelope } = await h.store.db.selectFrom('accessKeys').select('secretEnvelope').where('id', '=', donor.accessKeyId).executeTakeFirstOrThrow();
    await h.store.db.updateTable('accessKeys').set({ secretEnvelope }).where('id', '=', victim.accessKeyId).execute();
    // As a restart, or the key's next refresh, would: the cached key goes and the row is read again.
    h.services.keyCache.evict({ tenantId: acme.tenantId, accessKeyId: victim.accessKeyId });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers the signature refusal, for the donor secret and for the victim’s own, never 500', async () => {
    h.clock.advance(1000);
    expect(await verifySigned(h, await sign({ accessKeyId: victim.accessKeyId, secret: donor.secret }, h.clock.now()))).toEqual({
      valid: false,
      code: 'SIGNATURE_MISMATCH',
      message: expect.any(String),
    });
    h.clock.advance(1000);
    expect(await verifySigned(h, await sign(victim, h.clock.now()))).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
    // Bearer tokens are checked against the digest, which was not moved: they keep working.
    expect(await verify(h, victim.token)).toMatchObject({ valid: true });
    const records = await recordsOf(h, acme.admin, victim.accessKeyId);
    const refused = records.filter((r) => r.outcome === 'failure');
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r).toMatchObject({ code: 'SIGNATURE_MISMATCH', detail: expect.objectContaining({ check: 'SEALED_SECRET_INVALID' }) });
  });

  it('records one audit event and an error log line naming the key, without any secret', async () => {
    const { items } = await readAllPages(h, acme.admin, '/v1/audit-events', 100);
    const tampered = items.filter((e) => e.action === 'access_key.secret_unreadable');
    // Once per key and hour, not once per request (nor once per reload of the row).
    expect(tampered).toHaveLength(1);
    expect(tampered[0]).toMatchObject({ targetType: 'access_key', targetId: victim.accessKeyId, result: 'failure', actorId: null });
    const log = h
      .logText()
      .split('\n')
      .filter((line) => line.includes('does not open'));
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!)).toMatchObject({ level: 50, accessKeyId: victim.accessKeyId, tenantId: acme.tenantId });
    const everything = JSON.stringify(items) + h.logText();
    for (const secret of [donor.secret, victim.secret]) expect(everything).not.toContain(secret);
    const { secretEnvelope } = await h.store.db.selectFrom('accessKeys').select('secretEnvelope').where('id', '=', victim.accessKeyId).executeTakeFirstOrThrow();
    expect(everything).not.toContain(secretEnvelope);
  });
});

describe('revealing a secret whose seal was moved (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 409 SECRET_UNREADABLE (not 500), audited and logged once, no secret anywhere', async () => {
    const secret = (await h.request({ method: 'POST', url: '/v1/me/totp', as: acme.admin })).body.secret as string;
    await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: acme.admin, body: { code: totpAt(secret, h.clock) } });
    await setPolicy(h, acme.admin, { stepUp: 'totp', secretReveal: 'after-step-up' });
    const stepUp = async () => {
      h.clock.advance(30_000);
      expect((await h.request({ method: 'POST', url: '/v1/auth/step-up/verify', as: acme.admin, body: { code: totpAt(secret, h.clock) } })).status).toBe(200);
    };
    await stepUp();
    const donor = await h.createKey(acme.admin, { name: 'donor' });
    const victim = await h.createKey(acme.admin, { name: 'victim' });
    const { secretEnvelope } = await h.store.db.selectFrom('accessKeys').select('secretEnvelope').where('id', '=', donor.accessKeyId).executeTakeFirstOrThrow();
    await h.store.db.updateTable('accessKeys').set({ secretEnvelope }).where('id', '=', victim.accessKeyId).execute();

    const res = await h.request({ method: 'POST', url: `/v1/access-keys/${victim.accessKeyId}/reveal`, as: acme.admin });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'SECRET_UNREADABLE', message: expect.stringContaining('Rotate') });
    for (const s of [donor.secret, victim.secret]) expect(res.text).not.toContain(s);

    const { items } = await readAllPages(h, acme.admin, '/v1/audit-events', 100);
    expect(items.filter((e) => e.action === 'access_key.secret_unreadable')).toMatchObject([{ targetId: victim.accessKeyId, result: 'failure' }]);
    expect(items.find((e) => e.action === 'access_key.reveal')).toMatchObject({ targetId: victim.accessKeyId, result: 'failure', details: { reason: 'SECRET_UNREADABLE' } });
    const log = h
      .logText()
      .split('\n')
      .filter((line) => line.includes('does not open'));
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!)).toMatchObject({ level: 50, accessKeyId: victim.accessKeyId });
    for (const s of [donor.secret, victim.secret, secretEnvelope]) expect(JSON.stringify(items) + h.logText()).not.toContain(s);
    // Rotating seals a new secret: the key can be revealed again.
    await stepUp();
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${victim.accessKeyId}/rotate`, as: acme.admin })).status).toBe(200);
    await stepUp();
    expect((await h.request({ method: 'POST', url: `/v1/access-keys/${victim.accessKeyId}/reveal`, as: acme.admin })).status).toBe(200);
  });
});
