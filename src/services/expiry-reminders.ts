import type { Logger } from 'pino';
import { expiringRecipients, keyExpiring } from '../core/notifications.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { NotificationsService } from './notifications-service.js';

const DAY_MS = 86_400_000;
const PAGE = 100;
/** Tenant IDs per due-keys query (well inside every driver's limit on bound parameters). */
const TENANTS_PER_QUERY = 500;

/**
 * Expiry reminders (seed 001: "2 days before, by email to the tenant's admins and the key's
 * creator"; the owner too): every process runs this pass; the reminder marker, written in the
 * same transaction as the notifications and mails, makes each key and expiry date reminded once.
 */
export class ExpiryReminders {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly notifications: NotificationsService;

  constructor(options: { store: Store; clock: Clock; logger: Logger; notifications: NotificationsService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.notifications = options.notifications;
  }

  /**
   * Reminds of every key due now that no process reminded of yet; returns how many keys this
   * pass took. Tenants are read in one query and grouped by their reminder window, so a pass
   * costs one query per window and page of due keys, not one per tenant.
   */
  async run(): Promise<number> {
    const now = this.clock.now();
    const byWindow = new Map<number, string[]>();
    for (const tenant of await this.store.tenants.listAll()) {
      const days = tenant.policy.expiryReminderDays;
      if (tenant.status !== 'active' || days <= 0) continue;
      byWindow.set(days, [...(byWindow.get(days) ?? []), tenant.id]);
    }
    const admins = new Map<string, string[]>();
    let reminded = 0;
    let mailed = false;
    for (const [days, tenantIds] of byWindow) {
      const until = new Date(now.getTime() + days * DAY_MS);
      for (let start = 0; start < tenantIds.length; start += TENANTS_PER_QUERY) {
        const group = tenantIds.slice(start, start + TENANTS_PER_QUERY);
        for (;;) {
          const due = await this.store.expiryReminders.dueKeys(group, now, until, PAGE);
          for (const key of due) {
            let tenantAdmins = admins.get(key.tenantId);
            if (tenantAdmins === undefined) {
              tenantAdmins = await this.store.users.activeAdminIds(key.tenantId);
              admins.set(key.tenantId, tenantAdmins);
            }
            const recipients = expiringRecipients(tenantAdmins, key.creatorId, key.ownerId);
            const took = await this.store.transaction(async (tx) => {
              if (!(await tx.expiryReminders.claim({ accessKeyId: key.accessKeyId, tenantId: key.tenantId, expiresAt: key.expiresAt, now }))) return false;
              const owner = (await tx.users.findMany(key.tenantId, [key.ownerId]))[0];
              const content = keyExpiring({ ...key, owner: { name: owner?.name ?? key.ownerId, email: owner?.email ?? '' } }, now);
              mailed = (await this.notifications.notify(tx, key.tenantId, recipients, content, { mail: true })) || mailed;
              return true;
            });
            if (took) reminded++;
          }
          // A key another process claimed meanwhile drops out of the next page, so this ends.
          if (due.length < PAGE) break;
        }
      }
    }
    if (mailed) this.notifications.mailQueued();
    if (reminded > 0) this.logger.info({ keys: reminded }, 'expiry reminders written');
    return reminded;
  }
}
