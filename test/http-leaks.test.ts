/**
 * Leak response (issue 13 part 4), on the real app, store and SMTP server: a scanner holding
 * latchkey:report-leaks reports found tokens (POST /v1/leaks, GitHub's partner format); a holder
 * revokes their own token (POST /v1/access-keys/self-revoke). The key is disabled (or only
 * flagged, by policy), the owner and admins are told by bell and mail where it was found (never
 * the token), an audit event records it, and nothing tells a reporter about other tenants' keys.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import { DATABASE_KINDS } from './support/databases.js';
import { bearer, openHttp, readAllPages, setPolicy, verify, type CreatedUser, type Harness, type IssuedKey, type Response, type Tenant } from './support/http.js';
import { openMailServer, type MailServer } from './support/mail.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const found = (token: string, more: Record<string, string> = {}) => ({
  token,
  type: 'latchkey_access_key_token',
  url: 'https://github.com/acme/app/blob/0123abc/deploy.env',
  source: 'content',
  ...more,
});

describe.each(DATABASE_KINDS)('leak response on %s', (kind) => {
  let h: Harness;
  let smtp: MailServer;
  let acme: Tenant;
  let globex: Tenant;
  let member: CreatedUser;
  let reporter: IssuedKey;
  let ip = 0;
  /** A client address no other test used (failed attempts are counted per source). */
  const freshIp = () => `198.51.100.${++ip}`;

  const report = (body: unknown, as: { token: string } | null = reporter, headers: Record<string, string> = {}): Promise<Response> =>
    h.request({ method: 'POST', url: '/v1/leaks', as: as === null ? null : bearer(as), body, headers, remoteAddress: freshIp() });
  const selfRevoke = (token: string | null, remoteAddress = freshIp()): Promise<Response> =>
    h.request({ method: 'POST', url: '/v1/access-keys/self-revoke', ...(token !== null && { headers: { authorization: `Bearer ${token}` } }), remoteAddress });
  const keyOf = async (tenant: Tenant, accessKeyId: string) => (await h.request({ method: 'GET', url: `/v1/access-keys/${accessKeyId}`, as: tenant.admin })).body;
  const events = async (tenant: Tenant, action: string) => (await readAllPages(h, tenant.admin, `/v1/audit-events?action=${action}`, 100)).items;
  const notes = async (session: Tenant['admin'], accessKeyId: string) =>
    (await readAllPages(h, session, '/v1/notifications', 100)).items.filter((n: any) => n.kind === 'key.leaked' && n.data.accessKeyId === accessKeyId);
  const reporterFor = async (tenant: Tenant): Promise<IssuedKey> => {
    const role = await h.request({ method: 'POST', url: '/v1/roles', as: tenant.admin, body: { name: `Leak reporter ${ip++}`, permissions: ['latchkey:report-leaks'] } });
    expect(role.status).toBe(201);
    return h.createKey(tenant.admin, { name: 'secret scanner', type: 'api', roleIds: [role.body.id] });
  };
  const memberKey = (name: string) => h.createKey(member.session, { name, type: 'api' });

  beforeAll(async () => {
    smtp = await openMailServer();
    h = await openHttp(kind, { env: { LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_MAIL_FROM: 'Latchkey <latchkey@example.test>' } });
    acme = await h.bootstrap();
    globex = await h.bootstrap();
    member = await h.createUser(acme.admin, { name: 'Mo Member', programmaticAccess: true });
    await setPolicy(h, acme.admin, { memberKeyLimit: null });
    reporter = await h.createKey(acme.admin, { name: 'secret scanner', leakReporter: true, neverExpires: true });
  });

  it("makes leak reporter keys as verifier keys are made: an api key narrowed to the tenant's Leak reporter role, made once", async () => {
    const role = (await h.request({ method: 'GET', url: '/v1/roles', as: acme.admin })).body.items.find((r: any) => r.name === 'Leak reporter');
    expect(role.permissions).toEqual(['latchkey:report-leaks']);
    expect(reporter).toMatchObject({ type: 'api', roleIds: [role.id], groupIds: [] });
    const second = await h.createKey(acme.admin, { name: 'second scanner', leakReporter: true });
    expect(second.roleIds).toEqual([role.id]);
    const both = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { leakReporter: true, verifier: true } });
    expect([both.status, both.body.error.details.field]).toEqual([400, 'leakReporter']);
    const access = await h.request({ method: 'POST', url: '/v1/access-keys', as: acme.admin, body: { leakReporter: true, type: 'access' } });
    expect(access.status).toBe(400);
    // A member without the permission cannot hold one.
    const refused = await h.request({ method: 'POST', url: '/v1/access-keys', as: member.session, body: { leakReporter: true } });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    // Any key whose roles grant latchkey:report-leaks reports too.
    const custom = await reporterFor(acme);
    const key = await memberKey('custom reported');
    expect((await report([found(key.token)], custom)).body[0].label).toBe('true_positive');
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it("disables a reported key of the reporter's tenant, answers true_positive by the token's SHA-256, and tells owner and admins where it was found", async () => {
    const key = await memberKey('ci deploy');
    const res = await report([found(key.token)]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ token_hash: sha256(key.token), token_type: 'latchkey_access_key_token', label: 'true_positive' }]);
    expect(res.text).not.toContain(key.token);
    expect((await verify(h, key.token)).code).toBe('KEY_DISABLED');

    const shown = await keyOf(acme, key.accessKeyId);
    expect(shown.state).toBe('disabled');
    expect(shown.leak).toEqual({
      reportedAt: expect.any(String),
      reportedBy: 'scanner',
      tokenType: 'latchkey_access_key_token',
      url: 'https://github.com/acme/app/blob/0123abc/deploy.env',
      source: 'content',
      action: 'disabled',
    });
    const [event] = (await events(acme, 'access_key.leak_reported')).filter((e: any) => e.targetId === key.accessKeyId);
    expect(event).toMatchObject({ actorId: null, actorKeyId: reporter.accessKeyId, result: 'success' });
    expect(event.details).toEqual({
      reportedBy: 'scanner',
      action: 'disabled',
      from: 'enabled',
      url: 'https://github.com/acme/app/blob/0123abc/deploy.env',
      source: 'content',
      type: 'latchkey_access_key_token',
    });

    for (const session of [acme.admin, member.session]) {
      const [note] = await notes(session, key.accessKeyId);
      expect(note.title).toBe('Access key “ci deploy” was found leaked');
      expect(note.body).toContain('found at https://github.com/acme/app/blob/0123abc/deploy.env (content). The key is now disabled');
    }
    for (const address of [member.email, `admin@${acme.slug}.example`]) {
      const about = () => smtp.to(address).filter((m) => m.subject === 'Access key “ci deploy” was found leaked');
      await expect.poll(() => about().length, { timeout: 10_000 }).toBe(1);
      const mail = about()[0]!;
      expect(mail.text).toContain('https://github.com/acme/app/blob/0123abc/deploy.env');
      expect(mail.raw).not.toContain(key.secret);
    }
    expect(h.logText()).not.toContain(key.secret);
  });

  it('only flags the key under policy leakResponse flag: it keeps working, and the flag shows where it was found', async () => {
    await setPolicy(h, acme.admin, { leakResponse: 'flag' });
    try {
      const key = await memberKey('flag me');
      const res = await report([found(key.token, { url: 'https://gist.github.com/x/1', source: 'gist' })]);
      expect(res.body[0].label).toBe('true_positive');
      expect((await verify(h, key.token)).valid).toBe(true);
      const shown = await keyOf(acme, key.accessKeyId);
      expect(shown.state).toBe('enabled');
      expect(shown.leak).toMatchObject({ action: 'flagged', url: 'https://gist.github.com/x/1', source: 'gist' });
      const listed = (await h.request({ method: 'GET', url: `/v1/access-keys?userId=${member.id}&limit=100`, as: acme.admin })).body.items.find((k: any) => k.accessKeyId === key.accessKeyId);
      expect(listed.leak).toMatchObject({ action: 'flagged' });
      const [note] = await notes(member.session, key.accessKeyId);
      expect(note.body).toContain('The tenant policy only flags leaked keys');
    } finally {
      await setPolicy(h, acme.admin, { leakResponse: 'disable' });
    }
  });

  it("acts on another tenant's key by that tenant's policy but answers it as an unknown token, and keeps the reporter out of that tenant's log", async () => {
    const theirs = await h.createKey(globex.admin, { name: 'globex prod', type: 'api' });
    const unknown = buildToken(generateAccessKeyId(), generateSecret());
    const res = await report([found(theirs.token), found(unknown)]);
    expect(res.body.map((a: any) => a.label)).toEqual(['false_positive', 'false_positive']);
    expect((await verify(h, theirs.token)).code).toBe('KEY_DISABLED');
    const [event] = (await events(globex, 'access_key.leak_reported')).filter((e: any) => e.targetId === theirs.accessKeyId);
    expect(event).toMatchObject({ actorId: null, actorKeyId: null, ip: null });
    expect(JSON.stringify(await events(globex, 'access_key.leak_reported'))).not.toContain(reporter.accessKeyId);
    expect((await keyOf(globex, theirs.accessKeyId)).leak).toMatchObject({ action: 'disabled', url: 'https://github.com/acme/app/blob/0123abc/deploy.env' });
    const [note] = await notes(globex.admin, theirs.accessKeyId);
    expect(note.title).toBe('Access key “globex prod” was found leaked');
    // The reporter's tenant hears nothing about it.
    expect((await events(acme, 'access_key.leak_reported')).some((e: any) => e.targetId === theirs.accessKeyId)).toBe(false);
  });

  it('answers false_positive, changing nothing, for garbage, a wrong secret, an unknown key and a deleted key; a token repeated is handled once', async () => {
    const key = await memberKey('innocent');
    const gone = await memberKey('gone');
    await h.request({ method: 'POST', url: `/v1/access-keys/${gone.accessKeyId}/disable`, as: member.session });
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${gone.accessKeyId}`, as: member.session });
    const wrongSecret = buildToken(key.accessKeyId, generateSecret());
    const res = await report([found('not a token at all'), found(wrongSecret), found(`${key.token.slice(0, -1)}${key.token.endsWith('x') ? 'y' : 'x'}`), found(gone.token)]);
    expect(res.body.map((a: any) => a.label)).toEqual(['false_positive', 'false_positive', 'false_positive', 'false_positive']);
    expect(res.body[0]).toEqual({ token_hash: sha256('not a token at all'), token_type: 'latchkey_access_key_token', label: 'false_positive' });
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await keyOf(acme, key.accessKeyId)).leak).toBeNull();
    expect((await keyOf(acme, gone.accessKeyId)).leak).toBeNull();

    const twice = await memberKey('twice');
    const again = await report([found(twice.token), found(twice.token, { url: 'https://example.test/second' })]);
    expect(again.body.map((a: any) => a.label)).toEqual(['true_positive', 'true_positive']);
    expect((await events(acme, 'access_key.leak_reported')).filter((e: any) => e.targetId === twice.accessKeyId)).toHaveLength(1);
    const [summary] = await events(acme, 'leak_report.receive');
    expect(summary.details).toEqual({ items: 2, distinct: 1, truePositives: 1 });
    expect(summary.actorKeyId).toBe(reporter.accessKeyId);
  });

  it('refuses callers without latchkey:report-leaks: no credential 401, a bad one 401, a key without the permission 403, and changes nothing', async () => {
    const key = await memberKey('target');
    const narrowRole = await h.request({ method: 'POST', url: '/v1/roles', as: acme.admin, body: { name: 'storage reader', permissions: ['storage:read'] } });
    const narrow = await h.createKey(acme.admin, { name: 'not a reporter', type: 'api', roleIds: [narrowRole.body.id] });
    const verifierKey = await h.createKey(acme.admin, { name: 'verifier', verifier: true });
    const none = await report([found(key.token)], null);
    expect([none.status, none.body.error.code]).toEqual([401, 'REPORTER_REQUIRED']);
    const bad = await report([found(key.token)], { token: buildToken(generateAccessKeyId(), generateSecret()) });
    expect([bad.status, bad.body.error.code]).toEqual([401, 'REPORTER_INVALID']);
    for (const caller of [narrow, verifierKey]) {
      const forbidden = await report([found(key.token)], caller);
      expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'REPORTER_FORBIDDEN']);
    }
    // A session is no reporter either: the route takes only a reporter key.
    const session = await h.request({ method: 'POST', url: '/v1/leaks', as: acme.admin, body: [found(key.token)] });
    expect([session.status, session.body.error.code]).toEqual([401, 'REPORTER_REQUIRED']);
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await keyOf(acme, key.accessKeyId)).leak).toBeNull();
  });

  it('refuses a malformed report with 400 naming the field, and changes nothing', async () => {
    const key = await memberKey('untouched');
    const tooMany = Array.from({ length: 101 }, () => found(key.token));
    const cases: [unknown, string][] = [
      [[], 'body'],
      [tooMany, 'body'],
      [{ token: key.token }, 'body'],
      [[{ ...found(key.token), extra: 1 }], 'extra'],
      [[{ type: 'x' }], 'token'],
      [[found(key.token, { url: 'https://example.test/a\nb' })], 'url'],
      [[found(key.token, { source: 'x'.repeat(101) })], 'source'],
    ];
    for (const [body, field] of cases) {
      const res = await report(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(JSON.stringify(res.body.error), field).toContain(field);
    }
    expect((await verify(h, key.token)).valid).toBe(true);
    expect((await keyOf(acme, key.accessKeyId)).leak).toBeNull();
  });

  it('lets a holder revoke their own token by presenting it: disabled whatever the policy, told, audited; again answers as it is', async () => {
    await setPolicy(h, acme.admin, { leakResponse: 'flag' });
    try {
      const key = await memberKey('self revoked');
      const res = await selfRevoke(key.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accessKeyId: key.accessKeyId, state: 'disabled' });
      expect((await verify(h, key.token)).code).toBe('KEY_DISABLED');
      expect((await keyOf(acme, key.accessKeyId)).leak).toMatchObject({ reportedBy: 'holder', action: 'disabled', url: null });
      const [event] = (await events(acme, 'access_key.self_revoke')).filter((e: any) => e.targetId === key.accessKeyId);
      expect(event).toMatchObject({ actorId: null, actorKeyId: key.accessKeyId, result: 'success' });
      const [note] = await notes(member.session, key.accessKeyId);
      expect(note.title).toBe('Access key “self revoked” was revoked by its holder');
      await expect.poll(() => smtp.to(member.email).filter((m) => m.subject === note.title).length, { timeout: 10_000 }).toBe(1);
      const again = await selfRevoke(key.token);
      expect(again.body).toEqual({ accessKeyId: key.accessKeyId, state: 'disabled' });
      // A deleted key's token is answered as it is, and nothing more is written.
      await h.request({ method: 'DELETE', url: `/v1/access-keys/${key.accessKeyId}`, as: member.session });
      expect((await selfRevoke(key.token)).body).toEqual({ accessKeyId: key.accessKeyId, state: 'deleted' });
      expect((await events(acme, 'access_key.self_revoke')).filter((e: any) => e.targetId === key.accessKeyId)).toHaveLength(2);
    } finally {
      await setPolicy(h, acme.admin, { leakResponse: 'disable' });
    }
  });

  it('refuses self-revoke without a valid token (401 TOKEN_NOT_VALID) and throttles guessing like failed verifications (429 with Retry-After)', async () => {
    const key = await memberKey('guessed at');
    const none = await selfRevoke(null);
    expect([none.status, none.body.error.code]).toEqual([401, 'TOKEN_NOT_VALID']);
    const guesser = freshIp();
    const answers: number[] = [];
    for (let i = 0; i < 31; i++) answers.push((await selfRevoke(buildToken(key.accessKeyId, generateSecret()), guesser)).status);
    expect(answers).toEqual([...Array(30).fill(401), 429]);
    const limited = await selfRevoke(buildToken(key.accessKeyId, generateSecret()), guesser);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await verify(h, key.token)).valid).toBe(true);
    // The holder's own token still works from that source: a right secret is never throttled.
    expect((await selfRevoke(key.token, guesser)).body.state).toBe('disabled');
  });
});
