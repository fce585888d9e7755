import type { Logger } from 'pino';
import { MINUTES_KEPT_MS } from '../core/usage.js';
import type { Store } from '../store/store.js';
import type { Clock } from './actor.js';

const DAY_MS = 86_400_000;
/** Change rows only need to outlive the slowest poll; an hour is ample. */
const CHANGES_KEPT_MS = 3_600_000;
/** Sent and given-up mails stay a week for operators to look into (their bodies are already gone). */
const FINISHED_MAIL_KEPT_MS = 7 * DAY_MS;

/**
 * Housekeeping: access records and hour counters past their tenant's retention (and records in
 * ring slots the policy no longer keeps), minute counters older than a day (rolled up into hours), ended sessions, old
 * change rows, finished mails, reminder markers of expiry dates that have passed and of unused
 * keys' quiet periods that ended, sign-in
 * failure counts a day old, and lapsed password reset links.
 */
export async function purgeExpired(
  store: Store,
  clock: Clock,
  logger: Logger,
): Promise<{
  accessRecords: number;
  usageRows: number;
  sessions: number;
  changes: number;
  mails: number;
  reminders: number;
  loginFailures: number;
  passwordResets: number;
}> {
  const now = clock.now();
  let accessRecords = 0;
  // Minute counts older than a day go into their hour rows (moved, not deleted: the hour view keeps them).
  let usageRows = await store.usage.rollUpMinutesBefore(now.getTime() - MINUTES_KEPT_MS);
  for (const tenant of await store.tenants.listAll()) {
    const cutoff = now.getTime() - tenant.policy.accessRecordRetentionDays * DAY_MS;
    accessRecords += await store.accessRecords.purge(tenant.id, new Date(cutoff), tenant.policy.accessRecordsPerKey);
    usageRows += await store.usage.purgeHoursBefore(tenant.id, cutoff);
  }
  const sessions = await store.sessions.purgeExpired(now.getTime());
  const changes = await store.changes.purgeBefore(new Date(now.getTime() - CHANGES_KEPT_MS));
  const mails = await store.outbox.purgeFinishedBefore(new Date(now.getTime() - FINISHED_MAIL_KEPT_MS));
  // A key past its expiry is never reminded again, so its marker has done its job.
  // Likewise an unused-key reminder of a quiet period that ended (the key was used, re-enabled or disabled).
  const reminders = (await store.expiryReminders.purgeExpiredBefore(new Date(now.getTime() - DAY_MS))) + (await store.unusedKeys.purgeRemindedBefore(new Date(now.getTime() - DAY_MS)));
  // Sign-in counts (one row per address, account and pair tried) outlive any window after a day.
  const loginFailures = await store.loginFailures.purgeStale(now.getTime() - DAY_MS, now.getTime());
  const passwordResets = await store.passwordResets.purgeLapsed(now);
  if (accessRecords + usageRows + sessions + mails + reminders + loginFailures + passwordResets > 0) {
    logger.info({ accessRecords, usageRows, sessions, changes, mails, reminders, loginFailures, passwordResets }, 'purged expired data');
  }
  return { accessRecords, usageRows, sessions, changes, mails, reminders, loginFailures, passwordResets };
}
