/** HTTP: how many keys a user may hold (tenant policy), including parallel creates at the limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, readAllPages, type Harness, type Session, type Tenant } from './support/http.js';

describe.each(DATABASE_KINDS)('HTTP key quota on %s', (kind) => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  const create = (as: Session, body: Record<string, unknown> = {}) => h.request({ method: 'POST', url: '/v1/access-keys', as, body });
  const held = async (as: Session) => (await h.request({ method: 'GET', url: '/v1/me', as })).body.keyCount as number;
  const putPolicy = async (admin: Session, patch: Record<string, unknown>) => {
    const current = (await h.request({ method: 'GET', url: '/v1/policy', as: admin })).body;
    expect((await h.request({ method: 'PUT', url: '/v1/policy', as: admin, body: { ...current, ...patch } })).status).toBe(200);
  };

  it('lets a member hold 2 keys by default; the third is 409 KEY_LIMIT_REACHED and stores nothing', async () => {
    const m = await h.createUser(acme.admin);
    expect((await create(m.session)).status).toBe(201);
    expect((await create(m.session)).status).toBe(201);
    const third = await create(m.session);
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('KEY_LIMIT_REACHED');
    expect(third.body.error.details).toEqual({ limit: 2 });
    expect(await held(m.session)).toBe(2);
    // An admin creating for the member meets the same limit.
    const byAdmin = await create(acme.admin, { userId: m.id });
    expect(byAdmin.status).toBe(409);
    expect(byAdmin.body.error.code).toBe('KEY_LIMIT_REACHED');
    const audit = await h.request({ method: 'GET', url: `/v1/audit-events?targetId=${m.id}&action=access_key.create`, as: acme.admin });
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.items[0]).toMatchObject({ result: 'failure', details: { reason: 'KEY_LIMIT_REACHED', limit: 2 } });
  });

  it('tells how many keys a user holds against their limit, beyond a page of 100: admins for anyone, members for themselves', async () => {
    const t = await h.bootstrap();
    await putPolicy(t.admin, { memberKeyLimit: 150 });
    const m = await h.createUser(t.admin);
    const other = await h.addUser(t.admin);
    const quota = (as: Session, userId: string) => h.request({ method: 'GET', url: `/v1/users/${userId}/key-quota`, as });
    for (let i = 0; i < 101; i++) expect((await create(t.admin, { userId: m.id })).status).toBe(201);
    const deleted = (await create(t.admin, { userId: m.id })).body.accessKeyId as string;
    await h.request({ method: 'POST', url: `/v1/access-keys/${deleted}/disable`, as: t.admin });
    expect((await h.request({ method: 'DELETE', url: `/v1/access-keys/${deleted}`, as: t.admin })).status).toBe(200);
    expect((await quota(t.admin, m.id)).body).toEqual({ keyCount: 101, keyLimit: 150 });
    expect((await quota(m.session, m.id)).body).toEqual({ keyCount: 101, keyLimit: 150 });
    expect((await h.request({ method: 'GET', url: '/v1/me', as: m.session })).body).toMatchObject({ keyCount: 101, keyLimit: 150 });
    expect((await quota(t.admin, t.admin.userId)).body).toEqual({ keyCount: 0, keyLimit: null });
    const hidden = await quota(m.session, other.id);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('NOT_FOUND');
  });

  it('counts disabled keys; a deleted key frees its place', async () => {
    const m = await h.createUser(acme.admin);
    const a = (await create(m.session)).body;
    await create(m.session);
    await h.request({ method: 'POST', url: `/v1/access-keys/${a.accessKeyId}/disable`, as: m.session });
    expect((await create(m.session)).status).toBe(409);
    expect((await h.request({ method: 'DELETE', url: `/v1/access-keys/${a.accessKeyId}`, as: m.session })).status).toBe(200);
    expect((await create(m.session)).status).toBe(201);
    expect((await create(m.session)).status).toBe(409);
  });

  it('lets admins hold any number of keys by default, and follows policy changes', async () => {
    const t = await h.bootstrap();
    for (let i = 0; i < 5; i++) expect((await create(t.admin)).status).toBe(201);
    const me = await h.request({ method: 'GET', url: '/v1/me', as: t.admin });
    expect(me.body).toMatchObject({ keyCount: 5, keyLimit: null });

    await putPolicy(t.admin, { adminKeyLimit: 5 });
    const over = await create(t.admin);
    expect(over.status).toBe(409);
    expect(over.body.error.details).toEqual({ limit: 5 });

    const m = await h.createUser(t.admin);
    await putPolicy(t.admin, { memberKeyLimit: 3 });
    for (let i = 0; i < 3; i++) expect((await create(m.session)).status).toBe(201);
    expect((await create(m.session)).status).toBe(409);
    await putPolicy(t.admin, { memberKeyLimit: null });
    expect((await create(m.session)).status).toBe(201);
    expect((await h.request({ method: 'GET', url: '/v1/me', as: m.session })).body).toMatchObject({ keyCount: 4, keyLimit: null });
  });

  it('lets exactly the limit through when creates race at the boundary', async () => {
    const m = await h.createUser(acme.admin);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => create(m.session, { name: `race-${i}` })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 409, 409, 409, 409]);
    const listed = await readAllPages(h, acme.admin, `/v1/access-keys?userId=${m.id}`, 100);
    expect(listed.items).toHaveLength(2);
  });
});
