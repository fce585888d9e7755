import { AppError } from '../core/errors.js';
import type { Notification, Page, User } from '../core/model.js';
import { keyConsolePath, notificationMail, type NotificationContent } from '../core/notifications.js';
import { generateId } from '../crypto/random.js';
import type { Store, Tx } from '../store/store.js';
import { requireKeyScope, type Actor, type Clock } from './actor.js';
import type { MailOutbox } from './mail-outbox.js';
import { parseCursor } from './paging.js';

export interface NotificationPage extends Page<Notification> {
  unreadCount: number;
}

/**
 * The bell: notifications are written by the services whose changes cause them, inside the
 * same transaction (and, for kinds that are also mailed, their mails too); users read and
 * mark only their own.
 */
export class NotificationsService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly mail: MailOutbox;
  private readonly publicUrl: string;

  constructor(options: { store: Store; clock: Clock; mail: MailOutbox; publicUrl: string }) {
    this.store = options.store;
    this.clock = options.clock;
    this.mail = options.mail;
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
  }

  /**
   * Tells each recipient (active users of the tenant only; the acting user never needs telling)
   * in `tx`. With `mail`, each also gets it by email, linked to where they manage the key.
   * Returns whether any mail was queued (call `mailQueued()` once the transaction committed).
   */
  async notify(tx: Tx, tenantId: string, recipientIds: string[], content: NotificationContent, options: { mail?: boolean; skip?: string } = {}): Promise<boolean> {
    const ids = [...new Set(recipientIds)].filter((id) => id !== options.skip);
    if (ids.length === 0) return false;
    const users = (await tx.users.findMany(tenantId, ids)).filter((u) => u.status === 'active');
    const now = this.clock.now();
    await tx.notifications.insertMany(
      users.map((u) => ({
        id: generateId('notification'),
        tenantId,
        userId: u.id,
        kind: content.kind,
        title: content.title,
        body: content.body,
        data: content.data,
        createdAt: now,
        readAt: null,
      })),
    );
    if (!options.mail || !this.mail.configured) return false;
    await this.mail.enqueue(
      tx,
      users.map((u) => ({ tenantId, to: u.email, purpose: `notification:${content.kind}`, ...notificationMail(content, this.linkFor(content, u)) })),
    );
    return users.length > 0;
  }

  mailQueued(): void {
    this.mail.sendSoon();
  }

  async list(actor: Actor, query: { unread?: boolean; cursor?: string; limit: number }): Promise<NotificationPage> {
    requireKeyScope(actor, 'latchkey:notifications:read');
    const page = await this.store.notifications.list(actor.tenantId, actor.user.id, { unreadOnly: query.unread === true, cursor: parseCursor(query.cursor), limit: query.limit });
    return { ...page, unreadCount: await this.unreadCount(actor) };
  }

  async unreadCount(actor: Actor): Promise<number> {
    return this.store.notifications.unreadCount(actor.tenantId, actor.user.id);
  }

  /** Another user's notification is as unknown as one that does not exist: 404. */
  async markRead(actor: Actor, id: string): Promise<Notification> {
    requireKeyScope(actor, 'latchkey:notifications:write');
    const item = await this.store.notifications.markRead(actor.tenantId, actor.user.id, id, this.clock.now());
    if (!item) throw new AppError('NOT_FOUND', 'No such notification.');
    return item;
  }

  async markAllRead(actor: Actor): Promise<number> {
    requireKeyScope(actor, 'latchkey:notifications:write');
    return this.store.notifications.markAllRead(actor.tenantId, actor.user.id, this.clock.now());
  }

  private linkFor(content: NotificationContent, user: User): string {
    const keyId = content.data.accessKeyId;
    return typeof keyId === 'string' ? `${this.publicUrl}${keyConsolePath(keyId, user.role)}` : `${this.publicUrl}/notifications`;
  }
}
