import type { Logger } from 'pino';
import { ALERT_EVERY_MS, type UnderAttack } from '../core/guess-throttle.js';
import type { AccessKey } from '../core/model.js';
import { keyUnderAttack, underAttackRecipients } from '../core/notifications.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';
import type { AuditService } from './audit-service.js';
import type { NotificationsService } from './notifications-service.js';

/** What an alert names of the attacked key (a cached key or a stored one). */
export type AttackedKey = Pick<AccessKey, 'accessKeyId' | 'tenantId' | 'ownerId'>;

export const UNDER_ATTACK_ACTION = 'key.under_attack';

/**
 * key.under_attack: one audit event (actor: system) and one notification, bell and mail, to the
 * key's owner and the tenant's admins, at most once per key per hour across every process. The
 * guard raises it from memory; the write then looks for the last hour's event in the audit log
 * inside a transaction that first locks the tenant's admins (SQLite: the write lock), so two
 * processes raising it at once take turns and the second finds the first's event.
 *
 * Raised off the hot path: the verification that crossed the threshold has already answered.
 */
export class UnderAttackAlerts {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly audit: AuditService;
  private readonly notifications: NotificationsService;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: { store: Store; clock: Clock; logger: Logger; audit: AuditService; notifications: NotificationsService }) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.audit = options.audit;
    this.notifications = options.notifications;
  }

  /** Writes the alert in the background; `onFailure` runs when it could not be written. */
  raise(key: AttackedKey, attack: UnderAttack, onFailure: () => void): void {
    const writing = this.write(key, attack)
      .catch((error: unknown) => {
        this.logger.warn({ err: error, accessKeyId: key.accessKeyId }, 'could not raise key.under_attack; will try again on the next failures');
        onFailure();
      })
      .finally(() => this.inFlight.delete(writing));
    this.inFlight.add(writing);
  }

  /** Resolves once every alert raised so far is written (or given up). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async write(key: AttackedKey, attack: UnderAttack): Promise<void> {
    const now = this.clock.now();
    const details = {
      failures: attack.failures,
      windowSeconds: Math.round(attack.windowMs / 1000),
      topSourceIp: attack.topSourceIp,
      topSourceFailures: attack.topSourceFailures,
    };
    const mailed = await this.store.transaction(async (tx) => {
      await tx.users.lockActiveAdmins(key.tenantId);
      const since = new Date(now.getTime() - ALERT_EVERY_MS);
      const recent = await tx.audit.list({ tenantId: key.tenantId, action: UNDER_ATTACK_ACTION, targetId: key.accessKeyId, from: since, cursor: null, limit: 1 });
      if (recent.items.length > 0) return null;
      // The cache holds no key names: the notification reads it (a key deleted meanwhile needs no alert).
      const stored = await tx.accessKeys.find(key.tenantId, key.accessKeyId);
      if (!stored) return null;
      await this.audit.recordBySystem(key.tenantId, { action: UNDER_ATTACK_ACTION, targetType: 'access_key', targetId: key.accessKeyId, details }, tx);
      const recipients = underAttackRecipients(await tx.users.activeAdminIds(key.tenantId), key.ownerId);
      return this.notifications.notify(tx, key.tenantId, recipients, keyUnderAttack({ accessKeyId: key.accessKeyId, name: stored.key.name }, attack), { mail: true });
    });
    if (mailed === null) return;
    if (mailed) this.notifications.mailQueued();
    this.logger.warn({ accessKeyId: key.accessKeyId, tenantId: key.tenantId, ...details }, 'access key under attack');
  }
}
