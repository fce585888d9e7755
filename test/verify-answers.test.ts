/**
 * What POST /v1/verify answers: exactly the documented fields, always the key's current state
 * (answers are prepared once per cached key, and a change must retire them), the usual headers,
 * and the error envelope for bad input.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/http/app-types.js';
import type { Actor } from '../src/services/actor.js';
import { DATABASE_KINDS, openTestStore, type TestStore } from './support/databases.js';
import { verifierHeaders } from './support/http.js';
import { createTenant, openApp, openRuntime, PASSWORD, type Runtime } from './support/verify-cluster.js';

describe.each(DATABASE_KINDS)('verify answers on %s', (kind) => {
  let t: TestStore;
  let runtime: Runtime;
  let app: App;
  let admin: Actor;

  beforeAll(async () => {
    t = await openTestStore(kind);
    runtime = await openRuntime(t.store, { masterKey: randomBytes(32), recordFlushMs: 60_000 });
    app = await openApp(runtime, t.dataDir);
    admin = await createTenant(runtime.services);
  });

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await t?.cleanup();
  });

  const post = async (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/verify', headers: await verifierHeaders(runtime.services, admin.tenantId), payload: payload as Record<string, unknown> });

  it('answers a good token with exactly the documented fields, as JSON, with the usual headers', async () => {
    const issued = await runtime.services.keys.create(admin, { name: 'answer', expiresInDays: 30 });
    const res = await post({ token: issued.token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toMatch(/^req_[A-Za-z0-9_-]{12}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toStrictEqual({
      valid: true,
      accessKeyId: issued.key.accessKeyId,
      tenantId: admin.tenantId,
      userId: admin.user.id,
      type: 'api',
      permissions: ['*'],
      expiresAt: issued.key.expiresAt!.toISOString(),
    });
    const second = await post({ token: issued.token });
    expect(second.body).toBe(res.body);
    expect(second.headers['x-request-id']).not.toBe(res.headers['x-request-id']);
  });

  it('answers a failure with valid=false, the public code and its message only', async () => {
    const issued = await runtime.services.keys.create(admin, { name: 'refused' });
    await runtime.services.keys.disable(admin, issued.key.accessKeyId);
    const res = await post({ token: issued.token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toStrictEqual({ valid: false, code: 'KEY_DISABLED', message: 'The access key is disabled.' });
  });

  it('reflects a changed expiry, a changed role and a re-enabled key in the very next answer', async () => {
    const role = await runtime.services.roles.createRole(admin, { name: `r-${randomBytes(3).toString('hex')}`, permissions: ['storage:read', 'billing:read'] });
    const { user } = await runtime.services.users.create(admin, { email: `m${randomBytes(4).toString('hex')}@example.test`, password: PASSWORD, programmaticAccess: true, roleIds: [role.id] });
    const issued = await runtime.services.keys.create(admin, { name: 'changing', userId: user.id, expiresInDays: 10 });
    const id = issued.key.accessKeyId;
    const first = (await post({ token: issued.token })).json();
    expect(first).toMatchObject({ valid: true, userId: user.id, permissions: ['billing:read', 'storage:read'] });

    const updated = await runtime.services.keys.update(admin, id, { neverExpires: true });
    expect(updated.expiresAt).toBeNull();
    expect((await post({ token: issued.token })).json()).toMatchObject({ valid: true, expiresAt: null });

    await runtime.services.roles.updateRole(admin, role.id, { permissions: ['storage:read'] });
    expect((await post({ token: issued.token })).json()).toMatchObject({ valid: true, permissions: ['storage:read'] });

    await runtime.services.keys.disable(admin, id);
    expect((await post({ token: issued.token })).json()).toMatchObject({ valid: false, code: 'KEY_DISABLED' });
    await runtime.services.keys.enable(admin, id);
    expect((await post({ token: issued.token })).json()).toMatchObject({ valid: true, accessKeyId: id });
  });

  it('refuses bad input with the error envelope and writes nothing', async () => {
    const issued = await runtime.services.keys.create(admin, { name: 'bad input' });
    const pendingBefore = runtime.services.recorder.pending;
    for (const [payload, code] of [
      [{ token: issued.token, extra: 1 }, 'UNKNOWN_FIELD'],
      [{ token: 42 }, 'VALIDATION_FAILED'],
      [{}, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code, requestId: res.headers['x-request-id'] } });
    }
    const malformed = await app.inject({ method: 'POST', url: '/v1/verify', headers: { 'content-type': 'application/json' }, payload: '{"token":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    expect(runtime.services.recorder.pending).toBe(pendingBefore);
  });
});
