/** Storage contract: step-up state on the session row, TOTP credentials and the users search, on both databases. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, openTestStore, seedTenant, seedUser, type TestStore } from './support/databases.js';

const at = Date.UTC(2031, 0, 1);

describe.each(DATABASE_KINDS)('storage on %s: step-up and TOTP', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function session() {
    const tenant = await seedTenant(t.store);
    const user = await seedUser(t.store, tenant.id);
    const idHash = randomBytes(32).toString('hex');
    await t.store.sessions.insert({ idHash, userId: user.id, tenantId: tenant.id, createdAt: at, expiresAt: at + 3_600_000, lastSeenAt: at });
    return { tenant, user, idHash };
  }

  it('starts a session with no verification and no pending code', async () => {
    const { idHash } = await session();
    expect(await t.store.sessions.find(idHash)).toMatchObject({
      stepUpVerifiedAt: null,
      stepUpMethod: null,
      stepUpCodeDigest: null,
      stepUpCodeExpiresAt: null,
      stepUpCodeSentAt: null,
      stepUpCodeWrongTries: 0,
    });
  });

  it('stores a code only when none went out after the given time, replacing the old one and its tries', async () => {
    const { idHash } = await session();
    expect(await t.store.sessions.putStepUpCode(idHash, { digest: 'd1', expiresAt: at + 600_000, sentAt: at }, at - 30_000)).toBe(true);
    await t.store.sessions.countWrongCode(idHash, 'd1');
    expect(await t.store.sessions.putStepUpCode(idHash, { digest: 'd2', expiresAt: at + 610_000, sentAt: at + 10_000 }, at + 10_000 - 30_000)).toBe(false);
    expect(await t.store.sessions.find(idHash)).toMatchObject({ stepUpCodeDigest: 'd1', stepUpCodeWrongTries: 1, stepUpCodeSentAt: at });
    expect(await t.store.sessions.putStepUpCode(idHash, { digest: 'd3', expiresAt: at + 630_000, sentAt: at + 30_000 }, at)).toBe(true);
    expect(await t.store.sessions.find(idHash)).toMatchObject({ stepUpCodeDigest: 'd3', stepUpCodeExpiresAt: at + 630_000, stepUpCodeWrongTries: 0 });
  });

  it('lets only one of two simultaneous starts through', async () => {
    const { idHash } = await session();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((digest) => t.store.sessions.putStepUpCode(idHash, { digest, expiresAt: at + 600_000, sentAt: at }, at - 30_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('counts wrong tries against the code tried, not a newer one', async () => {
    const { idHash } = await session();
    await t.store.sessions.putStepUpCode(idHash, { digest: 'new', expiresAt: at + 600_000, sentAt: at }, at);
    await t.store.sessions.countWrongCode(idHash, 'old');
    await t.store.sessions.countWrongCode(idHash, 'new');
    await t.store.sessions.countWrongCode(idHash, 'new');
    expect((await t.store.sessions.find(idHash))?.stepUpCodeWrongTries).toBe(2);
  });

  it('verifies with an email code once, only while it has tries left, and clears it', async () => {
    const { idHash } = await session();
    await t.store.sessions.putStepUpCode(idHash, { digest: 'd', expiresAt: at + 600_000, sentAt: at }, at);
    for (let i = 0; i < 5; i++) await t.store.sessions.countWrongCode(idHash, 'd');
    expect(await t.store.sessions.markStepUpVerified(idHash, { method: 'email', at: at + 1, codeDigest: 'd', maxWrongTries: 5 })).toBe(false);
    await t.store.sessions.putStepUpCode(idHash, { digest: 'e', expiresAt: at + 700_000, sentAt: at + 40_000 }, at + 40_000);
    expect(await t.store.sessions.markStepUpVerified(idHash, { method: 'email', at: at + 50_000, codeDigest: 'e', maxWrongTries: 5 })).toBe(true);
    expect(await t.store.sessions.markStepUpVerified(idHash, { method: 'email', at: at + 50_001, codeDigest: 'e', maxWrongTries: 5 })).toBe(false);
    expect(await t.store.sessions.find(idHash)).toMatchObject({ stepUpVerifiedAt: at + 50_000, stepUpMethod: 'email', stepUpCodeDigest: null, stepUpCodeSentAt: at + 40_000 });
  });

  it('records a TOTP verification without a code row', async () => {
    const { idHash } = await session();
    expect(await t.store.sessions.markStepUpVerified(idHash, { method: 'totp', at })).toBe(true);
    expect(await t.store.sessions.find(idHash)).toMatchObject({ stepUpVerifiedAt: at, stepUpMethod: 'totp' });
  });

  it('keeps one pending enrollment per user, replaced by a new one until it is confirmed', async () => {
    const { tenant, user } = await session();
    expect(await t.store.totp.find(tenant.id, user.id)).toBeNull();
    expect(await t.store.totp.putPending({ userId: user.id, tenantId: tenant.id, secretEnvelope: 'env-1', createdAt: new Date(at) })).toBe(true);
    expect(await t.store.totp.putPending({ userId: user.id, tenantId: tenant.id, secretEnvelope: 'env-2', createdAt: new Date(at + 1) })).toBe(true);
    expect(await t.store.totp.find(tenant.id, user.id)).toEqual({
      userId: user.id,
      tenantId: tenant.id,
      secretEnvelope: 'env-2',
      confirmedAt: null,
      lastCounter: null,
      createdAt: new Date(at + 1),
    });
    expect(await t.store.totp.enabledAmong([user.id])).toEqual(new Set());
    // A pending enrollment is not enabled: its codes are not accepted for sign-in.
    expect(await t.store.totp.useCounter(user.id, 100)).toBe(false);
    expect(await t.store.totp.useCounter(user.id, 100, { confirmingAt: new Date(at + 2) })).toBe(true);
    expect(await t.store.totp.putPending({ userId: user.id, tenantId: tenant.id, secretEnvelope: 'env-3', createdAt: new Date(at + 3) })).toBe(false);
    expect(await t.store.totp.find(tenant.id, user.id)).toMatchObject({ secretEnvelope: 'env-2', confirmedAt: new Date(at + 2), lastCounter: 100 });
    expect(await t.store.totp.enabledAmong([user.id, 'usr_none'])).toEqual(new Set([user.id]));
  });

  it('accepts each time step once, and never an earlier one, even when asked at the same time', async () => {
    const { tenant, user } = await session();
    await t.store.totp.putPending({ userId: user.id, tenantId: tenant.id, secretEnvelope: 'env', createdAt: new Date(at) });
    await t.store.totp.useCounter(user.id, 10, { confirmingAt: new Date(at) });
    expect(await t.store.totp.useCounter(user.id, 10)).toBe(false);
    expect(await t.store.totp.useCounter(user.id, 9)).toBe(false);
    const race = await Promise.all([11, 11, 11].map((c) => t.store.totp.useCounter(user.id, c)));
    expect(race.filter(Boolean)).toHaveLength(1);
    expect((await t.store.totp.find(tenant.id, user.id))?.lastCounter).toBe(11);
  });

  it('removes an authenticator only within its tenant', async () => {
    const { tenant, user } = await session();
    const other = await seedTenant(t.store);
    await t.store.totp.putPending({ userId: user.id, tenantId: tenant.id, secretEnvelope: 'env', createdAt: new Date(at) });
    expect(await t.store.totp.delete(other.id, user.id)).toBe(false);
    expect(await t.store.totp.delete(tenant.id, user.id)).toBe(true);
    expect(await t.store.totp.delete(tenant.id, user.id)).toBe(false);
    expect(await t.store.totp.find(tenant.id, user.id)).toBeNull();
  });

  it('finds users by part of their email or name, ignoring case, taking % and _ literally', async () => {
    const tenant = await seedTenant(t.store);
    const zoe = await seedUser(t.store, tenant.id, { email: 'zoe.search@example.test', name: 'Zoë Search' });
    const yann = await seedUser(t.store, tenant.id, { email: 'yann_100%@example.test', name: 'Yann Other' });
    await seedUser(t.store, (await seedTenant(t.store)).id, { email: 'zoe@elsewhere.test', name: 'Zoe Elsewhere' });
    const find = async (q: string) => (await t.store.users.list(tenant.id, { cursor: null, limit: 10, q })).items.map((u) => u.id);
    expect(await find('ZOE')).toEqual([zoe.id]);
    expect(await find('search')).toEqual([zoe.id]);
    expect(await find('yann_')).toEqual([yann.id]);
    expect(await find('100%')).toEqual([yann.id]);
    expect(await find('_')).toEqual([yann.id]);
    expect(await find('%')).toEqual([yann.id]);
    expect((await find('example.test')).sort()).toEqual([yann.id, zoe.id].sort());
    expect(await find('nobody')).toEqual([]);
  });
});
