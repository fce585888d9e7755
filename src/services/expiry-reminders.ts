import type { Logger } from 'pino';
import { expiringRecipients, keyExpiring } from '../core/notifications.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { NotificationsService } from './notifications-service.js';

const DAY_MS = 86_400_000;
const PAGE = 100;

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

  /** Reminds of every key due now that no process reminded of yet; returns how many keys this pass took. */
  async run(): Promise<number> {
    const now = this.clock.now();
    let reminded = 0;
    let mailed = false;
    for (const tenantId of await this.store.tenants.listIds()) {
      const tenant = await this.store.tenants.findById(tenantId);
      if (!tenant || tenant.status !== 'active' || tenant.policy.expiryReminderDays <= 0) continue;
      const until = new Date(now.getTime() + tenant.policy.expiryReminderDays * DAY_MS);
      const admins = await this.store.users.activeAdminIds(tenantId);
      for (;;) {
        const due = await this.store.expiryReminders.dueKeys(tenantId, now, until, PAGE);
        for (const key of due) {
          const took = await this.store.db.transaction().execute(async (trx) => {
            if (!(await this.store.expiryReminders.claim({ accessKeyId: key.accessKeyId, tenantId, expiresAt: key.expiresAt, now }, trx))) return false;
            const owner = (await this.store.users.findMany(tenantId, [key.ownerId], trx))[0];
            const content = keyExpiring({ ...key, owner: { name: owner?.name ?? key.ownerId, email: owner?.email ?? '' } }, now);
            mailed = (await this.notifications.notify(trx, tenantId, expiringRecipients(admins, key.creatorId, key.ownerId), content, { mail: true })) || mailed;
            return true;
          });
          if (took) reminded++;
        }
        // A key another process claimed meanwhile drops out of the next page, so this ends.
        if (due.length < PAGE) break;
      }
    }
    if (mailed) this.notifications.mailQueued();
    if (reminded > 0) this.logger.info({ keys: reminded }, 'expiry reminders written');
    return reminded;
  }
}
