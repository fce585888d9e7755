/**
 * Throttled guessing (issue 9 part 3), on the real app and store: a flood of wrong secrets at one
 * key ID, or of invented key IDs from one source, answers RATE_LIMITED past the limits and is
 * not stored attempt by attempt; the right secret always passes; a burst against one key raises
 * one key.under_attack (bell, mail, audit event) per hour. The default thresholds: 30 failures
 * a minute per source, 60 per key ID, an alert at 100 failures in 10 minutes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import type { AccessKey } from '../src/core/model.js';
import { createLogger } from '../src/logger.js';
import type { VerifyContext, VerifyOutcome } from '../src/services/verification-service.js';
import { UnderAttackAlerts } from '../src/services/under-attack-alerts.js';
import { DATABASE_KINDS, openTestStore } from './support/databases.js';
import { openHttp, readAllPages, setPolicy, type CreatedUser, type Harness, type IssuedKey, type Tenant } from './support/http.js';
import { openMailServer, type MailServer } from './support/mail.js';
import { awsSign, awsSigner, type AwsRequestInput } from './vectors/sdk-signers.js';

const MINUTE = 60_000;
const wrong = (accessKeyId: string) => buildToken(accessKeyId, generateSecret());
const unknownToken = () => wrong(generateAccessKeyId());

describe.each(DATABASE_KINDS)('throttled guessing on %s', (kind) => {
  let h: Harness;
  let smtp: MailServer;
  let acme: Tenant;
  let member: CreatedUser;
  /** A verifier key ID, as the source's first half. */
  const verifier = generateAccessKeyId();
  let ip = 0;
  /** A source no other test used: the end-client IP varies, the verifier stays. */
  const freshSource = (): VerifyContext => ({ sourceIp: `198.51.${Math.floor(++ip / 250)}.${ip % 250}`, userAgent: 'guesser/1.0', verifierKeyId: verifier });

  const check = async (token: string, context: VerifyContext): Promise<VerifyOutcome> => h.services.verification.verify({ kind: 'token', token }, context);
  const codes = async (tokens: string[], context: VerifyContext): Promise<string[]> => {
    const answers: string[] = [];
    for (const token of tokens) {
      const outcome = await check(token, context);
      answers.push(outcome.valid ? 'VALID' : outcome.code);
    }
    return answers;
  };
  const keyFor = async (name: string): Promise<IssuedKey> => h.createKey(member.session, { name, type: 'api' });
  const recordsOf = async (accessKeyId: string) => {
    await h.services.recorder.flush();
    return (await readAllPages(h, acme.admin, `/v1/access-keys/${accessKeyId}/access-records`, 100)).items;
  };
  const underAttackEvents = async (accessKeyId: string) => (await readAllPages(h, acme.admin, `/v1/audit-events?action=key.under_attack&targetId=${accessKeyId}`, 100)).items;
  const underAttackNotes = async (session: Tenant['admin'], accessKeyId: string) =>
    (await readAllPages(h, session, '/v1/notifications', 100)).items.filter((n: any) => n.kind === 'key.under_attack' && n.data.accessKeyId === accessKeyId);
  const mailsAbout = (address: string, name: string) => smtp.to(address).filter((m) => m.subject === `Access key “${name}” is under attack`);

  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp(kind, { env: { LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>' } });
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin, { name: 'Mo Member' });
    await setPolicy(h, acme.admin, { memberKeyLimit: null });
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('answers a flood of 5,000 wrong secrets at one key RATE_LIMITED past the limit, stores none of those, and the right secret passes throughout', async () => {
    const key = await keyFor('flooded');
    const guesser = freshSource();
    const client = freshSource();
    const answers: string[] = [];
    const rightAnswers: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      answers.push(...(await codes([wrong(key.accessKeyId)], guesser)));
      if (i % 500 === 499) rightAnswers.push(...(await codes([key.token], client)), ...(await codes([key.token], guesser)));
    }
    // The first 30 from this source answer as any wrong secret does; every later one is throttled.
    expect(answers.slice(0, 30)).toEqual(Array(30).fill('KEY_NOT_FOUND'));
    expect(answers.slice(30).every((code) => code === 'RATE_LIMITED')).toBe(true);
    expect(rightAnswers).toEqual(Array(20).fill('VALID'));
    const records = await recordsOf(key.accessKeyId);
    const failures = records.filter((r: { outcome: string }) => r.outcome === 'failure');
    expect(failures).toHaveLength(30);
    expect(failures.every((r: { code: string }) => r.code === 'SECRET_MISMATCH')).toBe(true);
    expect(records.filter((r: { outcome: string }) => r.outcome === 'success')).toHaveLength(20);
  });

  it('limits a source guessing invented key IDs, and that source only', async () => {
    const guesser = freshSource();
    expect(await codes(Array.from({ length: 31 }, unknownToken), guesser)).toEqual([...Array(30).fill('KEY_NOT_FOUND'), 'RATE_LIMITED']);
    // Every failure from it is throttled now, an existing key's wrong secret too; its right secret is not.
    const key = await keyFor('bystander');
    expect(await codes([unknownToken(), wrong(key.accessKeyId), key.token], guesser)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'VALID']);
    // The same end client through another verifier, and another client through this one, are other sources.
    expect(await codes([unknownToken()], { ...guesser, verifierKeyId: generateAccessKeyId() })).toEqual(['KEY_NOT_FOUND']);
    expect(await codes([unknownToken(), wrong(key.accessKeyId)], freshSource())).toEqual(['KEY_NOT_FOUND', 'KEY_NOT_FOUND']);
  });

  it('throttles signed requests alike whether the named key exists: a wrong secret, a tampered body, and the right signature still passes', async () => {
    const key = await keyFor('signed');
    const input: AwsRequestInput = { method: 'POST', hostname: 'api.example.com', path: '/v2/orders', headers: { 'content-type': 'application/json' }, body: '{"item":"book"}' };
    const sign = async (accessKeyId: string, secret: string) => awsSign(awsSigner({ accessKeyId, secretAccessKey: secret, region: 'eu-west-3', service: 'orders' }), input, h.clock.now());
    const answersFor = async (accessKeyId: string) => {
      const source = freshSource();
      const answers: string[] = [];
      for (let i = 0; i < 31; i++) {
        const signed = await sign(accessKeyId, generateSecret());
        // Half with a wrong secret, half with a body that does not match its signed hash (refused before any secret).
        const request = i % 2 === 0 ? signed : { ...signed, body: '{"item":"car"}' };
        const outcome = await h.services.verification.verify({ kind: 'signed', request }, source);
        answers.push(outcome.valid ? 'VALID' : outcome.code);
      }
      const right = await h.services.verification.verify({ kind: 'signed', request: await sign(key.accessKeyId, key.secret) }, source);
      return { answers, right: right.valid };
    };
    const existing = await answersFor(key.accessKeyId);
    expect(existing.answers).toEqual([...Array(30).fill('SIGNATURE_MISMATCH'), 'RATE_LIMITED']);
    expect(existing.right).toBe(true);
    expect(await answersFor(generateAccessKeyId())).toEqual(existing);
  });

  it('limits one key ID across sources, existing or not, leaving other keys alone', async () => {
    const key = await keyFor('spread');
    const other = await keyFor('other');
    const invented = generateAccessKeyId();
    for (const accessKeyId of [key.accessKeyId, invented]) {
      const spread: string[] = [];
      for (let i = 0; i < 61; i++) spread.push(...(await codes([wrong(accessKeyId)], freshSource())));
      expect(spread).toEqual([...Array(60).fill('KEY_NOT_FOUND'), 'RATE_LIMITED']);
    }
    const source = freshSource();
    expect(await codes([key.token, wrong(other.accessKeyId), other.token], source)).toEqual(['VALID', 'KEY_NOT_FOUND', 'VALID']);
  });

  it('frees a source and a key again once their window has passed', async () => {
    const key = await keyFor('patient');
    const guesser = freshSource();
    await codes(
      Array.from({ length: 30 }, () => wrong(key.accessKeyId)),
      guesser,
    );
    const limited = await check(wrong(key.accessKeyId), guesser);
    expect(limited).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    const retryAfter = (limited as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    h.clock.advance(retryAfter * 1000);
    expect(await codes([wrong(key.accessKeyId)], guesser)).toEqual(['KEY_NOT_FOUND']);
    h.clock.advance(2 * MINUTE);
  });

  it('raises one key.under_attack per key and hour — audit event, bell and mail to the owner and the admins — across processes', async () => {
    const key = await keyFor('attacked');
    const top = freshSource();
    const attack = async (count: number) => {
      for (let i = 0; i < count; i++) await check(wrong(key.accessKeyId), i % 2 === 0 ? top : freshSource());
      await h.services.underAttack.settled();
    };
    await attack(99);
    expect(await underAttackEvents(key.accessKeyId)).toEqual([]);
    await attack(1);
    const [event] = await underAttackEvents(key.accessKeyId);
    expect(event).toMatchObject({ action: 'key.under_attack', actorId: null, targetType: 'access_key', targetId: key.accessKeyId, result: 'success' });
    expect(event.details).toEqual({ failures: 100, windowSeconds: 600, topSourceIp: top.sourceIp, topSourceFailures: 51 });
    for (const session of [acme.admin, member.session]) {
      const notes = await underAttackNotes(session, key.accessKeyId);
      expect(notes).toHaveLength(1);
      expect(notes[0].title).toBe('Access key “attacked” is under attack');
      expect(notes[0].body).toContain(`100 failed verifications named the access key ${key.accessKeyId} (“attacked”) within 10 minutes. Most came from ${top.sourceIp} (51).`);
    }
    for (const address of [member.email, acme.admin.email]) {
      await expect.poll(() => mailsAbout(address, 'attacked').length, { timeout: 10_000 }).toBe(1);
      expect(mailsAbout(address, 'attacked')[0]!.text).toContain(`within 10 minutes. Most came from ${top.sourceIp} (51).`);
      expect(mailsAbout(address, 'attacked')[0]!.raw).not.toContain(key.secret);
    }

    // The flood goes on: no second alert within the hour, from this process or another one
    // (a fresh guard and alert writer with nothing in memory, twice at once).
    await attack(300);
    const others = [0, 1].map(() => new UnderAttackAlerts({ store: h.store, clock: h.clock, logger: createLogger('silent'), audit: h.services.audit, notifications: h.services.notifications }));
    const failed: string[] = [];
    const details = { failures: 100, windowMs: 600_000, topSourceIp: null, topSourceFailures: 0 };
    const stored = (await h.store.accessKeys.find(acme.tenantId, key.accessKeyId))!.key;
    for (const other of others) other.raise(stored, details, () => failed.push('failed'));
    await Promise.all(others.map((o) => o.settled()));
    expect(failed).toEqual([]);
    expect(await underAttackEvents(key.accessKeyId)).toHaveLength(1);
    expect(await underAttackNotes(member.session, key.accessKeyId)).toHaveLength(1);

    // An hour later the next burst raises the next alert.
    h.clock.advance(61 * MINUTE);
    await attack(100);
    expect(await underAttackEvents(key.accessKeyId)).toHaveLength(2);
    expect(await underAttackNotes(member.session, key.accessKeyId)).toHaveLength(2);
    await expect.poll(() => mailsAbout(member.email, 'attacked').length, { timeout: 10_000 }).toBe(2);
  });

  it('answers RATE_LIMITED as 429 with Retry-After at the gateway, and as valid:false at /v1/verify', async () => {
    const remoteAddress = '203.0.113.77';
    const authorize = (token: string) =>
      h.app.inject({ method: 'GET', url: '/v1/authorize', remoteAddress, headers: { authorization: `Bearer ${token}`, 'x-original-uri': '/orders', 'x-original-method': 'GET' } });
    for (let i = 0; i < 30; i++) expect((await authorize(unknownToken())).statusCode).toBe(401);
    const res = await authorize(unknownToken());
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['x-latchkey-code']).toBe('RATE_LIMITED');
    expect(res.json().error).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many failed attempts; try again later. (RATE_LIMITED)' });
    const verified = await h.app.inject({ method: 'POST', url: '/v1/verify', remoteAddress, payload: { token: unknownToken() } });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ valid: false, code: 'RATE_LIMITED', message: 'Too many failed attempts; try again later.' });
  });
});

