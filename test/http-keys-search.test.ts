/** HTTP: GET /v1/access-keys?q= — finding a key by its ID (or a pasted token) or part of its name. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { openHttp, readAllPages, type Harness, type IssuedKey, type Tenant } from './support/http.js';

describe.each(DATABASE_KINDS)('HTTP access key search (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  let member: Awaited<ReturnType<Harness['createUser']>>;
  let deploy: IssuedKey;
  let billing: IssuedKey;
  let percent: IssuedKey;
  let theirs: IssuedKey;
  let elsewhere: IssuedKey;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    member = await h.createUser(acme.admin, { programmaticAccess: true });
    deploy = await h.createKey(acme.admin, { name: 'Deploy Bot' });
    h.clock.advance(1000);
    billing = await h.createKey(acme.admin, { name: 'billing export' });
    h.clock.advance(1000);
    percent = await h.createKey(acme.admin, { name: '100% off_sale' });
    h.clock.advance(1000);
    theirs = await h.createKey(member.session, { name: 'member deploy' });
    const other = await h.bootstrap();
    elsewhere = await h.createKey(other.admin, { name: 'Deploy elsewhere' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const search = async (q: string, as = acme.admin as Parameters<Harness['request']>[0]['as'], limit = 100) =>
    (await readAllPages(h, as!, `/v1/access-keys?q=${encodeURIComponent(q)}`, limit)).items.map((k: { accessKeyId: string }) => k.accessKeyId);

  it('finds a key by its whole ID, across the tenant for an admin', async () => {
    expect(await search(theirs.accessKeyId)).toEqual([theirs.accessKeyId]);
    expect(await search(deploy.accessKeyId.toLowerCase())).toEqual([deploy.accessKeyId]);
  });

  it('finds a key by a pasted bearer token, whole or cut after the ID', async () => {
    expect(await search(billing.token)).toEqual([billing.accessKeyId]);
    expect(await search(`  ${billing.token}\n`)).toEqual([billing.accessKeyId]);
    expect(await search(`lk_${billing.accessKeyId}_`)).toEqual([billing.accessKeyId]);
  });

  it('finds keys by the start of an ID', async () => {
    const found = await search(deploy.accessKeyId.slice(0, 12));
    expect(found).toContain(deploy.accessKeyId);
    expect(found.every((id: string) => id.startsWith(deploy.accessKeyId.slice(0, 12)))).toBe(true);
  });

  it('finds keys by part of their name in any case, newest first, never another tenant', async () => {
    expect(await search('DEPLOY')).toEqual([theirs.accessKeyId, deploy.accessKeyId]);
    expect(await search('export')).toEqual([billing.accessKeyId]);
    expect(await search('elsewhere')).toEqual([]);
    expect(await search(elsewhere.accessKeyId)).toEqual([]);
    expect(await search('nothing like this')).toEqual([]);
  });

  it("matches LIKE's wildcards literally", async () => {
    expect(await search('%')).toEqual([percent.accessKeyId]);
    expect(await search('f_s')).toEqual([percent.accessKeyId]);
    expect(await search('_')).toEqual([percent.accessKeyId]);
  });

  it('pages its results like the full list and combines with the other filters', async () => {
    const all = await readAllPages(h, acme.admin, '/v1/access-keys?q=e', 1);
    expect(all.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([theirs.accessKeyId, percent.accessKeyId, billing.accessKeyId, deploy.accessKeyId]);
    expect(all.pages).toBe(4);
    const mine = await readAllPages(h, acme.admin, `/v1/access-keys?q=deploy&userId=${member.id}`, 10);
    expect(mine.items.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([theirs.accessKeyId]);
  });

  it("a member finds only their own keys: another's ID finds nothing", async () => {
    expect(await search('deploy', member.session)).toEqual([theirs.accessKeyId]);
    expect(await search(deploy.accessKeyId, member.session)).toEqual([]);
    expect(await search(deploy.token, member.session)).toEqual([]);
  });

  it('refuses an empty or over-long search with 400 naming q', async () => {
    for (const q of ['', 'x'.repeat(201)]) {
      const res = await h.request({ method: 'GET', url: `/v1/access-keys?q=${q}`, as: acme.admin });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error)).toContain('q');
    }
  });
});

describe.each(DATABASE_KINDS)('HTTP access key sort (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  const made: Record<string, IssuedKey> = {};
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
    // Created a second apart in this order; names in mixed case; two never expire; one never used.
    const specs: [string, Record<string, unknown>][] = [
      ['charlie', { expiresInDays: 30 }],
      ['Alpha', { neverExpires: true }],
      ['bravo', { expiresInDays: 7 }],
      ['delta', { neverExpires: true }],
    ];
    for (const [name, body] of specs) {
      h.clock.advance(1000);
      made[name] = await h.createKey(acme.admin, { name, ...body });
    }
    const at = h.clock.now().getTime();
    await h.store.accessKeys.touchLastUsed([
      { accessKeyId: made.bravo!.accessKeyId, at: new Date(at + 3000) },
      { accessKeyId: made.Alpha!.accessKeyId, at: new Date(at + 1000) },
      { accessKeyId: made.delta!.accessKeyId, at: new Date(at + 2000) },
    ]);
  });
  afterAll(async () => {
    await h?.close();
  });

  const names = async (query: string, limit = 100) => {
    const all = await readAllPages(h, acme.admin, `/v1/access-keys?${query}`, limit);
    const mine = all.items.filter((k: { name: string }) => k.name in made);
    return mine.map((k: { name: string }) => k.name);
  };

  it('sorts by name ignoring case, by creation, last use and expiry, both ways, one row per page too', async () => {
    for (const limit of [100, 1]) {
      expect(await names('sort=name', limit)).toEqual(['Alpha', 'bravo', 'charlie', 'delta']);
      expect(await names('sort=name&order=desc', limit)).toEqual(['delta', 'charlie', 'bravo', 'Alpha']);
      expect(await names('sort=created&order=asc', limit)).toEqual(['charlie', 'Alpha', 'bravo', 'delta']);
      expect(await names('order=asc', limit)).toEqual(['charlie', 'Alpha', 'bravo', 'delta']);
      expect(await names('sort=created', limit)).toEqual(['delta', 'bravo', 'Alpha', 'charlie']);
      // Never used counts as used longest ago.
      expect(await names('sort=lastUsed', limit)).toEqual(['bravo', 'delta', 'Alpha', 'charlie']);
      expect(await names('sort=lastUsed&order=asc', limit)).toEqual(['charlie', 'Alpha', 'delta', 'bravo']);
      // Never expires sorts last (the two in ID order, as every tie).
      const never = [made.Alpha!, made.delta!].sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : 1)).map((k) => k.name);
      expect(await names('sort=expires&order=asc', limit)).toEqual(['bravo', 'charlie', ...never]);
      expect(await names('sort=expires', limit)).toEqual([...never.reverse(), 'charlie', 'bravo']);
    }
  });

  it('combines with the search', async () => {
    expect(await names('q=a&sort=name')).toEqual(['Alpha', 'bravo', 'charlie', 'delta']);
    expect(await names('q=o&sort=name&order=desc')).toEqual(['bravo']);
  });

  it('refuses an unknown sort or order with 400 naming it, and a cursor of another sort as INVALID_CURSOR', async () => {
    for (const [query, field] of [
      ['sort=owner', 'sort'],
      ['order=up', 'order'],
    ]) {
      const res = await h.request({ method: 'GET', url: `/v1/access-keys?${query}`, as: acme.admin });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error)).toContain(field);
    }
    const first = await h.request({ method: 'GET', url: '/v1/access-keys?sort=name&limit=1', as: acme.admin });
    const cursor = first.body.nextCursor as string;
    for (const query of [`sort=name&order=desc&cursor=${cursor}`, `sort=expires&cursor=${cursor}`, `cursor=${cursor}`]) {
      const res = await h.request({ method: 'GET', url: `/v1/access-keys?${query}`, as: acme.admin });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('INVALID_CURSOR');
    }
  });
});
