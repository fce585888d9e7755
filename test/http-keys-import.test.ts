/**
 * Importing keys (issue 13 part 3) through POST /v1/access-keys/import: keys from another system
 * keep their IDs and secrets, so bearer tokens and SigV4-signed requests made with them verify
 * at once; a file with any refused line writes nothing and lists every refusal by line and field.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, readAllPages, setPolicy, verifierFor, verify, type CreatedUser, type Harness, type Tenant } from './support/http.js';
import { verifySigned } from './support/signed.js';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const later = '2032-06-30T00:00:00.000Z';
const otherLatchkeyToken = () => buildToken(generateAccessKeyId(), generateSecret());

describe.each(DATABASE_KINDS)('key import on %s', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let globex: Tenant;
  let member: CreatedUser;

  const importKeys = (keys: unknown[], as = acme.admin) => h.request({ method: 'POST', url: '/v1/access-keys/import', as, body: { keys } });
  const countKeys = async () => (await readAllPages(h, acme.admin, '/v1/access-keys', 100)).items.length;
  const line = (more: Record<string, unknown> = {}) => ({ owner: member.email, name: 'imported', state: 'enabled', expiresAt: later, secret: otherLatchkeyToken(), ...more });

  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    globex = await h.bootstrap();
    member = await h.createUser(acme.admin, { name: 'Mo Member', programmaticAccess: true });
    await setPolicy(h, acme.admin, { memberKeyLimit: 5 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('imports Latchkey tokens and an AWS-style ID and secret with their owners, states and dates; they verify as bearer tokens and SigV4 at once', async () => {
    const token = otherLatchkeyToken();
    const disabledToken = otherLatchkeyToken();
    const awsId = generateAccessKeyId();
    const res = await importKeys([
      line({ secret: token, name: 'from old latchkey', createdAt: '2029-05-01T10:00:00Z', lastUsedAt: '2031-03-01T08:00:00Z' }),
      line({ secret: disabledToken, name: 'parked', state: 'disabled', owner: member.id }),
      { owner: `admin@${acme.slug}.example`, name: 'aws style', state: 'enabled', expiresAt: null, accessKeyId: awsId, secret: AWS_SECRET },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(3);
    expect(res.body.keys.map((k: any) => [k.line, k.name, k.state, k.bearer, k.signed])).toEqual([
      [1, 'from old latchkey', 'enabled', true, true],
      [2, 'parked', 'disabled', true, true],
      [3, 'aws style', 'enabled', false, true],
    ]);
    expect(res.text).not.toContain(AWS_SECRET);

    expect(await verify(h, token)).toMatchObject({ valid: true, userId: member.id });
    expect((await verify(h, disabledToken)).code).toBe('KEY_DISABLED');
    const signed = await awsSign(
      awsSigner({ accessKeyId: awsId, secretAccessKey: AWS_SECRET, region: 'eu-west-1', service: 'orders' }),
      { method: 'GET', hostname: 'api.example.com', path: '/orders' },
      h.clock.now(),
    );
    expect(await verifySigned(h, signed)).toMatchObject({ valid: true, accessKeyId: awsId, userId: acme.admin.userId });
    const wrong = await awsSign(
      awsSigner({ accessKeyId: awsId, secretAccessKey: `${AWS_SECRET.slice(0, -1)}Z`, region: 'eu-west-1', service: 'orders' }),
      { method: 'GET', hostname: 'api.example.com', path: '/orders' },
      h.clock.now(),
    );
    expect((await verifySigned(h, wrong)).code).toBe('SIGNATURE_MISMATCH');

    const first = (await h.request({ method: 'GET', url: `/v1/access-keys/${res.body.keys[0].accessKeyId}`, as: acme.admin })).body;
    expect(first).toMatchObject({
      createdAt: '2029-05-01T10:00:00.000Z',
      lastUsedAt: '2031-03-01T08:00:00.000Z',
      expiresAt: later,
      ownerId: member.id,
      creatorId: acme.admin.userId,
      type: 'api',
    });
    const aws = (await h.request({ method: 'GET', url: `/v1/access-keys/${awsId}`, as: acme.admin })).body;
    expect(aws).toMatchObject({ expiresAt: null, ownerId: acme.admin.userId });

    const perKey = (await readAllPages(h, acme.admin, '/v1/audit-events?action=access_key.import', 100)).items.filter((e: any) => e.result === 'success');
    expect(perKey.map((e: any) => e.targetId).sort()).toEqual(res.body.keys.map((k: any) => k.accessKeyId).sort());
    const [file] = (await readAllPages(h, acme.admin, '/v1/audit-events?action=access_key.import_file', 100)).items;
    expect(file.details).toEqual({ lines: 3, imported: 3 });
    expect(JSON.stringify(perKey)).not.toContain(AWS_SECRET);
  });

  it('refuses the whole file when any line is refused, lists every refusal by line and field, and writes nothing', async () => {
    const existing = await h.createKey(acme.admin, { name: 'already here' });
    const theirs = await h.createKey(globex.admin, { name: 'globex key' });
    const globexUser = await h.addUser(globex.admin, { programmaticAccess: true });
    const noAccess = await h.addUser(acme.admin, { programmaticAccess: false });
    const dup = otherLatchkeyToken();
    const before = await countKeys();
    const good = line();
    const res = await importKeys([
      good,
      'not an object',
      line({ owner: 'nobody@example.com' }),
      line({ secret: dup }),
      line({ secret: dup }),
      line({ secret: existing.token }),
      line({ secret: theirs.token }),
      line({ owner: globexUser.email }),
      line({ owner: noAccess.id }),
      line({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secret: AWS_SECRET }),
      line({ secret: `${otherLatchkeyToken().slice(0, -2)}zz` }),
      line({ expiresAt: '2031-01-01T00:00:00Z' }),
      line({ extra: true }),
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IMPORT_REFUSED');
    expect(res.body.error.message).toBe('11 of 13 lines were refused; nothing was imported.');
    expect(res.body.error.details.refused.map((r: any) => [r.line, r.field])).toEqual([
      [2, null],
      [3, 'owner'],
      [5, 'secret'],
      [6, 'secret'],
      [7, 'secret'],
      [8, 'owner'],
      [9, 'owner'],
      [10, 'accessKeyId'],
      [11, 'secret'],
      [12, 'expiresAt'],
      [13, 'extra'],
    ]);
    const reasons = Object.fromEntries(res.body.error.details.refused.map((r: any) => [r.line, r.reason]));
    expect(reasons[3]).toBe('no such user in this tenant');
    expect(reasons[5]).toContain('is also on line 4');
    expect(reasons[6]).toContain('is already taken');
    // Another tenant's key ID is taken as any is (IDs are unique across tenants); its user is unknown here.
    expect(reasons[7]).toContain('is already taken');
    expect(reasons[8]).toBe('no such user in this tenant');
    expect(reasons[9]).toBe('the user has no programmatic access');
    expect(res.text).not.toContain(existing.secret);
    expect(await countKeys()).toBe(before);
    expect((await verify(h, good.secret as string)).code).toBe('KEY_NOT_FOUND');
    const [failed] = (await readAllPages(h, acme.admin, '/v1/audit-events?action=access_key.import', 100)).items.filter((e: any) => e.result === 'failure');
    expect(failed.details).toEqual({ reason: 'IMPORT_REFUSED', lines: 13, refused: 11 });
  });

  it('imports keys known only by the SHA-256 of their token (Unkey): they verify as bearer tokens in their own format; signed requests are SECRET_NOT_AVAILABLE', async () => {
    const unkeyToken = `uk_3ZbYHh2nE9kq${generateSecret().slice(0, 20)}`;
    const base64Token = `sk_live_${generateSecret()}`;
    const hex = createHash('sha256').update(unkeyToken).digest('hex');
    const b64 = createHash('sha256').update(base64Token).digest('base64');
    const res = await importKeys([line({ secret: undefined, sha256: hex, name: 'from unkey' }), line({ secret: undefined, sha256: b64, name: 'base64 digest', state: 'disabled' })]);
    expect(res.status).toBe(201);
    const [fromUnkey, parked] = res.body.keys;
    expect(fromUnkey).toMatchObject({ name: 'from unkey', bearer: true, signed: false, accessKeyId: expect.stringMatching(/^LK[A-Z2-7]{18}$/) });
    expect(await verify(h, unkeyToken, undefined, await verifierFor(h.services, acme.tenantId))).toMatchObject({ valid: true, accessKeyId: fromUnkey.accessKeyId, userId: member.id });
    expect((await verify(h, base64Token, undefined, await verifierFor(h.services, acme.tenantId))).code).toBe('KEY_DISABLED');
    expect(parked.state).toBe('disabled');
    // A token one character off (never the same character: the token is random), and another tenant's verifier, find nothing.
    const offByOne = `${unkeyToken.slice(0, -1)}${unkeyToken.endsWith('x') ? 'y' : 'x'}`;
    expect((await verify(h, offByOne, undefined, await verifierFor(h.services, acme.tenantId))).code).toBe('MALFORMED');
    expect((await verify(h, unkeyToken, undefined, await verifierFor(h.services, globex.tenantId))).code).toBe('MALFORMED');
    const signed = await awsSign(
      awsSigner({ accessKeyId: fromUnkey.accessKeyId, secretAccessKey: unkeyToken, region: 'eu-west-1', service: 'orders' }),
      { method: 'GET', hostname: 'api.example.com', path: '/orders' },
      h.clock.now(),
    );
    expect((await verifySigned(h, signed)).code).toBe('SECRET_NOT_AVAILABLE');
    // Disabled through the API like any key, it stops verifying at once.
    await h.request({ method: 'POST', url: `/v1/access-keys/${fromUnkey.accessKeyId}/disable`, as: acme.admin });
    expect((await verify(h, unkeyToken, undefined, await verifierFor(h.services, acme.tenantId))).code).toBe('KEY_DISABLED');

    // Its secret cannot be shown; rotating gives it a Latchkey secret and the old token stops at once, overlap or not.
    await h.request({ method: 'POST', url: `/v1/access-keys/${fromUnkey.accessKeyId}/enable`, as: acme.admin });
    const rotated = await h.request({ method: 'POST', url: `/v1/access-keys/${fromUnkey.accessKeyId}/rotate`, as: acme.admin, body: { overlapSeconds: 3600 } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).toBeNull();
    expect((await verify(h, rotated.body.token)).valid).toBe(true);
    expect((await verify(h, unkeyToken, undefined, await verifierFor(h.services, acme.tenantId))).code).toBe('MALFORMED');

    // Its secret cannot be shown even where the policy reveals secrets; and importing asks for step-up as creating does.
    await setPolicy(h, acme.admin, { stepUp: 'totp', secretReveal: 'after-step-up' });
    try {
      const parkedReveal = await h.request({ method: 'POST', url: `/v1/access-keys/${parked.accessKeyId}/reveal`, as: acme.admin });
      expect([parkedReveal.status, parkedReveal.body.error.code]).toEqual([409, 'SECRET_NOT_AVAILABLE']);
      const stepUpFirst = await importKeys([line()]);
      expect([stepUpFirst.status, stepUpFirst.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    } finally {
      await setPolicy(h, acme.admin, { stepUp: 'none', secretReveal: 'never' });
    }

    const again = await importKeys([line({ secret: undefined, sha256: hex }), line({ secret: undefined, sha256: 'abc' }), line({ sha256: hex })]);
    expect(again.body.error.details.refused).toEqual([
      { line: 1, field: 'sha256', reason: 'a key with this sha256 was already imported' },
      { line: 2, field: 'sha256', reason: 'not a SHA-256 digest: 64 hex characters, or 43 base64 characters (with or without the = padding)' },
      { line: 3, field: 'sha256', reason: 'give either sha256, or secret (with accessKeyId for a raw secret), not both' },
    ]);
  });

  it('counts tokens of no known digest as failed guesses of their source: RATE_LIMITED past the limit, a right token still passes', async () => {
    const token = `uk_${generateSecret()}`;
    const done = await importKeys([line({ secret: undefined, sha256: createHash('sha256').update(token).digest('hex') })]);
    expect(done.status).toBe(201);
    const source = { sourceIp: '203.0.113.77', userAgent: 'guesser/1.0', verifierKeyId: 'digest-guesser' };
    const codes: string[] = [];
    for (let i = 0; i < 31; i++) {
      const outcome = await h.services.verification.verify({ kind: 'token', token: `uk_${generateSecret()}` }, source);
      codes.push(outcome.valid ? 'VALID' : outcome.code);
    }
    expect(codes).toEqual([...Array(30).fill('MALFORMED'), 'RATE_LIMITED']);
    expect(await h.services.verification.verify({ kind: 'token', token }, source)).toMatchObject({ valid: true });
  });

  it("applies the tenant policy: the owner's key limit and never-expiring keys", async () => {
    const owner = await h.addUser(acme.admin, { programmaticAccess: true });
    const over = await importKeys(Array.from({ length: 6 }, () => line({ owner: owner.id })));
    expect(over.body.error.details.refused).toEqual([{ line: 6, field: 'owner', reason: 'the user would hold more than 5 keys, the most the tenant policy allows (they hold 0 now)' }]);
    await setPolicy(h, acme.admin, { allowNeverExpires: false, defaultValidityDays: 365 });
    try {
      const never = await importKeys([line({ owner: owner.id, expiresAt: null })]);
      expect(never.body.error.details.refused).toEqual([{ line: 1, field: 'expiresAt', reason: 'the tenant policy does not allow keys that never expire' }]);
    } finally {
      await setPolicy(h, acme.admin, { allowNeverExpires: true });
    }
    expect((await readAllPages(h, acme.admin, `/v1/access-keys?userId=${owner.id}`, 100)).items).toEqual([]);
  });

  it('is for admins only (403), takes 1 to 1000 lines (400), and only the documented body (400)', async () => {
    const asMember = await importKeys([line()], member.session);
    expect([asMember.status, asMember.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const empty = await importKeys([]);
    expect(empty.status).toBe(400);
    const tooMany = await importKeys(Array.from({ length: 1001 }, () => line()));
    expect(tooMany.status).toBe(400);
    const odd = await h.request({ method: 'POST', url: '/v1/access-keys/import', as: acme.admin, body: { keys: [line()], dryRun: true } });
    expect(odd.status).toBe(400);
  });
});
