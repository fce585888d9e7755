/** Storage contract, part 2: users, sign-in lookups, admins, and listing users page by page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, type CursorPosition } from '../src/core/cursor.js';
import type { User } from '../src/core/model.js';
import { generateId } from '../src/crypto/random.js';
import { DATABASE_KINDS, openTestStore, seedTenant, seedUser, type TestStore } from './support/databases.js';

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe.each(DATABASE_KINDS)('storage on %s: users', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reads back every field of a user, only within its tenant', async () => {
    const tenant = await seedTenant(t.store);
    const other = await seedTenant(t.store);
    const user = await seedUser(t.store, tenant.id, {
      email: 'ada@example.test',
      name: 'Ada',
      role: 'admin',
      programmaticAccess: false,
      mustChangePassword: true,
      passwordHash: 'hash-1',
    });
    expect(await t.store.users.find(tenant.id, user.id)).toEqual(user);
    expect(await t.store.users.passwordHash(tenant.id, user.id)).toBe('hash-1');
    expect(await t.store.users.find(other.id, user.id)).toBeNull();
    expect(await t.store.users.passwordHash(other.id, user.id)).toBeNull();
    expect(await t.store.users.find(tenant.id, generateId('user'))).toBeNull();
  });

  it('finds a user for sign-in by email whatever its case, within the tenant only', async () => {
    const tenant = await seedTenant(t.store);
    const other = await seedTenant(t.store);
    const user = await seedUser(t.store, tenant.id, { email: 'grace.hopper@example.test', passwordHash: 'hash-g' });
    expect(await t.store.users.findByEmailWithHash(tenant.id, 'Grace.Hopper@EXAMPLE.test')).toEqual({ user, passwordHash: 'hash-g' });
    expect(await t.store.users.findByEmailWithHash(tenant.id, 'grace@example.test')).toBeNull();
    expect(await t.store.users.findByEmailWithHash(other.id, 'grace.hopper@example.test')).toBeNull();
  });

  it('refuses a second user with the same email in one tenant, as a unique violation', async () => {
    const tenant = await seedTenant(t.store);
    await seedUser(t.store, tenant.id, { email: 'dup@example.test' });
    const error = await failureOf(seedUser(t.store, tenant.id, { email: 'dup@example.test' }));
    expect(error).not.toBeNull();
    expect(t.store.dialect.isUniqueViolation(error)).toBe(true);
    // Another failure (a tenant that does not exist) is not mistaken for a duplicate.
    const fkError = await failureOf(seedUser(t.store, generateId('tenant'), { email: 'orphan@example.test' }));
    expect(fkError).not.toBeNull();
    expect(t.store.dialect.isUniqueViolation(fkError)).toBe(false);
  });

  it('allows the same email in another tenant', async () => {
    const a = await seedTenant(t.store);
    const b = await seedTenant(t.store);
    const inA = await seedUser(t.store, a.id, { email: 'shared@example.test' });
    const inB = await seedUser(t.store, b.id, { email: 'shared@example.test' });
    expect((await t.store.users.findByEmailWithHash(a.id, 'shared@example.test'))?.user.id).toBe(inA.id);
    expect((await t.store.users.findByEmailWithHash(b.id, 'shared@example.test'))?.user.id).toBe(inB.id);
  });

  it('applies a patch to the named fields only, and never across tenants', async () => {
    const tenant = await seedTenant(t.store);
    const other = await seedTenant(t.store);
    const user = await seedUser(t.store, tenant.id, { role: 'member', programmaticAccess: false, passwordHash: 'old' });
    const now = new Date(user.updatedAt.getTime() + 60_000);

    await t.store.transaction((tx) => tx.users.update(tenant.id, user.id, { role: 'admin', programmaticAccess: true, passwordHash: 'new', mustChangePassword: true }, now));
    const patched: User = { ...user, role: 'admin', programmaticAccess: true, mustChangePassword: true, updatedAt: now };
    expect(await t.store.users.find(tenant.id, user.id)).toEqual(patched);
    expect(await t.store.users.passwordHash(tenant.id, user.id)).toBe('new');

    await t.store.transaction((tx) => tx.users.update(tenant.id, user.id, { name: 'Renamed', status: 'disabled' }, now));
    expect(await t.store.users.find(tenant.id, user.id)).toEqual({ ...patched, name: 'Renamed', status: 'disabled' });

    await t.store.transaction((tx) => tx.users.update(other.id, user.id, { name: 'Hijacked', role: 'member' }, new Date(now.getTime() + 1)));
    expect(await t.store.users.find(tenant.id, user.id)).toEqual({ ...patched, name: 'Renamed', status: 'disabled' });
  });

  it('counts only the active admins of the tenant', async () => {
    const tenant = await seedTenant(t.store);
    const other = await seedTenant(t.store);
    const first = await seedUser(t.store, tenant.id, { role: 'admin' });
    await seedUser(t.store, tenant.id, { role: 'admin' });
    await seedUser(t.store, tenant.id, { role: 'admin', status: 'disabled' });
    await seedUser(t.store, tenant.id, { role: 'member' });
    await seedUser(t.store, other.id, { role: 'admin' });
    expect(await t.store.users.countActiveAdmins(tenant.id)).toBe(2);
    await t.store.transaction((tx) => tx.users.update(tenant.id, first.id, { status: 'disabled' }, new Date()));
    expect(await t.store.users.countActiveAdmins(tenant.id)).toBe(1);
    expect(await t.store.users.countActiveAdmins(other.id)).toBe(1);
  });

  it('lists every user exactly once across pages, newest first', async () => {
    const tenant = await seedTenant(t.store);
    const other = await seedTenant(t.store);
    await seedUser(t.store, other.id);
    const base = Date.UTC(2031, 5, 1);
    // Several users share a creation time, so the id must break ties without losing anyone.
    const users: User[] = [];
    for (let i = 0; i < 23; i++) users.push(await seedUser(t.store, tenant.id, { createdAt: new Date(base + Math.floor(i / 4) * 1000) }));
    const expected = [...users].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((u) => u.id);

    const seen: string[] = [];
    let cursor: CursorPosition | null = null;
    let pages = 0;
    for (;;) {
      const page = await t.store.users.list(tenant.id, { cursor, limit: 5 });
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((u) => u.id));
      if (page.nextCursor === null) break;
      cursor = decodeCursor(page.nextCursor);
      expect(cursor).not.toBeNull();
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(expected);
  });

  it('writes a sign-in failure count only over the state it was computed from: of racing writers exactly one wins', async () => {
    const subject = `${generateId('tenant')}:racer@example.test`;
    const first = { failures: 1, firstFailedAt: 1_000, lockedUntil: 0 };
    const fresh = await Promise.all([1, 2, 3].map(() => t.store.loginFailures.replace(subject, null, first)));
    expect(fresh.filter(Boolean)).toHaveLength(1);
    const second = { failures: 2, firstFailedAt: 1_000, lockedUntil: 0 };
    const next = await Promise.all([1, 2, 3].map(() => t.store.loginFailures.replace(subject, first, second)));
    expect(next.filter(Boolean)).toHaveLength(1);
    expect(await t.store.loginFailures.get(subject)).toEqual({ subject, ...second });
    // A writer that read before the last write loses, whatever it wanted to write.
    expect(await t.store.loginFailures.replace(subject, first, { failures: 9, firstFailedAt: 1_000, lockedUntil: 5_000 })).toBe(false);
    await t.store.loginFailures.clear(subject);
    expect(await t.store.loginFailures.get(subject)).toBeNull();
  });
});
