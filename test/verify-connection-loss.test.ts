/** A PostgreSQL connection that dies while in use gives 503, never a crash of the process. */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { adminPostgresUrl, createPostgresDatabase } from './support/databases.js';
import { verifierFor } from './support/http.js';
import { createTenant, openApp, openRelay, openRuntime, postgresStore, throughRelay } from './support/verify-cluster.js';

it('verification on a connection that dies in use answers 503 and raises no uncaught error', async () => {
  const database = await createPostgresDatabase();
  const target = new URL(adminPostgresUrl());
  const relay = await openRelay({ host: target.hostname, port: Number(target.port || 5432) });
  const store = postgresStore(throughRelay(database.url, relay));
  await store.migrate();
  const runtime = await openRuntime(store, { masterKey: randomBytes(32), background: false, recordFlushMs: 60_000 });
  const app = await openApp(runtime, '/unused');
  const admin = await createTenant(runtime.services);
  const key = await runtime.services.keys.create(admin, { name: 'k' });
  // The verifier's key is cached first, so what meets the dead connection is the key asked about.
  const verifier = await verifierFor(runtime.services, admin.tenantId);
  const headers = { authorization: `Bearer ${verifier.token}` };
  expect((await app.inject({ method: 'POST', url: '/v1/verify', headers, payload: { token: verifier.token } })).json()).toMatchObject({ valid: true });
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => void uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    await relay.cut(); // no pause: the pool still holds connections that are closing right now
    const res = await app.inject({ method: 'POST', url: '/v1/verify', headers, payload: { token: key.token } });
    await new Promise((r) => setTimeout(r, 200));
    expect({ status: res.statusCode, code: res.json().error?.code, uncaught: uncaught.map(String) }).toEqual({ status: 503, code: 'STORE_UNAVAILABLE', uncaught: [] });
  } finally {
    process.off('uncaughtException', onUncaught);
    await relay.restore();
    await app.close();
    await runtime.close();
    await store.close();
    await relay.close();
    await database.drop();
  }
});