describe('throttled guessing memory bound (sqlite)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHttp('sqlite', { env: { LATCHKEY_GUESS_TRACKED: '1000' } });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('holds at most LATCHKEY_GUESS_TRACKED sources and key IDs under a flood of distinct ones, and keeps the one that keeps failing', async () => {
    const verify = (token: string, sourceIp: string) => h.services.verification.verify({ kind: 'token', token }, { sourceIp, userAgent: null });
    const persistent = '192.0.2.200';
    for (let i = 0; i < 30; i++) await verify(unknownToken(), persistent);
    const answers: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      await verify(unknownToken(), `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      // Failing again every 100 flood entries keeps it among the most recent 1,000: still limited.
      if (i % 100 === 99) {
        const outcome = await verify(unknownToken(), persistent);
        answers.push(outcome.valid ? 'VALID' : outcome.code);
      }
    }
    expect(h.services.guesses.size).toEqual({ sources: 1000, keys: 1000 });
    expect(answers).toEqual(Array(30).fill('RATE_LIMITED'));
  });
});

describe('key.under_attack when the database cannot be reached (sqlite)', () => {
  it('logs that it could not raise the alert, without anything secret, and hands it back to be tried again', async () => {
    const t = await openTestStore('sqlite');
    const h = await openHttp('sqlite');
    try {
      const lines: string[] = [];
      const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
      const alerts = new UnderAttackAlerts({ store: t.store, clock: h.clock, logger, audit: h.services.audit, notifications: h.services.notifications });
      await t.cleanup();
      const failed: string[] = [];
      const key = { accessKeyId: generateAccessKeyId(), tenantId: 'tnt_gone', ownerId: 'usr_gone', name: 'gone' } as AccessKey;
      alerts.raise(key, { failures: 100, windowMs: 600_000, topSourceIp: '192.0.2.1', topSourceFailures: 60 }, () => failed.push(key.accessKeyId));
      await alerts.settled();
      expect(failed).toEqual([key.accessKeyId]);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, accessKeyId: key.accessKeyId, msg: 'could not raise key.under_attack; will try again on the next failures' });
    } finally {
      await h.close();
    }
  });
});

describe('key.under_attack across two processes sharing PostgreSQL', () => {
  let a: Harness;
  let b: Harness;
  let acme: Tenant;

  beforeAll(async () => {
    const masterKey = randomBytes(32);
    a = await openHttp('postgres', { masterKey });
    b = await openHttp('postgres', { masterKey, databaseUrl: a.testStore.databaseUrl!, clock: a.clock });
    acme = await a.bootstrap();
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('raises it once when both processes see the burst at the same time', async () => {
    const key = await a.createKey(acme.admin, { name: 'both', type: 'api' });
    const burst = (h: Harness) =>
      Promise.all(Array.from({ length: 100 }, (_, i) => h.services.verification.verify({ kind: 'token', token: wrong(key.accessKeyId) }, { sourceIp: `192.0.2.${i}`, userAgent: null })));
    await Promise.all([burst(a), burst(b)]);
    await Promise.all([a.services.underAttack.settled(), b.services.underAttack.settled()]);
    const events = (await readAllPages(a, acme.admin, `/v1/audit-events?action=key.under_attack&targetId=${key.accessKeyId}`, 100)).items;
    expect(events).toHaveLength(1);
    const notes = (await readAllPages(a, acme.admin, '/v1/notifications', 100)).items.filter((n: any) => n.kind === 'key.under_attack');
    expect(notes).toHaveLength(1);
  });
});
