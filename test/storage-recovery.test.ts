/** Storage contract: password reset links and recovery codes, each spent once even when raced, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto/digest.js';
import { createLogger } from '../src/logger.js';
import { purgeExpired } from '../src/services/maintenance.js';
import { DATABASE_KINDS, openTestStore, seedTenant, seedUser, type TestStore } from './support/databases.js';

const at = new Date(Date.UTC(2031, 0, 1));
const later = (ms: number) => new Date(at.getTime() + ms);
const HALF_HOUR = 30 * 60_000;

describe.each(DATABASE_KINDS)('storage on %s: password reset links and recovery codes', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('spends a link once, however many requests race for it, and never after its time', async () => {
    const tenant = await seedTenant(t.store);
    const user = await seedUser(t.store, tenant.id);
    const raced = sha256Hex('raced link');
    const lapsed = sha256Hex('lapsed link');
    for (const tokenDigest of [raced, lapsed]) await t.store.passwordResets.insert({ tokenDigest, tenantId: tenant.id, userId: user.id, createdAt: at, expiresAt: later(HALF_HOUR) });
    expect(await t.store.passwordResets.latestFor(user.id)).toEqual(at);

    const results = await Promise.all(Array.from({ length: 8 }, () => t.store.transaction((tx) => tx.passwordResets.spend(raced, later(1000)))));
    expect(results.filter((r) => r !== null)).toEqual([{ tenantId: tenant.id, userId: user.id }]);
    expect(await t.store.passwordResets.usable(raced, later(2000))).toBe(false);

    expect(await t.store.passwordResets.usable(lapsed, later(HALF_HOUR - 1))).toBe(true);
    expect(await t.store.passwordResets.usable(lapsed, later(HALF_HOUR))).toBe(false);
    expect(await t.store.passwordResets.spend(lapsed, later(HALF_HOUR))).toBeNull();
    expect(await t.store.passwordResets.spend(sha256Hex('never issued'), at)).toBeNull();

    // Housekeeping drops lapsed links (used or not).
    const purged = await purgeExpired(t.store, { now: () => later(HALF_HOUR) }, createLogger('silent'));
    expect(purged.passwordResets).toBeGreaterThanOrEqual(2);
    expect(await t.store.passwordResets.latestFor(user.id)).toBeNull();
  });

  it('spends a recovery code once under a race, counts what is left, and replaces or drops them all', async () => {
    const tenant = await seedTenant(t.store);
    const user = await seedUser(t.store, tenant.id);
    const digests = Array.from({ length: 10 }, (_, i) => sha256Hex(`code ${i}`));
    await t.store.transaction((tx) => tx.recoveryCodes.replace(user.id, digests, at));
    expect(await t.store.recoveryCodes.remaining(user.id)).toBe(10);

    const results = await Promise.all(Array.from({ length: 8 }, () => t.store.recoveryCodes.spend(user.id, digests[0]!, later(1000))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await t.store.recoveryCodes.remaining(user.id)).toBe(9);
    // Another user's digest is not this user's.
    const other = await seedUser(t.store, tenant.id);
    expect(await t.store.recoveryCodes.spend(other.id, digests[1]!, at)).toBe(false);

    await t.store.transaction((tx) => tx.recoveryCodes.replace(user.id, [sha256Hex('fresh')], later(2000)));
    expect(await t.store.recoveryCodes.remaining(user.id)).toBe(1);
    expect(await t.store.recoveryCodes.spend(user.id, digests[1]!, later(3000))).toBe(false);
    await t.store.recoveryCodes.deleteFor(user.id);
    expect(await t.store.recoveryCodes.remaining(user.id)).toBe(0);
  });
});
