import { type Expression, type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { ChangeRecorder } from './changes-repo.js';

/** An enabled key in a quiet period: since `idleSince` nobody used it (or re-enabled it). */
export interface UnusedKey {
  accessKeyId: string;
  tenantId: string;
  name: string;
  ownerId: string;
  creatorId: string;
  idleSince: Date;
}

/**
 * The start of a key's quiet period, in SQL: its last use, else its creation, or its re-enabling
 * when that came later (CASE, not greatest()/max(): one spelling for both databases).
 */
const IDLE_SINCE = sql<number>`case when coalesce(k.enabled_at, 0) > coalesce(k.last_used_at, k.created_at) then k.enabled_at else coalesce(k.last_used_at, k.created_at) end`;

/** Keys unused for a tenant's `disableUnusedAfterDays`: the reminder a week before, then the disable. */
export class UnusedKeysRepo {
  constructor(private readonly options: { db: Kysely<Database>; changes: ChangeRecorder }) {}

  private get db(): Kysely<Database> {
    return this.options.db;
  }

  /** Enabled keys of these tenants quiet since `idleBefore` or earlier whose current quiet period has no reminder yet. */
  async dueReminders(tenantIds: readonly string[], idleBefore: Date, limit: number): Promise<UnusedKey[]> {
    if (tenantIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('accessKeys as k')
      .select(['k.id', 'k.tenantId', 'k.name', 'k.ownerId', 'k.creatorId', IDLE_SINCE.as('idleSince')])
      .where('k.tenantId', 'in', tenantIds)
      .where('k.state', '=', 'enabled')
      .where(IDLE_SINCE as Expression<number>, '<=', idleBefore.getTime())
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('unusedKeyReminders as r').select('r.accessKeyId').whereRef('r.accessKeyId', '=', 'k.id').where('r.idleSince', '=', IDLE_SINCE))),
      )
      .orderBy('k.id')
      .limit(limit)
      .execute();
    return rows.map(toUnusedKey);
  }

  /**
   * Enabled keys of these tenants quiet since `idleBefore` or earlier whose current quiet period
   * was reminded of at `remindedBefore` or earlier: a key is never disabled without its warning.
   */
  async dueDisables(tenantIds: readonly string[], idleBefore: Date, remindedBefore: Date, limit: number): Promise<UnusedKey[]> {
    if (tenantIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('accessKeys as k')
      .select(['k.id', 'k.tenantId', 'k.name', 'k.ownerId', 'k.creatorId', IDLE_SINCE.as('idleSince')])
      .where('k.tenantId', 'in', tenantIds)
      .where('k.state', '=', 'enabled')
      .where(IDLE_SINCE as Expression<number>, '<=', idleBefore.getTime())
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('unusedKeyReminders as r')
            .select('r.accessKeyId')
            .whereRef('r.accessKeyId', '=', 'k.id')
            .where('r.idleSince', '=', IDLE_SINCE)
            .where('r.remindedAt', '<=', remindedBefore.getTime()),
        ),
      )
      .orderBy('k.id')
      .limit(limit)
      .execute();
    return rows.map(toUnusedKey);
  }

  /**
   * Takes the reminder of this key's quiet period; false when another process already did.
   * Called in the transaction that writes the notifications and mails.
   */
  async claimReminder(row: { accessKeyId: string; tenantId: string; idleSince: Date; now: Date }): Promise<boolean> {
    const result = await this.db
      .insertInto('unusedKeyReminders')
      .values({ accessKeyId: row.accessKeyId, tenantId: row.tenantId, idleSince: row.idleSince.getTime(), remindedAt: row.now.getTime() })
      .onConflict((oc) => oc.columns(['accessKeyId', 'idleSince']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /**
   * Disables the key if it is still enabled and still quiet since `idleSince` (a guarded write:
   * of several processes, one disables; a use recorded meanwhile keeps the key). Records the
   * change, so every process's key cache drops it.
   */
  async disableIfStillUnused(tenantId: string, accessKeyId: string, idleSince: Date, now: Date): Promise<boolean> {
    await this.options.changes.record({ tenantId, accessKeyId });
    const result = await this.db
      .updateTable('accessKeys as k')
      .set({ state: 'disabled', updatedAt: now.getTime() })
      .where('k.tenantId', '=', tenantId)
      .where('k.id', '=', accessKeyId)
      .where('k.state', '=', 'enabled')
      .where(IDLE_SINCE as Expression<number>, '=', idleSince.getTime())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Reminders of quiet periods that ended (the key was used, re-enabled or disabled) before `at`. */
  async purgeRemindedBefore(at: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('unusedKeyReminders as r')
      .where('r.remindedAt', '<', at.getTime())
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('accessKeys as k')
              .select('k.id')
              .whereRef('k.id', '=', 'r.accessKeyId')
              .where('k.state', '=', 'enabled')
              .where(IDLE_SINCE as Expression<number>, '=', sql.ref<number>('r.idle_since')),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toUnusedKey(r: { id: string; tenantId: string; name: string; ownerId: string; creatorId: string; idleSince: number | string }): UnusedKey {
  return { accessKeyId: r.id, tenantId: r.tenantId, name: r.name, ownerId: r.ownerId, creatorId: r.creatorId, idleSince: new Date(Number(r.idleSince)) };
}
