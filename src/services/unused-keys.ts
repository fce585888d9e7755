import type { Logger } from 'pino';
import { keyUnused } from '../core/notifications.js';
import { UNUSED_REMINDER_DAYS } from '../core/policy.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { AuditService } from './audit-service.js';
import { eachDuePage, KeyReminderPass, PAGE, tenantsByWindow } from './expiry-reminders.js';
import type { NotificationsService } from './notifications-service.js';

const DAY_MS = 86_400_000;
const REMINDER_MS = UNUSED_REMINDER_DAYS * DAY_MS;

/**
 * Unused keys (issue 13 item 5; Stripe limits keys unused 180 days, GitHub removes tokens unused
 * a year): for tenants whose policy sets `disableUnusedAfterDays`, an enabled key quiet that long
 * (no use since its last use, else its creation or re-enabling) is disabled, after a reminder by
 * bell and mail to the admins, its creator and owner 7 days before. A key is never disabled less
 * than 7 days after its reminder: switching the rule on warns first.
 *
 * Every process runs this pass. The reminder is claimed by a row per key and quiet period (one
 * process sends it); the disable is a guarded write (still enabled, still quiet since the same
 * moment), so one process disables and writes the audit event, and its change row tells every
 * process's key cache.
 */
export class UnusedKeys {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly audit: AuditService;
  private readonly notifications: NotificationsService;

  constructor(options: { store: Store; clock: Clock; logger: Logger; audit: AuditService; notifications: NotificationsService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.audit = options.audit;
    this.notifications = options.notifications;
  }

  /** Reminds of keys 7 days from their disable, then disables those due; answers how many of each this process did. */
  async run(): Promise<{ reminded: number; disabled: number }> {
    const now = this.clock.now();
    const windows = tenantsByWindow(await this.store.tenants.listAll(), (policy) => policy.disableUnusedAfterDays);
    const pass = new KeyReminderPass(this.store, this.notifications);
    let reminded = 0;
    let disabled = 0;
    for (const [days, tenantIds] of windows) {
      const remindQuietSince = new Date(now.getTime() - days * DAY_MS + REMINDER_MS);
      reminded += await eachDuePage(
        tenantIds,
        (group) => this.store.unusedKeys.dueReminders(group, remindQuietSince, PAGE),
        (key) => {
          // The disable is due `days` after the quiet period began, and never sooner than a week after this reminder.
          const disablesAt = new Date(Math.max(key.idleSince.getTime() + days * DAY_MS, now.getTime() + REMINDER_MS));
          return pass.remind(
            key,
            (tx) => tx.unusedKeys.claimReminder({ accessKeyId: key.accessKeyId, tenantId: key.tenantId, idleSince: key.idleSince, now }),
            (owner) => keyUnused({ ...key, disablesAt, owner }, now),
          );
        },
      );
      const quietSince = new Date(now.getTime() - days * DAY_MS);
      const remindedBefore = new Date(now.getTime() - REMINDER_MS);
      disabled += await eachDuePage(
        tenantIds,
        (group) => this.store.unusedKeys.dueDisables(group, quietSince, remindedBefore, PAGE),
        (key) =>
          this.store.transaction(async (tx) => {
            if (!(await tx.unusedKeys.disableIfStillUnused(key.tenantId, key.accessKeyId, key.idleSince, now))) return false;
            await this.audit.recordBySystem(
              key.tenantId,
              {
                action: 'access_key.disabled_unused',
                targetType: 'access_key',
                targetId: key.accessKeyId,
                details: { unusedSince: key.idleSince.toISOString(), disableUnusedAfterDays: days, ownerId: key.ownerId },
              },
              tx,
            );
            return true;
          }),
      );
    }
    pass.finish();
    if (reminded + disabled > 0) this.logger.info({ reminded, disabled }, 'unused keys: reminders written, keys disabled');
    return { reminded, disabled };
  }
}
