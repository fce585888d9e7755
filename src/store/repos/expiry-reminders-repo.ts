import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface ExpiringKey {
  accessKeyId: string;
  tenantId: string;
  name: string;
  ownerId: string;
  creatorId: string;
  expiresAt: Date;
}

/** Which keys were reminded of which expiry date: one row each, whoever wrote it first sent the reminder. */
export class ExpiryRemindersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Enabled keys of these tenants expiring after `now` and no later than `until` whose current
   * expiry date has no reminder yet (a key whose expiry was extended is due again).
   */
  async dueKeys(tenantIds: readonly string[], now: Date, until: Date, limit: number): Promise<ExpiringKey[]> {
    if (tenantIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('accessKeys as k')
      .select(['k.id', 'k.tenantId', 'k.name', 'k.ownerId', 'k.creatorId', 'k.expiresAt'])
      .where('k.tenantId', 'in', tenantIds)
      .where('k.state', '=', 'enabled')
      .where('k.expiresAt', '>', now.getTime())
      .where('k.expiresAt', '<=', until.getTime())
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('expiryReminders as r').select('r.accessKeyId').whereRef('r.accessKeyId', '=', 'k.id').whereRef('r.expiresAt', '=', 'k.expiresAt'))),
      )
      .orderBy('k.expiresAt')
      .orderBy('k.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      accessKeyId: r.id,
      tenantId: r.tenantId,
      name: r.name,
      ownerId: r.ownerId,
      creatorId: r.creatorId,
      expiresAt: new Date(Number(r.expiresAt)),
    }));
  }

  /**
   * Takes the reminder of this key and expiry date; false when another process already did.
   * Called in the transaction that writes the notifications and mails, so they exist exactly
   * when this row does.
   */
  async claim(row: { accessKeyId: string; tenantId: string; expiresAt: Date; now: Date }): Promise<boolean> {
    const result = await this.db
      .insertInto('expiryReminders')
      .values({ accessKeyId: row.accessKeyId, tenantId: row.tenantId, expiresAt: row.expiresAt.getTime(), remindedAt: row.now.getTime() })
      .onConflict((oc) => oc.columns(['accessKeyId', 'expiresAt']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Markers of expiry dates long past can no longer matter. */
  async purgeExpiredBefore(at: Date): Promise<number> {
    const result = await this.db.deleteFrom('expiryReminders').where('expiresAt', '<', at.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
