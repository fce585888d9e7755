/**
 * A frozen PostgreSQL (a stopped server: connections stay open, nothing answers) stalls nothing:
 * every management call answers 503 STORE_UNAVAILABLE within 5 s, /readyz 503 within 2 s, cached
 * keys keep verifying, uncached ones fail closed, a cached key with credits fails closed too (its
 * credits are spent in the database: no free pass), and once the server answers again the same
 * process serves everything without a restart. The freeze is a proxy's (test/support/freezing-proxy.ts),
 * so the shared PostgreSQL is never stopped.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPostgresUrl, createPostgresDatabase } from './support/databases.js';
import { openFreezingProxy, throughProxy, type FreezingProxy } from './support/freezing-proxy.js';
import { openHttp, verifierFor, verify, type Harness, type IssuedKey, type Response, type Tenant } from './support/http.js';
import { eventually } from './support/verify-cluster.js';

describe('PostgreSQL frozen', () => {
  let database: { url: string; drop(): Promise<void> };
  let proxy: FreezingProxy;
  let h: Harness;
  let tenant: Tenant;
  let cached: IssuedKey;
  let uncached: IssuedKey;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => void uncaught.push(error);

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const target = new URL(adminPostgresUrl());
    proxy = await openFreezingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    h = await openHttp('postgres', { databaseUrl: throughProxy(database.url, proxy) });
    tenant = await h.bootstrap();
    cached = await h.createKey(tenant.admin, { name: 'verified before the freeze' });
    uncached = await h.createKey(tenant.admin, { name: 'first verified during the freeze' });
    // The change log names the keys just created (and the verifier): a poll that applies those rows
    // after the key was verified drops it from the cache again, and the freeze would then find it
    // uncached (seen once on a loaded machine). Wait until every change is applied and none is
    // left in flight, then put the key and the verifier in the cache.
    await verifierFor(h.services, tenant.tenantId);
    await eventually(
      async () => {
        await h.services.keyCache.poll();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return (await h.services.keyCache.poll()) === 0;
      },
      10_000,
      'the change log applied',
    );
    expect(await verify(h, cached.token)).toMatchObject({ valid: true });
    process.on('uncaughtException', onUncaught);
  }, 30_000);

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    proxy?.thaw();
    await h?.close();
    await proxy?.close();
    await database?.drop();
  });

  const timed = async (work: Promise<Response>): Promise<Response & { ms: number }> => {
    const started = performance.now();
    const res = await work;
    return { ...res, ms: performance.now() - started };
  };
  const listKeys = () => h.request({ method: 'GET', url: '/v1/access-keys', as: tenant.admin });
  const rename = (name: string) => h.request({ method: 'PATCH', url: `/v1/access-keys/${cached.accessKeyId}`, as: tenant.admin, body: { name } });
  const verifyRaw = async (token: string) => h.request({ method: 'POST', url: '/v1/verify', as: await verifierFor(h.services, tenant.tenantId), body: { token } });

  it('answers every request in time while frozen, and serves again by itself after the thaw', async () => {
    proxy.freeze();
    // More management calls at once than the pool has connections (10): the ones left waiting
    // for a connection must answer in time too.
    const [ready, uncachedVerify, write, ...reads] = await Promise.all([
      timed(h.request({ method: 'GET', url: '/readyz' })),
      timed(verifyRaw(uncached.token)),
      timed(rename('renamed while frozen')),
      ...Array.from({ length: 14 }, () => timed(listKeys())),
    ]);
    const cachedVerify = await timed(verifyRaw(cached.token));
    const second = await Promise.all([timed(listKeys()), timed(h.request({ method: 'GET', url: '/readyz' }))]);
    console.log('while frozen (ms):', {
      readyz: Math.round(ready.ms),
      uncachedVerify: Math.round(uncachedVerify.ms),
      write: Math.round(write.ms),
      slowestRead: Math.round(Math.max(...reads.map((r) => r.ms))),
      cachedVerify: Math.round(cachedVerify.ms),
      secondRound: second.map((r) => Math.round(r.ms)),
    });

    expect({ status: ready.status, body: ready.body }).toEqual({ status: 503, body: { status: 'unavailable', database: 'postgres' } });
    expect(ready.ms).toBeLessThan(2_000);
    expect(second[1]!.status).toBe(503);
    expect(second[1]!.ms).toBeLessThan(2_000);
    for (const res of [uncachedVerify, write, ...reads, second[0]!]) {
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
      expect(res.ms).toBeLessThan(5_000);
    }
    // Fail closed for the key it has not seen, but the cached one keeps verifying at once.
    expect(uncachedVerify.text).not.toContain('"valid"');
    expect({ status: cachedVerify.status, valid: cachedVerify.body.valid, fast: cachedVerify.ms < 100 }).toEqual({ status: 200, valid: true, fast: true });

    proxy.thaw();
    const recovery = await eventually(async () => (await h.request({ method: 'GET', url: '/readyz' })).status === 200, 5_000, 'ready again after the thaw');
    console.log('ready again', Math.round(recovery), 'ms after the thaw');
    expect((await listKeys()).status).toBe(200);
    const renamed = await rename('renamed after the thaw');
    expect({ status: renamed.status, name: renamed.body.name }).toEqual({ status: 200, name: 'renamed after the thaw' });
    expect(await verify(h, uncached.token)).toMatchObject({ valid: true, accessKeyId: uncached.accessKeyId });
    // The write that failed during the freeze left nothing behind.
    const listed = (await listKeys()).body.items.map((k: { name: string }) => k.name);
    expect(listed).not.toContain('renamed while frozen');
    expect(uncaught.map(String)).toEqual([]);
  }, 60_000);

  it('fails a key with credits closed (503) while a key without credits verifies from cache, and spends again after the thaw', async () => {
    const metered = await h.createKey(tenant.admin, { name: 'metered', credits: { remaining: 10 } });
    const free = await h.createKey(tenant.admin, { name: 'unmetered' });
    // Both verified (so cached) before the freeze; the metered one spent 1 of its 10.
    expect((await verifyRaw(metered.token)).body).toMatchObject({ valid: true, credits: { remaining: 9 } });
    expect((await verifyRaw(free.token)).body).toMatchObject({ valid: true });

    proxy.freeze();
    const [meteredFrozen, freeFrozen] = await Promise.all([timed(verifyRaw(metered.token)), timed(verifyRaw(free.token))]);
    proxy.thaw();
    console.log('while frozen (ms): metered', Math.round(meteredFrozen.ms), 'unmetered', Math.round(freeFrozen.ms));
    expect({ status: meteredFrozen.status, code: meteredFrozen.body?.error?.code }).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
    expect(meteredFrozen.text).not.toContain('"valid"');
    expect(meteredFrozen.ms).toBeLessThan(5_000);
    expect({ status: freeFrozen.status, valid: freeFrozen.body.valid, fast: freeFrozen.ms < 100 }).toEqual({ status: 200, valid: true, fast: true });

    // After the thaw the key spends again. The refused request's spend had reached the proxy: the
    // thaw lets it through (as a stopped server that resumes reads what it was sent), and whether
    // PostgreSQL runs it before the abandoned connection closes is a race, so 1 or 0 units went
    // with the 503, never more; the 503 promised no free pass, not that nothing was spent.
    await eventually(async () => (await h.request({ method: 'GET', url: '/readyz' })).status === 200, 5_000, 'ready again after the thaw');
    const after = (await verifyRaw(metered.token)).body as { valid: boolean; credits: { remaining: number } };
    expect(after.valid).toBe(true);
    expect([7, 8]).toContain(after.credits.remaining);
    expect(uncaught.map(String)).toEqual([]);
  }, 60_000);

  it('keeps answering in time through a second freeze: no connection is left wedged by the first', async () => {
    proxy.freeze();
    const frozen = await Promise.all(Array.from({ length: 12 }, () => timed(listKeys())));
    proxy.thaw();
    for (const res of frozen) {
      expect(res.status).toBe(503);
      expect(res.ms).toBeLessThan(5_000);
    }
    // Every one of the pool's connections works again: more calls at once than it holds.
    await eventually(async () => (await h.request({ method: 'GET', url: '/readyz' })).status === 200, 5_000, 'ready again after the thaw');
    const after = await Promise.all(Array.from({ length: 12 }, () => timed(listKeys())));
    expect(after.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(Math.max(...after.map((r) => r.ms))).toBeLessThan(2_000);
  }, 60_000);

  it('fails a transaction the freeze catches midway within 5 s, rollback included, and throws its connection away', async () => {
    let caught = 0;
    const started = performance.now();
    const failed = await h.store
      .transaction(async (tx) => {
        caught = (await tx.tenants.listAll()).length;
        proxy.freeze();
        return tx.tenants.listAll();
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    const ms = performance.now() - started;
    proxy.thaw();
    console.log('transaction caught by the freeze failed after', Math.round(ms), 'ms:', String(failed));
    expect(caught).toBeGreaterThan(0);
    expect(h.store.dialect.isUnavailable(failed)).toBe(true);
    // The timed-out query, then the ROLLBACK on the same connection: without throwing the
    // connection away the ROLLBACK would wait out a second time limit behind the lost query.
    expect(ms).toBeLessThan(5_000);
    await eventually(async () => (await h.request({ method: 'GET', url: '/readyz' })).status === 200, 5_000, 'ready again after the thaw');
    expect(await h.store.transaction(async (tx) => (await tx.tenants.listAll()).length)).toBe(caught);
  }, 60_000);

  it('answers 503 within 5 s when a row lock held by another connection would make a write wait (statement_timeout)', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select id from access_keys where id = $1 for update', [cached.accessKeyId]);
      const blocked = await timed(rename('renamed under a row lock'));
      console.log('write behind a row lock answered', blocked.status, 'after', Math.round(blocked.ms), 'ms');
      expect({ status: blocked.status, code: blocked.body?.error?.code }).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
      expect(blocked.ms).toBeLessThan(5_000);
    } finally {
      await other.query('rollback');
      await other.end();
    }
    expect((await rename('renamed once the lock is gone')).status).toBe(200);
  }, 30_000);
});
