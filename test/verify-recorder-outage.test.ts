/**
 * A database outage loses no access records: what cannot be written waits in memory and is
 * written, all of it, once PostgreSQL can be reached again.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateSecret } from '../src/crypto/random.js';
import { testClock } from './support/http.js';
import { adminPostgresUrl, createPostgresDatabase } from './support/databases.js';
import { createTenant, openRelay, openRuntime, postgresStore, throughRelay, type Relay, type Runtime } from './support/verify-cluster.js';

describe('access records across a PostgreSQL outage', () => {
  let database: { url: string; drop(): Promise<void> };
  let relay: Relay;
  let runtime: Runtime;
  const clock = testClock();

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const target = new URL(adminPostgresUrl());
    relay = await openRelay({ host: target.hostname, port: Number(target.port || 5432) });
    const store = postgresStore(throughRelay(database.url, relay));
    await store.migrate();
    // Only this test's own flushes touch the database, so none is in flight when the relay is cut.
    runtime = await openRuntime(store, { masterKey: randomBytes(32), clock, background: false, recordFlushMs: 60_000 });
  });

  afterAll(async () => {
    await relay?.restore();
    await runtime?.close();
    await runtime?.store.close();
    await relay?.close();
    await database?.drop();
  });

  it('keeps every record made before and during the outage and writes them when the database is back', async () => {
    const admin = await createTenant(runtime.services);
    const issued = await runtime.services.keys.create(admin, { name: 'used through an outage' });
    const id = issued.key.accessKeyId;
    const verification = runtime.services.verification;
    const attempt = async (token: string) => {
      clock.advance(1_000);
      return verification.verify({ kind: 'token', token }, { sourceIp: '192.0.2.5', userAgent: 'outage-test' });
    };

    for (let i = 0; i < 130; i++) expect(await attempt(issued.token)).toMatchObject({ valid: true });
    await relay.cut();
    await new Promise((r) => setTimeout(r, 200));

    await runtime.services.recorder.flush();
    expect(runtime.services.recorder.pending).toBe(130);
    expect(runtime.logText()).toContain('could not write access records; will retry');

    // The key is cached, so it keeps verifying during the outage; those attempts are kept too.
    for (let i = 0; i < 120; i++) expect(await attempt(issued.token)).toMatchObject({ valid: true });
    expect(await attempt(buildToken(id, generateSecret()))).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    const lastSuccess = new Date(clock.now().getTime() - 1_000);
    await runtime.services.recorder.flush();
    expect(runtime.services.recorder.pending).toBe(251);

    await relay.restore();
    await runtime.services.recorder.flush();
    expect(runtime.services.recorder.pending).toBe(0);

    // Every attempt is counted; the latest 100 successes and the failure are kept in detail.
    const rows = await runtime.store.db.selectFrom('accessRecords').select(['id', 'at', 'outcome', 'code']).where('accessKeyId', '=', id).orderBy('at').execute();
    expect(rows).toHaveLength(101);
    expect(new Set(rows.map((r) => r.id)).size).toBe(101);
    expect(rows.filter((r) => r.outcome === 'failure').map((r) => r.code)).toEqual(['SECRET_MISMATCH']);
    const counted = await runtime.store.usage.keyRows(id, 'hours', 0);
    expect(Object.fromEntries(counted.map((h) => [h.code, h.counts.reduce((a, b) => a + b, 0)]))).toEqual({ OK: 250, SECRET_MISMATCH: 1 });
    const found = await runtime.store.accessKeys.find(admin.tenantId, id);
    expect(found?.key.lastUsedAt).toEqual(lastSuccess);
    // The log says what happened without the credential in it.
    expect(runtime.logText()).not.toContain(issued.secret);
  });
});
