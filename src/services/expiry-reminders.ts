import type { Logger } from 'pino';
import type { Tenant } from '../core/model.js';
import { expiringRecipients, keyExpiring, type NotificationContent } from '../core/notifications.js';
import type { TenantPolicy } from '../core/policy.js';
import type { Store, Tx } from '../store/store.js';
import type { Clock } from './actor.js';
import type { NotificationsService } from './notifications-service.js';

const DAY_MS = 86_400_000;
export const PAGE = 100;
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
    const tenants = await this.store.tenants.listAll();
    const pass = new KeyReminderPass(this.store, this.notifications);
    let reminded = 0;
    for (const [days, tenantIds] of tenantsByWindow(tenants, (policy) => (policy.expiryReminderDays > 0 ? policy.expiryReminderDays : null))) {
      const until = new Date(now.getTime() + days * DAY_MS);
      reminded += await eachDuePage(
        tenantIds,
        (group) => this.store.expiryReminders.dueKeys(group, now, until, PAGE),
        async (key) =>
          pass.remind(
            key,
            (tx) => tx.expiryReminders.claim({ accessKeyId: key.accessKeyId, tenantId: key.tenantId, expiresAt: key.expiresAt, now }),
            (owner) => keyExpiring({ ...key, owner }, now),
          ),
      );
    }
    pass.finish();
    if (reminded > 0) this.logger.info({ keys: reminded }, 'expiry reminders written');
    return reminded;
  }
}

/** Active tenants grouped by the window (days) a rule of their policy gives; null: the rule is off for that tenant. */
export function tenantsByWindow(tenants: readonly Tenant[], windowOf: (policy: TenantPolicy) => number | null): Map<number, string[]> {
  const byWindow = new Map<number, string[]>();
  for (const tenant of tenants) {
    const days = windowOf(tenant.policy);
    if (tenant.status !== 'active' || days === null) continue;
    byWindow.set(days, [...(byWindow.get(days) ?? []), tenant.id]);
  }
  return byWindow;
}

/**
 * Walks pages of due keys for tenants in groups of TENANTS_PER_QUERY, handing each key to `take`;
 * answers how many `take` took. A key another process took meanwhile drops out of the next page
 * (the query leaves taken keys out), so this ends.
 */
export async function eachDuePage<K>(tenantIds: readonly string[], page: (group: readonly string[]) => Promise<K[]>, take: (key: K) => Promise<boolean>): Promise<number> {
  let taken = 0;
  for (let start = 0; start < tenantIds.length; start += TENANTS_PER_QUERY) {
    const group = tenantIds.slice(start, start + TENANTS_PER_QUERY);
    for (;;) {
      const due = await page(group);
      for (const key of due) if (await take(key)) taken++;
      if (due.length < PAGE) break;
    }
  }
  return taken;
}

/**
 * One pass of reminders about keys: each goes to the tenant's active admins, the key's creator
 * and its owner (admins read once per tenant and pass), by bell and mail, written in the
 * transaction that claims the reminder, so it exists exactly once whichever process claims it.
 */
export class KeyReminderPass {
  private readonly admins = new Map<string, string[]>();
  private mailed = false;

  constructor(
    private readonly store: Store,
    private readonly notifications: NotificationsService,
  ) {}

  async remind(
    key: { tenantId: string; ownerId: string; creatorId: string },
    claim: (tx: Tx) => Promise<boolean>,
    content: (owner: { name: string; email: string }) => NotificationContent,
  ): Promise<boolean> {
    let tenantAdmins = this.admins.get(key.tenantId);
    if (tenantAdmins === undefined) {
      tenantAdmins = await this.store.users.activeAdminIds(key.tenantId);
      this.admins.set(key.tenantId, tenantAdmins);
    }
    const recipients = expiringRecipients(tenantAdmins, key.creatorId, key.ownerId);
    return this.store.transaction(async (tx) => {
      if (!(await claim(tx))) return false;
      const owner = (await tx.users.findMany(key.tenantId, [key.ownerId]))[0];
      const sent = await this.notifications.notify(tx, key.tenantId, recipients, content({ name: owner?.name ?? key.ownerId, email: owner?.email ?? '' }), { mail: true });
      this.mailed = sent || this.mailed;
      return true;
    });
  }

  /** Wakes the mail sender once for the whole pass. */
  finish(): void {
    if (this.mailed) this.notifications.mailQueued();
  }
}
