/**
 * HTTP: authenticator recovery codes (issue 10, item 3c). Setup answers 10 codes once; each
 * signs in once instead of an app code; new ones take a current app code and retire the old;
 * turning the app off or an admin reset removes them. They are in no log, list or audit event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { bearer, openHttp, PASSWORD, readAllPages, totpAt, type CreatedUser, type Harness, type Session, type Tenant } from './support/http.js';

const STEP = 30_000;

describe.each(DATABASE_KINDS)('HTTP recovery codes (%s)', (kind) => {
  let h: Harness;
  let acme: Tenant;
  beforeAll(async () => {
    h = await openHttp(kind);
    acme = await h.bootstrap();
  });
  afterAll(async () => {
    await h?.close();
  });

  const signIn = (email: string, second: { totp?: string; recoveryCode?: string }) =>
    h.request({ method: 'POST', url: '/v1/auth/login', body: { tenant: acme.slug, email, password: PASSWORD, ...second } });
  const remaining = async (as: Session) => (await h.request({ method: 'GET', url: '/v1/me/totp/recovery-codes', as })).body.remaining as number;
  /** Sets up and confirms an authenticator; the clock then moves a step so the next code is fresh. */
  const enrolled = async (who: CreatedUser): Promise<{ secret: string; codes: string[] }> => {
    const started = await h.request({ method: 'POST', url: '/v1/me/totp', as: who.session });
    expect(started.headers['cache-control']).toBe('no-store');
    expect((await h.request({ method: 'POST', url: '/v1/me/totp/confirm', as: who.session, body: { code: totpAt(started.body.secret, h.clock) } })).status).toBe(204);
    h.clock.advance(STEP);
    return { secret: started.body.secret, codes: started.body.recoveryCodes };
  };

  it('setup answers 10 codes; each signs in once instead of an app code, whatever its case and dashes', async () => {
    const who = await h.createUser(acme.admin);
    const { codes } = await enrolled(who);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    expect(await remaining(who.session)).toBe(10);

    expect((await signIn(who.email, {})).body.error.code).toBe('TOTP_REQUIRED');
    const typed = codes[0]!.toUpperCase().replace('-', ' ');
    const first = await signIn(who.email, { recoveryCode: typed });
    expect(first.status).toBe(200);
    expect(await remaining(who.session)).toBe(9);

    // Used: refused like a wrong code, from any case.
    const reused = await signIn(who.email, { recoveryCode: codes[0]! });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await signIn(who.email, { recoveryCode: 'not-a-code' })).body.error.code).toBe('INVALID_CREDENTIALS');
    // Another user's code is not this user's.
    const other = await h.createUser(acme.admin);
    const theirs = await enrolled(other);
    expect((await signIn(who.email, { recoveryCode: theirs.codes[0]! })).body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await signIn(who.email, { recoveryCode: codes[1]!, totp: '123456' })).body.error.code).toBe('VALIDATION_FAILED');

    const events = (await readAllPages(h, acme.admin, `/v1/audit-events?targetId=${who.id}`, 100)).items;
    expect(events.find((e: { action: string }) => e.action === 'user.totp.recovery_code_used')).toMatchObject({ result: 'success', details: { remaining: 9 } });
    expect(events.filter((e: { details?: { reason?: string } }) => e.details?.reason === 'WRONG_RECOVERY_CODE').length).toBeGreaterThanOrEqual(2);
    for (const code of [...codes, ...theirs.codes]) {
      expect(JSON.stringify(events)).not.toContain(code);
      expect(h.logText()).not.toContain(code);
    }
  });

  it('makes new codes only with a current app code; the old ones stop', async () => {
    const who = await h.createUser(acme.admin);
    const { secret, codes } = await enrolled(who);
    const regenerate = (code: string, as: Session | ReturnType<typeof bearer> = who.session) => h.request({ method: 'POST', url: '/v1/me/totp/recovery-codes', as, body: { code } });
    const right = totpAt(secret, h.clock);
    const wrongOne = right === '000000' ? '000001' : '000000';
    expect((await regenerate(wrongOne)).body.error.code).toBe('TOTP_CODE_INVALID');
    expect((await h.request({ method: 'POST', url: '/v1/me/totp/recovery-codes', as: who.session, body: {} })).body.error.code).toBe('VALIDATION_FAILED');
    const key = await h.createKey(acme.admin, { type: 'access' });
    expect((await regenerate(right, bearer(key))).status).toBe(403);
    expect(await remaining(who.session)).toBe(10);

    const fresh = await regenerate(right);
    expect(fresh.status).toBe(200);
    expect(fresh.headers['cache-control']).toBe('no-store');
    const newCodes = fresh.body.recoveryCodes as string[];
    expect(newCodes).toHaveLength(10);
    expect(newCodes.some((c) => codes.includes(c))).toBe(false);
    expect((await signIn(who.email, { recoveryCode: codes[2]! })).body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await signIn(who.email, { recoveryCode: newCodes[2]! })).status).toBe(200);
  });

  it('has no codes without an authenticator; turning it off or an admin reset removes them', async () => {
    const who = await h.createUser(acme.admin);
    expect(await remaining(who.session)).toBe(0);
    expect((await h.request({ method: 'POST', url: '/v1/me/totp/recovery-codes', as: who.session, body: { code: '123456' } })).body.error.code).toBe('TOTP_NOT_ENROLLED');

    const { codes } = await enrolled(who);
    expect((await h.request({ method: 'DELETE', url: `/v1/users/${who.id}/totp`, as: acme.admin })).status).toBe(204);
    // Signed in again with the password alone; the old codes count for nothing, now or after a new setup.
    const again = await h.login(acme.slug, who.email);
    expect(await remaining(again)).toBe(0);
    const second = await enrolled({ ...who, session: again });
    expect(await remaining(again)).toBe(10);
    expect((await signIn(who.email, { recoveryCode: codes[0]! })).body.error.code).toBe('INVALID_CREDENTIALS');
    const code = totpAt(second.secret, h.clock);
    expect((await h.request({ method: 'DELETE', url: '/v1/me/totp', as: again, body: { code } })).status).toBe(204);
    expect(await remaining(again)).toBe(0);
    expect((await signIn(who.email, { recoveryCode: second.codes[0]! })).status).toBe(200);
  });
});
