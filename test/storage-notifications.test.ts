/** Storage contract: notifications, the mail outbox (guarded claims) and expiry reminder markers, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from '../src/core/cursor.js';
import type { Notification } from '../src/core/model.js';
import { generateId } from '../src/crypto/random.js';
import { DATABASE_KINDS, openTestStore, seedKey, seedTenant, seedUser, type TestStore } from './support/databases.js';

const DAY = 86_400_000;
const at = Date.UTC(2031, 0, 1);

describe.each(DATABASE_KINDS)('storage on %s: notifications, outbox, reminders', (kind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const notification = (tenantId: string, userId: string, createdAt: number, fields: Partial<Notification> = {}): Notification => ({
    id: generateId('notification'),
    tenantId,
    userId,
    kind: 'key.changed_by_admin',
    title: 'Title',
    body: 'Body',
    data: { accessKeyId: 'LKAAAAAAAAAAAAAAAAAA', roleIds: ['rol_a'] },
    createdAt: new Date(createdAt),
    readAt: null,
    ...fields,
  });

  describe('notifications', () => {
    it('lists a user’s own, newest first, page by page, with the unread count', async () => {
      const tenant = await seedTenant(t.store);
      const ann = await seedUser(t.store, tenant.id);
      const bob = await seedUser(t.store, tenant.id);
      const mine = [0, 1, 2, 3, 4].map((i) => notification(tenant.id, ann.id, at + i * 1000));
      await t.store.notifications.insertMany([...mine, notification(tenant.id, bob.id, at + 9000)]);
      const first = await t.store.notifications.list(tenant.id, ann.id, { unreadOnly: false, cursor: null, limit: 3 });
      expect(first.items.map((n) => n.id)).toEqual([mine[4]!.id, mine[3]!.id, mine[2]!.id]);
      expect(first.items[0]).toEqual(mine[4]);
      expect(first.nextCursor).not.toBeNull();
      const second = await t.store.notifications.list(tenant.id, ann.id, { unreadOnly: false, cursor: decodeCursor(first.nextCursor!), limit: 3 });
      expect(second.items.map((n) => n.id)).toEqual([mine[1]!.id, mine[0]!.id]);
      expect(second.nextCursor).toBeNull();
      expect(await t.store.notifications.unreadCount(tenant.id, ann.id)).toBe(5);
      expect(await t.store.notifications.unreadCount(tenant.id, bob.id)).toBe(1);
    });

    it('marks one read once (the first read time stays), only for its user; and all at once', async () => {
      const tenant = await seedTenant(t.store);
      const ann = await seedUser(t.store, tenant.id);
      const bob = await seedUser(t.store, tenant.id);
      const [a, b, c] = [1, 2, 3].map((i) => notification(tenant.id, ann.id, at + i));
      await t.store.notifications.insertMany([a!, b!, c!]);
      expect(await t.store.notifications.markRead(tenant.id, bob.id, a!.id, new Date(at + 10))).toBeNull();
      expect(await t.store.notifications.markRead((await seedTenant(t.store)).id, ann.id, a!.id, new Date(at + 10))).toBeNull();
      expect((await t.store.notifications.markRead(tenant.id, ann.id, a!.id, new Date(at + 10)))?.readAt).toEqual(new Date(at + 10));
      expect((await t.store.notifications.markRead(tenant.id, ann.id, a!.id, new Date(at + 20)))?.readAt).toEqual(new Date(at + 10));
      const unread = await t.store.notifications.list(tenant.id, ann.id, { unreadOnly: true, cursor: null, limit: 10 });
      expect(unread.items.map((n) => n.id)).toEqual([c!.id, b!.id]);
      expect(await t.store.notifications.markAllRead(tenant.id, ann.id, new Date(at + 30))).toBe(2);
      expect(await t.store.notifications.markAllRead(tenant.id, ann.id, new Date(at + 40))).toBe(0);
      expect(await t.store.notifications.unreadCount(tenant.id, ann.id)).toBe(0);
    });

    it('writes nothing when the transaction they are part of rolls back', async () => {
      const tenant = await seedTenant(t.store);
      const ann = await seedUser(t.store, tenant.id);
      await expect(
        t.store.transaction(async (tx) => {
          await tx.notifications.insertMany([notification(tenant.id, ann.id, at)]);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await t.store.notifications.unreadCount(tenant.id, ann.id)).toBe(0);
    });
  });

  describe('mail outbox', () => {
    const enqueue = async (tenantId: string, now: number, discardAfter: number | null = null) => {
      const id = generateId('mail');
      await t.store.outbox.enqueue([
        {
          id,
          tenantId,
          purpose: 'test',
          toAddress: 'a@example.test',
          subject: 'S',
          bodyEnvelope: 'sealed',
          now: new Date(now),
          discardAfter: discardAfter === null ? null : new Date(discardAfter),
        },
      ]);
      return id;
    };

    it('gives a due mail to exactly one of several claimers', async () => {
      const tenant = await seedTenant(t.store);
      const id = await enqueue(tenant.id, at);
      expect(await t.store.outbox.dueIds(new Date(at), 100)).toContain(id);
      const claims = await Promise.all(['t1', 't2', 't3', 't4'].map((token) => t.store.outbox.claim(id, token, new Date(at), 60_000)));
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ id, status: 'sending', attempts: 1, bodyEnvelope: 'sealed', toAddress: 'a@example.test' });
      expect(await t.store.outbox.dueIds(new Date(at + 59_000), 100)).not.toContain(id);
    });

    it('hands a mail whose claim lapsed to another sender, and ignores the first sender’s late finish', async () => {
      const tenant = await seedTenant(t.store);
      const id = await enqueue(tenant.id, at);
      expect(await t.store.outbox.claim(id, 'first', new Date(at), 60_000)).not.toBeNull();
      expect(await t.store.outbox.dueIds(new Date(at + 61_000), 100)).toContain(id);
      expect(await t.store.outbox.claim(id, 'second', new Date(at + 61_000), 60_000)).toMatchObject({ attempts: 2 });
      await t.store.outbox.markSent(id, 'first', new Date(at + 62_000));
      expect((await t.store.outbox.find(id))?.status).toBe('sending');
      await t.store.outbox.markSent(id, 'second', new Date(at + 63_000));
      expect(await t.store.outbox.find(id)).toMatchObject({ status: 'sent', bodyEnvelope: null, finishedAt: new Date(at + 63_000) });
      expect(await t.store.outbox.claim(id, 'third', new Date(at + DAY), 60_000)).toBeNull();
    });

    it('puts a failed try back for later, and forgets the body of a mail given up', async () => {
      const tenant = await seedTenant(t.store);
      const id = await enqueue(tenant.id, at);
      await t.store.outbox.claim(id, 'a', new Date(at), 60_000);
      await t.store.outbox.retryLater(id, 'a', new Date(at + 30_000), 'ECONNREFUSED');
      expect(await t.store.outbox.find(id)).toMatchObject({ status: 'pending', nextAttemptAt: new Date(at + 30_000), lastError: 'ECONNREFUSED', bodyEnvelope: 'sealed' });
      expect(await t.store.outbox.dueIds(new Date(at + 29_999), 100)).not.toContain(id);
      expect(await t.store.outbox.claim(id, 'b', new Date(at + 30_000), 60_000)).toMatchObject({ attempts: 2 });
      await t.store.outbox.markFailed(id, 'b', new Date(at + 31_000), 'gave up after 2 tries');
      expect(await t.store.outbox.find(id)).toMatchObject({ status: 'failed', bodyEnvelope: null, lastError: 'gave up after 2 tries' });
      expect(await t.store.outbox.purgeFinishedBefore(new Date(at + 31_001))).toBeGreaterThanOrEqual(1);
      expect(await t.store.outbox.find(id)).toBeNull();
    });
  });

  describe('expiry reminders', () => {
    it('finds enabled keys expiring inside the window with no reminder for their current expiry', async () => {
      const tenant = await seedTenant(t.store);
      const owner = await seedUser(t.store, tenant.id);
      const soon = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, expiresAt: new Date(at + DAY) });
      await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, expiresAt: new Date(at + 5 * DAY) });
      await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, expiresAt: new Date(at - 1) });
      await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, expiresAt: null });
      await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, expiresAt: new Date(at + DAY), state: 'disabled' });
      const due = await t.store.expiryReminders.dueKeys([tenant.id], new Date(at), new Date(at + 2 * DAY), 100);
      expect(due).toEqual([{ accessKeyId: soon.key.accessKeyId, tenantId: tenant.id, name: soon.key.name, ownerId: owner.id, creatorId: owner.id, expiresAt: new Date(at + DAY) }]);
      expect(await t.store.expiryReminders.dueKeys([(await seedTenant(t.store)).id], new Date(at), new Date(at + 2 * DAY), 100)).toEqual([]);
    });

    it('answers for several tenants in one query, each key once, and nothing of a tenant not asked for', async () => {
      const [a, b, c] = [await seedTenant(t.store), await seedTenant(t.store), await seedTenant(t.store)];
      const keys = [];
      for (const tenant of [a, b, c]) {
        const owner = await seedUser(t.store, tenant.id);
        keys.push(await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, expiresAt: new Date(at + DAY) }));
      }
      const due = await t.store.expiryReminders.dueKeys([a.id, b.id], new Date(at), new Date(at + 2 * DAY), 100);
      expect(due.map((k) => [k.tenantId, k.accessKeyId]).sort()).toEqual(
        [
          [a.id, keys[0]!.key.accessKeyId],
          [b.id, keys[1]!.key.accessKeyId],
        ].sort(),
      );
      expect(await t.store.expiryReminders.dueKeys([], new Date(at), new Date(at + 2 * DAY), 100)).toEqual([]);
    });

    it('lets one claim per key and expiry win; a new expiry date is due again', async () => {
      const tenant = await seedTenant(t.store);
      const owner = await seedUser(t.store, tenant.id);
      const key = await seedKey(t.store, { tenantId: tenant.id, ownerId: owner.id, expiresAt: new Date(at + DAY) });
      const row = { accessKeyId: key.key.accessKeyId, tenantId: tenant.id, expiresAt: new Date(at + DAY), now: new Date(at) };
      const claims = await Promise.all([1, 2, 3].map(() => t.store.expiryReminders.claim(row)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await t.store.expiryReminders.dueKeys([tenant.id], new Date(at), new Date(at + 2 * DAY), 100)).toEqual([]);
      await t.store.transaction((tx) => tx.accessKeys.update(tenant.id, key.key.accessKeyId, 'enabled', { expiresAt: new Date(at + DAY + 3_600_000) }, new Date(at)));
      expect((await t.store.expiryReminders.dueKeys([tenant.id], new Date(at), new Date(at + 2 * DAY), 100)).map((k) => k.accessKeyId)).toEqual([key.key.accessKeyId]);
      expect(await t.store.expiryReminders.claim({ ...row, expiresAt: new Date(at + DAY + 3_600_000) })).toBe(true);
      expect(await t.store.expiryReminders.purgeExpiredBefore(new Date(at + DAY + 1))).toBe(1);
    });
  });
});
