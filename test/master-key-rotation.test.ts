/**
 * Issue 13 item 2: master-key rotation. Every sealed value (access key secrets and previous
 * secrets, authenticator seeds, queued mail bodies) is re-sealed under a new master key while
 * servers keep serving: SigV4 (signed by the AWS SDK's own signer) and bearer tokens verify
 * before, during (a second process holding both keys while the rotation stands half done) and
 * after (a process holding the new key only); sign-in with an authenticator code and with a
 * recovery code, and a mail queued before, still work after. A process left with the old key
 * only refuses to start, and one already running reports each unreadable seal as tampering.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecret, openValue } from '../src/crypto/envelope.js';
import { MasterKeyring, masterKeyId } from '../src/crypto/keyring.js';
import { checkKeyring } from '../src/main.js';
import { countSealed, FIRST_FORMAT, notUnder, RotationError, rotateMasterKey } from '../src/services/master-key-rotation.js';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, PASSWORD, readAllPages, testClock, totpAt, verify, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { openMailServer, type MailServer } from './support/mail.js';
import { verifySigned } from './support/signed.js';
import { awsSign, awsSigner } from './vectors/sdk-signers.js';

const request = { method: 'POST', hostname: 'api.example.com', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{"item":"book"}' };
const sign = (k: { accessKeyId: string; secret: string }, at: Date) =>
  awsSign(awsSigner({ accessKeyId: k.accessKeyId, secretAccessKey: k.secret, region: 'eu-west-1', service: 'orders' }), request, at);

/** An envelope as Latchkey sealed them before envelopes named their key (`v1.<iv>.<ciphertext>.<tag>`). */
function sealFirstFormat(key: Buffer, plaintext: string, additionalData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

const mailEnv = (smtp: MailServer) => ({ LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>', LATCHKEY_PUBLIC_URL: 'https://keys.example.test' });

describe.each(DATABASE_KINDS)('master-key rotation (%s)', (kind) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const oldId = masterKeyId(oldKey);
  const newId = masterKeyId(newKey);
  const both = new MasterKeyring([newKey, oldKey]);
  const clock = testClock();
  let smtp: MailServer;
  let first: Harness;
  const opened: Harness[] = [];
  let acme: Tenant;
  const keys: IssuedKey[] = [];
  /** A key rotated with an overlap: its previous secret still verifies (and is sealed too). */
  let overlapped: { accessKeyId: string; previous: string; current: string; previousToken: string; currentToken: string };
  let person: { email: string; secret: string; codes: string[] };

  /** Every key, as SigV4 (AWS SDK signer) and as a bearer token, on `h`. */
  async function everyKeyVerifies(h: Harness): Promise<void> {
    clock.advance(1000);
    for (const k of keys) {
      expect(await verifySigned(h, await sign(k, clock.now())), k.accessKeyId).toMatchObject({ valid: true, accessKeyId: k.accessKeyId });
      expect(await verify(h, k.token)).toMatchObject({ valid: true });
    }
    for (const secret of [overlapped.current, overlapped.previous]) {
      expect(await verifySigned(h, await sign({ accessKeyId: overlapped.accessKeyId, secret }, clock.now()))).toMatchObject({ valid: true });
    }
    for (const token of [overlapped.currentToken, overlapped.previousToken]) expect(await verify(h, token)).toMatchObject({ valid: true });
  }

  async function open(masterKey: Buffer | MasterKeyring, withMail = false): Promise<Harness> {
    const h = await openHttp(kind, { shareWith: first, masterKey, clock, mailMaxAttempts: 50, ...(withMail && { env: mailEnv(smtp) }) });
    opened.push(h);
    return h;
  }

  const keyCount = async (h: Harness) => (await h.store.db.selectFrom('accessKeys').select('id').execute()).length;

  const signIn = (h: Harness, second: { totp?: string; recoveryCode?: string }) =>
    h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email: person.email, password: PASSWORD, ...second } });

  beforeAll(async () => {
    smtp = await openMailServer();
    smtp.refuse(true);
    first = await openHttp(kind, { masterKey: oldKey, clock, env: mailEnv(smtp), mailMaxAttempts: 50 });
    acme = await first.bootstrap();
    for (let i = 0; i < 7; i++) keys.push(await first.createKey(acme.admin, { name: `service-${i}` }));
    const rotating = await first.createKey(acme.admin, { name: 'rotating' });
    const rotated = await first.request({ method: 'POST', url: `/v1/access-keys/${rotating.accessKeyId}/rotate`, as: acme.admin, body: { overlapSeconds: 86_400 } });
    expect(rotated.status).toBe(200);
    overlapped = { accessKeyId: rotating.accessKeyId, previous: rotating.secret, current: rotated.body.secret, previousToken: rotating.token, currentToken: rotated.body.token };

    const who = await first.createUser(acme.admin);
    const started = await first.request({ method: 'POST', url: '/v1/me/totp', as: who.session });
    expect((await first.request({ method: 'POST', url: '/v1/me/totp/confirm', as: who.session, body: { code: totpAt(started.body.secret, clock) } })).status).toBe(204);
    clock.advance(30_000);
    person = { email: who.email, secret: started.body.secret, codes: started.body.recoveryCodes };

    // Two values as the first versions sealed them (no key ID): key 0's secret and the authenticator seed.
    const k0 = keys[0]!;
    await first.store.db
      .updateTable('accessKeys')
      .set({ secretEnvelope: sealFirstFormat(oldKey, k0.secret, `latchkey:secret:${acme.tenantId}:${k0.accessKeyId}`) })
      .where('id', '=', k0.accessKeyId)
      .execute();
    const seed = await first.store.db.selectFrom('totpCredentials').select('secretEnvelope').where('userId', '=', who.id).executeTakeFirstOrThrow();
    const plainSeed = openValue(oldKey, seed.secretEnvelope, `totp:${acme.tenantId}:${who.id}`);
    await first.store.db
      .updateTable('totpCredentials')
      .set({ secretEnvelope: sealFirstFormat(oldKey, plainSeed, `latchkey:sealed:totp:${acme.tenantId}:${who.id}`) })
      .where('userId', '=', who.id)
      .execute();
    first.services.keyCache.evict({ tenantId: acme.tenantId, accessKeyId: k0.accessKeyId });

    // A mail queued while the relay refuses: it waits in the outbox, sealed, through the rotation.
    expect((await first.request({ method: 'POST', url: '/v1/auth/password-reset', body: { tenant: acme.slug, email: person.email } })).status).toBeLessThan(300);
    for (let i = 0; smtp.refusedCount() === 0; i++) {
      if (i > 200) throw new Error('the relay was never offered the mail');
      await new Promise((done) => setTimeout(done, 50));
    }
  });

  afterAll(async () => {
    for (const h of opened.reverse()) await h.close();
    await first?.app.close();
    await first?.testStore.cleanup();
    await smtp?.close();
  });

  it('before: every key verifies (SigV4 and bearer), first-format envelopes included, and everything is under the old key', async () => {
    await everyKeyVerifies(first);
    clock.advance(30_000);
    expect((await signIn(first, { totp: totpAt(person.secret, clock) })).status).toBe(200);
    const counts = await countSealed(first.store);
    // Every access key (the verifier's key the checks use included), one of them in the first format.
    const total = (await first.store.db.selectFrom('accessKeys').select('id').execute()).length;
    expect(total).toBeGreaterThanOrEqual(9);
    expect(counts.access_key_secret).toEqual({ [FIRST_FORMAT]: 1, [oldId]: total - 1 });
    expect(counts.access_key_previous_secret).toEqual({ [oldId]: 1 });
    expect(counts.totp_secret).toEqual({ [FIRST_FORMAT]: 1 });
    expect(counts.mail_body[oldId]).toBeGreaterThanOrEqual(1);
    expect(counts.recovery_code_key).toEqual({});
    // The first process stops its background work (its mail sender would retry the queued mail);
    // its database stays, shared by the processes below.
    await first.services.stop();
  });

  it('during: a rotation stopped between batches leaves every value readable by a process holding both keys', async () => {
    const during = await open(both);
    const half = await rotateMasterKey(during.store, both, { batchSize: 2, maxBatches: 2 });
    expect(half).toMatchObject({ finished: false, batches: 2, resealed: 4 });
    expect(half.remaining).toBeGreaterThan(0);
    const secrets = half.counts.access_key_secret;
    expect(secrets[newId]).toBe(4);
    expect(Object.values(secrets).reduce((a, b) => a + b)).toBe(await keyCount(during));
    await everyKeyVerifies(during);
    clock.advance(30_000);
    expect((await signIn(during, { totp: totpAt(person.secret, clock) })).status).toBe(200);
    // A process with the old key alone may no longer start: values are now sealed under the new one.
    await expect(checkKeyring(during.store, { keys: [oldKey], source: 'env', where: 'LATCHKEY_MASTER_KEY' }, new MasterKeyring([oldKey]))).rejects.toThrow(
      new RegExp(`^the master key \\(LATCHKEY_MASTER_KEY\\) is not the one this database's secrets are sealed under \\(master key ${newId}\\)`),
    );
    await expect(checkKeyring(during.store, { keys: [newKey, oldKey], source: 'env', where: 'LATCHKEY_MASTER_KEYS' }, both)).resolves.toBeUndefined();
  });

  it('a second run finishes the job: nothing is left under the old key, and the old key can be retired', async () => {
    const during = opened[opened.length - 1]!;
    const rest = await rotateMasterKey(during.store, both, { batchSize: 2 });
    expect(rest.finished).toBe(true);
    expect(rest.remaining).toBe(0);
    expect(rest.resealed).toBeGreaterThanOrEqual(5);
    expect(rest.counts.access_key_secret).toEqual({ [newId]: await keyCount(during) });
    expect(rest.counts.access_key_previous_secret).toEqual({ [newId]: 1 });
    expect(rest.counts.totp_secret).toEqual({ [newId]: 1 });
    expect(Object.keys(rest.counts.mail_body)).toEqual([newId]);
    // The old key's recovery-code key is kept, sealed under the new key.
    expect(rest.counts.recovery_code_key).toEqual({ [newId]: 1 });
    expect(notUnder(await countSealed(during.store), newId)).toBe(0);
    // Running it once more changes nothing.
    expect(await rotateMasterKey(during.store, both)).toMatchObject({ resealed: 0, finished: true, remaining: 0 });
    const stored = await during.store.db.selectFrom('accessKeys').select(['id', 'secretEnvelope']).where('id', '=', keys[0]!.accessKeyId).executeTakeFirstOrThrow();
    expect(openSecret(newKey, stored.secretEnvelope, { tenantId: acme.tenantId, accessKeyId: stored.id })).toBe(keys[0]!.secret);
    await everyKeyVerifies(during);
  });

  it('after retiring the old key: a process with the new key only verifies every key, signs in (app code, recovery code) and sends the queued mail', async () => {
    for (const h of opened.splice(0)) await h.close();
    smtp.refuse(false);
    clock.advance(10 * 60_000);
    const after = await open(newKey, true);
    await everyKeyVerifies(after);
    clock.advance(30_000);
    expect((await signIn(after, { totp: totpAt(person.secret, clock) })).status).toBe(200);
    expect((await signIn(after, { recoveryCode: person.codes[0]! })).status).toBe(200);
    expect((await signIn(after, { recoveryCode: person.codes[0]! })).status).toBe(401);
    const mail = await smtp.next(person.email);
    expect(mail.text.length).toBeGreaterThan(0);
    // A recovery code made after the rotation works too (made under the new key).
    clock.advance(30_000);
    const who = await after.login(acme.slug, person.email, PASSWORD, totpAt(person.secret, clock));
    clock.advance(30_000);
    const fresh = await after.request({ method: 'POST', url: '/v1/me/totp/recovery-codes', as: who, body: { code: totpAt(person.secret, clock) } });
    expect(fresh.status).toBe(200);
    expect((await signIn(after, { recoveryCode: fresh.body.recoveryCodes[0] })).status).toBe(200);
  });

  it('a process left with the old key only reports each seal it cannot open as tampering (audited, logged), never a silent pass; bearer tokens still verify', async () => {
    const stale = await open(oldKey);
    clock.advance(1000);
    const k = keys[3]!;
    expect(await verifySigned(stale, await sign(k, clock.now()))).toMatchObject({ valid: false, code: 'SIGNATURE_MISMATCH' });
    expect(await verify(stale, k.token)).toMatchObject({ valid: true });
    const { items } = await readAllPages(stale, acme.admin, '/v1/audit-events', 100);
    expect(items.filter((e) => e.action === 'access_key.secret_unreadable')).toMatchObject([{ targetId: k.accessKeyId, result: 'failure' }]);
    const log = stale
      .logText()
      .split('\n')
      .filter((line) => line.includes('does not open'));
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!)).toMatchObject({ level: 50, accessKeyId: k.accessKeyId });
    expect(stale.logText()).not.toContain(k.secret);
  });

  it('refuses a keyring without the key values are sealed under, and a value no key opens, with one line and that batch unwritten', async () => {
    const h = opened[opened.length - 1]!;
    const wrong = new MasterKeyring([randomBytes(32), randomBytes(32)]);
    const before = await countSealed(h.store);
    await expect(rotateMasterKey(h.store, wrong)).rejects.toThrow(new RegExp(`^the keyring \\(.+\\) does not hold master key ${newId}`));
    expect(await countSealed(h.store)).toEqual(before);

    // A tampered row (another key's sealed secret copied onto it) stops the rotation, naming the key.
    const [donor, victim] = [keys[1]!, keys[2]!];
    const { secretEnvelope } = await h.store.db.selectFrom('accessKeys').select('secretEnvelope').where('id', '=', donor.accessKeyId).executeTakeFirstOrThrow();
    await h.store.db.updateTable('accessKeys').set({ secretEnvelope }).where('id', '=', victim.accessKeyId).execute();
    // (The old key too: the stale process above sealed its verifier key's secret under it.)
    const newer = new MasterKeyring([randomBytes(32), newKey, oldKey]);
    const refused = await rotateMasterKey(h.store, newer, { batchSize: 100 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RotationError);
    expect((refused as Error).message).toMatch(new RegExp(`^the secret of access key ${victim.accessKeyId} does not open with the keyring`));
    expect((refused as Error).message).not.toContain('\n');
    expect((refused as Error).message).not.toContain(secretEnvelope);
    // The batch with the tampered row was rolled back: no access key secret is under the newer key.
    expect((await countSealed(h.store)).access_key_secret).toEqual(before.access_key_secret);
  });
});
