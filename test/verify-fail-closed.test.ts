/**
 * Fail closed: while PostgreSQL cannot be reached, a key the process has not cached cannot be
 * verified — POST /v1/verify answers 503 STORE_UNAVAILABLE, never valid:true — and the outage
 * leaves nothing behind: once the database is back the same token verifies.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import type { App } from '../src/http/app-types.js';
import type { IssuedKey } from '../src/services/keys-service.js';
import { adminPostgresUrl, createPostgresDatabase } from './support/databases.js';
import { verifierFor } from './support/http.js';
import { createTenant, openApp, openRelay, openRuntime, postgresStore, throughRelay, type Relay, type Runtime } from './support/verify-cluster.js';

describe('verification while PostgreSQL is unreachable', () => {
  let database: { url: string; drop(): Promise<void> };
  let relay: Relay;
  let runtime: Runtime;
  let app: App;
  let cached: IssuedKey;
  let uncached: IssuedKey;
  let uncachedOverSocket: IssuedKey;
  let headers: { authorization: string };

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const target = new URL(adminPostgresUrl());
    relay = await openRelay({ host: target.hostname, port: Number(target.port || 5432) });
    const store = postgresStore(throughRelay(database.url, relay));
    await store.migrate();
    // No background work: nothing of the runtime's own is in flight when the relay is cut, so
    // every failure seen here comes from the verification under test.
    runtime = await openRuntime(store, { masterKey: randomBytes(32), background: false, recordFlushMs: 60_000 });
    app = await openApp(runtime, '/nonexistent-unused-by-postgres');
    const admin = await createTenant(runtime.services);
    cached = await runtime.services.keys.create(admin, { name: 'verified before the outage' });
    uncached = await runtime.services.keys.create(admin, { name: 'first verified during the outage' });
    uncachedOverSocket = await runtime.services.keys.create(admin, { name: 'first verified during the outage, over a socket' });
    const verifier = await verifierFor(runtime.services, admin.tenantId);
    headers = { authorization: `Bearer ${verifier.token}` };
  });

  afterAll(async () => {
    await relay?.restore();
    await app?.close();
    await runtime?.close();
    await runtime?.store.close();
    await relay?.close();
    await database?.drop();
  });

  /**
   * Cuts the relay, then gives the pool a moment to see its idle connections close: pg raises an
   * uncaught 'error' for a connection that is handed out in the instant it dies (a defect of the
   * PostgreSQL dialect, not what this suite is about).
   */
  const cutAndSettle = async () => {
    await relay.cut();
    await new Promise((r) => setTimeout(r, 200));
  };

  const verify = (token: string) => app.inject({ method: 'POST', url: '/v1/verify', headers, payload: { token } });

  it('answers 503 STORE_UNAVAILABLE for an uncached key, and verifies it once the database is back', async () => {
    expect((await verify(cached.token)).json()).toMatchObject({ valid: true });
    await runtime.services.recorder.flush();

    await cutAndSettle();
    await expect(runtime.store.ping()).rejects.toThrow();
    for (const token of [uncached.token, buildToken(generateAccessKeyId(), generateSecret())]) {
      const res = await verify(token);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'STORE_UNAVAILABLE', message: expect.any(String), requestId: expect.stringMatching(/^req_/) } });
      expect(res.body).not.toContain('"valid"');
    }

    // The same over a real socket, where /v1/verify skips the framework (src/http/fast-verify.ts).
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/verify`;
    const overSocket = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ token: uncachedOverSocket.token }) });
    expect(overSocket.status).toBe(503);
    expect(await overSocket.json()).toEqual({ error: { code: 'STORE_UNAVAILABLE', message: expect.any(String), requestId: overSocket.headers.get('x-request-id') } });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^latchkey_verify_fast_path_total{reader="wire"} 1$/m);

    await relay.restore();
    const back = await verify(uncached.token);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ valid: true, accessKeyId: uncached.key.accessKeyId });
  });

  it('still refuses garbage without the database: a malformed token is 200 MALFORMED, not 503', async () => {
    await cutAndSettle();
    try {
      const res = await verify(`lk_${'A'.repeat(60)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ valid: false, code: 'MALFORMED' });
    } finally {
      await relay.restore();
    }
  });
});
