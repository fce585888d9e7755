/**
 * Access records and last-used times through the real app: every attempt that names an existing
 * key is recorded (off the request path, written in batches), and last-used times only move forward.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken } from '../src/core/key-format.js';
import { generateAccessKeyId, generateSecret } from '../src/crypto/random.js';
import type { App } from '../src/http/app-types.js';
import type { Actor } from '../src/services/actor.js';
import { testClock, verifierHeaders, type TestClock } from './support/http.js';
import { DATABASE_KINDS, openTestStore, type TestStore } from './support/databases.js';
import { createTenant, eventually, openApp, openRuntime, type Runtime } from './support/verify-cluster.js';

describe.each(DATABASE_KINDS)('access records on %s', (kind) => {
  let t: TestStore;
  let clock: TestClock;
  let runtime: Runtime;
  let app: App;
  let admin: Actor;
  const masterKey = randomBytes(32);

  beforeAll(async () => {
    t = await openTestStore(kind);
    clock = testClock();
    // Only explicit flushes write here, so the test sees what is still buffered.
    runtime = await openRuntime(t.store, { masterKey, clock, recordFlushMs: 60_000 });
    app = await openApp(runtime, t.dataDir);
    admin = await createTenant(runtime.services);
  });

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await t?.cleanup();
  });

  const verify = async (payload: Record<string, unknown>, headers: Record<string, string> = {}, remoteAddress = '192.0.2.10') =>
    app.inject({ method: 'POST', url: '/v1/verify', payload, headers: { ...(await verifierHeaders(runtime.services, admin.tenantId)), ...headers }, remoteAddress }).then((r) => r.json());

  const recordsOf = async (accessKeyId: string) => (await t.store.accessRecords.listForKey(admin.tenantId, accessKeyId, { cursor: null, limit: 100, since: new Date(0) })).items;

  const countRecordsOf = async (accessKeyId: string) =>
    Number(
      (
        await t.store.db
          .selectFrom('accessRecords')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('accessKeyId', '=', accessKeyId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const lastUsedOf = async (accessKeyId: string) => (await t.store.accessKeys.find(admin.tenantId, accessKeyId))!.key.lastUsedAt;

  it('records every attempt that names an existing key, with outcome, exact reason, IP and user agent — after the answer, in a batch', async () => {
    const role = await runtime.services.roles.createRole(admin, { name: `read-${randomBytes(3).toString('hex')}`, permissions: ['storage:read'] });
    const issued = await runtime.services.keys.create(admin, { name: 'recorded', roleIds: [role.id] });
    const id = issued.key.accessKeyId;

    expect(await verify({ token: issued.token }, { 'user-agent': 'client/1.0' })).toMatchObject({ valid: true });
    clock.advance(1_000);
    expect(await verify({ token: buildToken(id, generateSecret()) }, { 'user-agent': 'guesser/2' }, '192.0.2.66')).toMatchObject({ valid: false, code: 'KEY_NOT_FOUND' });
    clock.advance(1_000);
    expect(await verify({ token: issued.token, permission: 'billing:read', context: { sourceIp: '198.51.100.23', userAgent: 'end-client/3' } })).toMatchObject({
      valid: false,
      code: 'PERMISSION_DENIED',
    });
    clock.advance(1_000);
    await runtime.services.keys.disable(admin, id);
    expect(await verify({ token: issued.token }, { 'user-agent': 'client/1.0' })).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    // Neither garbage nor an unknown key names an existing key: no record.
    await verify({ token: 'lk_garbage' });
    await verify({ token: buildToken(generateAccessKeyId(), generateSecret()) });

    // Answered, but not yet written: the requests did not wait for the database. (Each of the
    // six requests also recorded its verifier's own check, in the verifier key's records.)
    expect(await recordsOf(id)).toEqual([]);
    expect(runtime.services.recorder.pending).toBe(4 + 6);

    await runtime.services.recorder.flush();
    expect(runtime.services.recorder.pending).toBe(0);
    const records = await recordsOf(id);
    expect(records.map((r) => [r.outcome, r.code, r.sourceIp, r.userAgent, r.permission])).toEqual([
      ['failure', 'KEY_DISABLED', '192.0.2.10', 'client/1.0', null],
      ['failure', 'PERMISSION_DENIED', '198.51.100.23', 'end-client/3', 'billing:read'],
      ['failure', 'SECRET_MISMATCH', '192.0.2.66', 'guesser/2', null],
      ['success', null, '192.0.2.10', 'client/1.0', null],
    ]);
    expect(records.every((r) => r.scheme === 'bearer' && r.tenantId === admin.tenantId && /^acr_[a-z2-7]{16}$/.test(r.id))).toBe(true);
    expect(new Set(records.map((r) => r.id)).size).toBe(4);
  });

  it('keeps the latest successful use as last-used: it never moves backwards, and failures do not touch it', async () => {
    const issued = await runtime.services.keys.create(admin, { name: 'last used' });
    const id = issued.key.accessKeyId;
    const start = clock.now().getTime();
    const later = new Date(start + 10_000);

    clock.advance(10_000);
    expect(await verify({ token: issued.token })).toMatchObject({ valid: true });
    clock.advance(-10_000);
    expect(await verify({ token: issued.token })).toMatchObject({ valid: true });
    await runtime.services.recorder.flush();
    expect(await lastUsedOf(id)).toEqual(later);

    // An older use written in a later batch (another process's clock, a delayed batch) changes nothing.
    clock.advance(5_000);
    expect(await verify({ token: issued.token })).toMatchObject({ valid: true });
    await runtime.services.recorder.flush();
    expect(await lastUsedOf(id)).toEqual(later);

    // A wrong secret is an attempt, not a use.
    clock.advance(60_000);
    await verify({ token: buildToken(id, generateSecret()) });
    await runtime.services.recorder.flush();
    expect(await lastUsedOf(id)).toEqual(later);
    expect(await recordsOf(id)).toHaveLength(4);

    expect(await verify({ token: issued.token }, {}, '198.51.100.77')).toMatchObject({ valid: true });
    await runtime.services.recorder.flush();
    expect(await lastUsedOf(id)).toEqual(clock.now());
    // The key view shows where that use came from.
    expect((await runtime.services.keys.get(admin, id)).lastUsedIp).toBe('198.51.100.77');
  });

  it('writes what is still buffered when the process stops (close), across several batches', async () => {
    const closing = await openRuntime(t.store, { masterKey, clock, recordFlushMs: 60_000 });
    const closingApp = await openApp(closing, t.dataDir);
    const issued = await closing.services.keys.create(admin, { name: 'flushed on close' });
    const attempts = 250;
    for (let i = 0; i < attempts; i++) {
      const res = await closingApp.inject({ method: 'POST', url: '/v1/verify', headers: await verifierHeaders(closing.services, admin.tenantId), payload: { token: issued.token } });
      expect(res.json()).toMatchObject({ valid: true });
    }
    // Each attempt and its verifier's check.
    expect(closing.services.recorder.pending).toBe(2 * attempts);
    await closingApp.close();
    await closing.close();
    // The ring keeps the latest 100 (the default accessRecordsPerKey); the counters every attempt.
    expect(await countRecordsOf(issued.key.accessKeyId)).toBe(100);
    const hours = await t.store.usage.keyRows(issued.key.accessKeyId, 'hours', 0);
    expect(hours.flatMap((h) => h.counts).reduce((a, b) => a + b, 0)).toBe(attempts);
    expect(await lastUsedOf(issued.key.accessKeyId)).toEqual(clock.now());
  });

  it('writes records and a first use on its own timer, without anyone flushing', async () => {
    const ticking = await openRuntime(t.store, { masterKey, recordFlushMs: 50 });
    try {
      const issued = await ticking.services.keys.create(admin, { name: 'timer' });
      const outcome = await ticking.services.verification.verify({ kind: 'token', token: issued.token }, { sourceIp: '192.0.2.1', userAgent: null });
      expect(outcome.valid).toBe(true);
      await eventually(async () => (await recordsOf(issued.key.accessKeyId)).length === 1, 5_000, 'the access record was not written by the timer');
      await eventually(async () => (await lastUsedOf(issued.key.accessKeyId)) !== null, 5_000, 'the last-used time was not written by the timer');
    } finally {
      await ticking.close();
    }
  });
});
