/** HTTP: GET /v1/users?q= — finding people by part of their email or name, for the console's pickers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHttp, readAllPages, type Harness, type Tenant } from './support/http.js';

describe('HTTP users search (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let zoe: { id: string; email: string };
  let yann: { id: string; email: string };
  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    // Each user a second apart, so newest first is one order.
    h.clock.advance(1000);
    zoe = await h.addUser(acme.admin, { name: 'Zoe Search', email: `zoe@${acme.slug}.example` });
    h.clock.advance(1000);
    yann = await h.addUser(acme.admin, { name: 'Yann Other', email: `yann@${acme.slug}.example` });
    const elsewhere = await h.bootstrap();
    await h.addUser(elsewhere.admin, { name: 'Zoe Elsewhere', email: `zoe@${elsewhere.slug}.example` });
  });
  afterAll(async () => {
    await h?.close();
  });

  const search = async (q: string, limit = 100) => (await readAllPages(h, acme.admin, `/v1/users?q=${encodeURIComponent(q)}`, limit)).items.map((u: { id: string }) => u.id);

  it('matches part of the email or the name in any case, within the tenant only', async () => {
    expect(await search('ZOE')).toEqual([zoe.id]);
    expect(await search('search')).toEqual([zoe.id]);
    expect(await search('yann@')).toEqual([yann.id]);
    expect(await search('other')).toEqual([yann.id]);
    expect((await search(acme.slug)).sort()).toEqual([acme.admin.userId, yann.id, zoe.id].sort());
    expect(await search('nobody-like-this')).toEqual([]);
  });

  it('pages its results like the full list', async () => {
    const all = await readAllPages(h, acme.admin, `/v1/users?q=${acme.slug}`, 1);
    expect(all.pages).toBe(3);
    expect(all.items.map((u: { id: string }) => u.id)).toEqual([yann.id, zoe.id, acme.admin.userId]);
  });

  it('stays an admin listing, and refuses an empty or over-long query with 400', async () => {
    const member = await h.createUser(acme.admin);
    expect((await h.request({ method: 'GET', url: '/v1/users?q=zoe', as: member.session })).status).toBe(403);
    for (const q of ['', 'x'.repeat(101)]) {
      const res = await h.request({ method: 'GET', url: `/v1/users?q=${q}`, as: acme.admin });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
