/**
 * HTTP: showing a secret again (seeds 000 and 002: Show / Hide after verification), allowed only
 * by tenant policy, only after step-up verification, only in a console session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openHttp, setPolicy, totpAt, type Caller, type Harness, type IssuedKey, type Session, type Tenant } from './support/http.js';

const STEP = 30_000;

describe('HTTP secret reveal (sqlite)', () => {
  let h: Harness;
  let acme: Tenant;
  let member: { id: string; session: Session; secret: string };
  let other: { id: string; session: Session; secret: string };
  let admin: { session: Session; secret: string };

  /** Enrols an authenticator for the session's user and returns its secret. */
  const enrol = async (session: Session) => {
    const secret = (await h.request({ method: 'POST', url: '/v1/me/totp', as: session })).body.secret as string;
    await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: session, body: { code: totpAt(secret, h.clock) } });
    return secret;
  };
  /** A fresh authenticator code (the clock moves one step, so it was never used) verifies the session. */
  const stepUp = async (who: { session: Session; secret: string }) => {
    h.clock.advance(STEP);
    const res = await h.request({ method: 'POST', url: '/v1/auth/step-up/verify', as: who.session, body: { code: totpAt(who.secret, h.clock) } });
    expect(res.status, res.text).toBe(200);
  };
  const reveal = (as: Caller, id: string) => h.request({ method: 'POST', url: `/v1/access-keys/${id}/reveal`, as });
  const newKey = async (who: { session: Session; secret: string }, body: Record<string, unknown> = {}) => {
    await stepUp(who);
    return h.createKey(who.session, body);
  };

  beforeAll(async () => {
    h = await openHttp('sqlite');
    acme = await h.bootstrap();
    const m = await h.createUser(acme.admin);
    const o = await h.createUser(acme.admin);
    member = { id: m.id, session: m.session, secret: await enrol(m.session) };
    other = { id: o.id, session: o.session, secret: await enrol(o.session) };
    admin = { session: acme.admin, secret: await enrol(acme.admin) };
    await setPolicy(h, acme.admin, { stepUp: 'totp', secretReveal: 'after-step-up', memberKeyLimit: 10 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the secret, bearer token and copy text of creation again after step-up, not cached, audited without the secret', async () => {
    const key = await newKey(member, { name: 'reveal-me' });
    h.clock.advance(21 * 60_000);
    const before = await reveal(member.session, key.accessKeyId);
    expect(before.status).toBe(403);
    expect(before.body.error).toMatchObject({ code: 'STEP_UP_REQUIRED', details: { method: 'totp' } });
    expect(before.text).not.toContain(key.secret);

    await stepUp(member);
    const shown = await reveal(member.session, key.accessKeyId);
    expect(shown.status).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.body).toEqual({ accessKeyId: key.accessKeyId, secret: key.secret, token: key.token, copyText: key.copyText });

    const audit = (await h.request({ method: 'GET', url: `/v1/audit-events?action=access_key.reveal&targetId=${key.accessKeyId}`, as: acme.admin })).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: member.id, targetType: 'access_key', result: 'success' });
    expect(JSON.stringify(audit)).not.toContain(key.secret);
    expect(h.logText()).not.toContain(key.secret);
  });

  it('shows the new secret after a rotation', async () => {
    const key = await newKey(member);
    const rotated = (await h.request({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/rotate`, as: member.session, body: { overlapSeconds: 600 } })).body as IssuedKey;
    expect((await reveal(member.session, key.accessKeyId)).body.secret).toBe(rotated.secret);
  });

  it('lets members reveal only their own keys (404 otherwise) and admins any key of their tenant', async () => {
    const key = await newKey(member);
    await stepUp(other);
    const refused = await reveal(other.session, key.accessKeyId);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');

    await stepUp(admin);
    expect((await reveal(admin.session, key.accessKeyId)).body.secret).toBe(key.secret);

    const elsewhere = await h.bootstrap();
    expect((await reveal(elsewhere.admin, key.accessKeyId)).status).toBe(404);
  });

  it('never reveals to an access key, not even its own secret: 403 FORBIDDEN', async () => {
    const key = await newKey(member, { type: 'access' });
    const res = await reveal(bearer(key), key.accessKeyId);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.error.message).toContain('console session');
    expect(res.text).not.toContain(key.secret);
  });

  it('refuses a deleted key: 409 KEY_ALREADY_DELETED', async () => {
    const key = await newKey(member);
    await h.request({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/disable`, as: member.session });
    await h.request({ method: 'DELETE', url: `/v1/access-keys/${key.accessKeyId}`, as: member.session });
    const res = await reveal(member.session, key.accessKeyId);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('KEY_ALREADY_DELETED');
  });

  it('refuses when the policy keeps secrets shown once: 403 REVEAL_NOT_ALLOWED, even verified', async () => {
    const key = await newKey(member);
    await setPolicy(h, acme.admin, { secretReveal: 'never' });
    try {
      await stepUp(member);
      const res = await reveal(member.session, key.accessKeyId);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('REVEAL_NOT_ALLOWED');
      expect(res.body.error.message).toMatch(/shown once at creation/);
      expect(res.body.error.message).toMatch(/[Rr]otate/);
    } finally {
      await setPolicy(h, acme.admin, { secretReveal: 'after-step-up' });
    }
  });

  it('refuses malformed key IDs with 400 and a missing CSRF token with 403, revealing nothing', async () => {
    const key = await newKey(member);
    for (const id of ['nope', 'LK123', `lk${'a'.repeat(18)}`]) {
      const res = await reveal(member.session, id);
      expect(res.status, id).toBe(400);
      expect(res.body.error.code).toBe('MALFORMED_ID');
    }
    const res = await h.request({ method: 'POST', url: `/v1/access-keys/${key.accessKeyId}/reveal`, as: member.session, csrf: false });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_TOKEN_INVALID');
    expect(res.text).not.toContain(key.secret);
  });
});
