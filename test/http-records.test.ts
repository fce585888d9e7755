/** HTTP: access records of a key (newest first, paged, kept for the policy's retention) and last-used times. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateSecret } from '../src/crypto/random.js';
import { createLogger } from '../src/logger.js';
import { purgeExpired } from '../src/services/maintenance.js';
import { DAY_MS, openHttp, readAllPages, verifierFor, verify, type CreatedUser, type Harness, type Tenant } from './support/http.js';

describe('HTTP access records (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let member: CreatedUser;
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin);
  });
  afterAll(async () => {
    await h?.close();
  });

  const url = (k: { accessKeyId: string }) => `/v1/access-keys/${k.accessKeyId}/access-records`;

  it('lists every attempt newest first, in pages without duplicates or gaps', async () => {
    const k = await h.createKey(member.session);
    const expected: string[] = [];
    for (let i = 0; i < 7; i++) {
      const permission = `svc:action${i}`;
      await verify(h, i % 3 === 2 ? buildToken(k.accessKeyId, generateSecret()) : k.token, permission);
      expected.unshift(permission);
      h.clock.advance(1000);
    }
    await h.services.recorder.flush();
    const all = await readAllPages(h, member.session, url(k), 100);
    expect(all.items.map((r) => r.permission)).toEqual(expected);
    const paged = await readAllPages(h, member.session, url(k), 3);
    expect(paged.pages).toBe(3);
    expect(paged.items.map((r) => r.id)).toEqual(all.items.map((r) => r.id));
    const times = all.items.map((r) => Date.parse(r.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('keeps the outcome, reason, address, agent, scheme and what was asked; filters by outcome', async () => {
    const k = await h.createKey(acme.admin);
    await h.request({ method: 'POST', url: '/v1/verify', as: await verifierFor(h.services, acme.tenantId), headers: { 'user-agent': 'probe/2' }, body: { token: k.token, permission: 'a:b' } });
    h.clock.advance(1000);
    await verify(h, buildToken(k.accessKeyId, generateSecret()));
    await h.services.recorder.flush();
    const res = await h.request({ method: 'GET', url: url(k), as: acme.admin });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const [failure, success] = res.body.items;
    expect(success).toEqual({
      id: expect.stringMatching(/^acr_/),
      accessKeyId: k.accessKeyId,
      at: expect.any(String),
      outcome: 'success',
      code: null,
      sourceIp: '127.0.0.1',
      userAgent: 'probe/2',
      scheme: 'bearer',
      permission: 'a:b',
      detail: null,
    });
    expect(failure).toMatchObject({ outcome: 'failure', code: 'SECRET_MISMATCH', permission: null });
    const failures = await h.request({ method: 'GET', url: `${url(k)}?outcome=failure`, as: acme.admin });
    expect(failures.body.items.map((r: { code: string }) => r.code)).toEqual(['SECRET_MISMATCH']);
  });

  it('updates the last-used time for successful use only', async () => {
    const k = await h.createKey(acme.admin);
    await verify(h, buildToken(k.accessKeyId, generateSecret()));
    await h.services.recorder.flush();
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin })).body.lastUsedAt).toBeNull();
    h.clock.advance(5000);
    const usedAt = h.clock.now().toISOString();
    await verify(h, k.token);
    await h.services.recorder.flush();
    expect((await h.request({ method: 'GET', url: `/v1/access-keys/${k.accessKeyId}`, as: acme.admin })).body.lastUsedAt).toBe(usedAt);
  });

  it("shows a member only their own keys' records", async () => {
    const other = await h.createUser(acme.admin);
    const theirs = await h.createKey(other.session);
    await verify(h, theirs.token);
    await h.services.recorder.flush();
    const res = await h.request({ method: 'GET', url: url(theirs), as: member.session });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect((await h.request({ method: 'GET', url: url(theirs), as: acme.admin })).body.items).toHaveLength(1);
  });

  it('refuses a bad cursor, limit or outcome with a 400', async () => {
    const k = await h.createKey(acme.admin);
    for (const [query, code] of [
      ['cursor=not-a-cursor!', 'INVALID_CURSOR'],
      [`cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'INVALID_CURSOR'],
      ['limit=0', 'VALIDATION_FAILED'],
      ['limit=101', 'VALIDATION_FAILED'],
      ['limit=ten', 'VALIDATION_FAILED'],
      ['outcome=maybe', 'VALIDATION_FAILED'],
      ['since=yesterday', 'UNKNOWN_FIELD'],
    ]) {
      const res = await h.request({ method: 'GET', url: `${url(k)}?${query}`, as: acme.admin });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe(code);
    }
  });

  it('hides and purges records older than the retention period', async () => {
    const t = await h.bootstrap();
    const policy = (await h.request({ method: 'GET', url: '/v1/policy', as: t.admin })).body;
    await h.request({ method: 'PUT', url: '/v1/policy', as: t.admin, body: { ...policy, accessRecordRetentionDays: 7 } });
    const k = await h.createKey(t.admin, { neverExpires: true });
    await verify(h, k.token);
    h.clock.advance(6 * DAY_MS);
    await verify(h, k.token);
    await h.services.recorder.flush();
    expect((await h.request({ method: 'GET', url: url(k), as: t.admin })).body.items).toHaveLength(2);
    h.clock.advance(DAY_MS + 1000);
    expect((await h.request({ method: 'GET', url: url(k), as: t.admin })).body.items).toHaveLength(1);

    const stored = async () => (await h.store.db.selectFrom('accessRecords').select('id').where('accessKeyId', '=', k.accessKeyId).execute()).length;
    expect(await stored()).toBe(2);
    await purgeExpired(h.store, h.clock, createLogger('silent'));
    expect(await stored()).toBe(1);
  });
});
