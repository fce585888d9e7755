import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** "Forgot password" links, by the digest of their token; shared by every process. */
export class PasswordResetsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: { tokenDigest: string; tenantId: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.db
      .insertInto('passwordResets')
      .values({ tokenDigest: row.tokenDigest, tenantId: row.tenantId, userId: row.userId, createdAt: row.createdAt.getTime(), expiresAt: row.expiresAt.getTime(), usedAt: null })
      .execute();
  }

  /** When the user's newest link was asked for (null: never), to space out mails to one address. */
  async latestFor(userId: string): Promise<Date | null> {
    const row = await this.db.selectFrom('passwordResets').select('createdAt').where('userId', '=', userId).orderBy('createdAt', 'desc').limit(1).executeTakeFirst();
    return row ? new Date(Number(row.createdAt)) : null;
  }

  /** Whether the link could be spent now (unknown, used and lapsed links cannot). */
  async usable(tokenDigest: string, now: Date): Promise<boolean> {
    const row = await this.db
      .selectFrom('passwordResets')
      .select('userId')
      .where('tokenDigest', '=', tokenDigest)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now.getTime())
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Spends a link: one guarded write, so two requests with the same link (in one process or two)
   * cannot both succeed. Null when the link is unknown, used or past its time.
   */
  async spend(tokenDigest: string, now: Date): Promise<{ tenantId: string; userId: string } | null> {
    const row = await this.db.selectFrom('passwordResets').select(['tenantId', 'userId']).where('tokenDigest', '=', tokenDigest).executeTakeFirst();
    if (!row) return null;
    const result = await this.db
      .updateTable('passwordResets')
      .set({ usedAt: now.getTime() })
      .where('tokenDigest', '=', tokenDigest)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now.getTime())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? row : null;
  }

  /** Every other link of the user stops (a password was just set), and spent or lapsed rows go. */
  async retireFor(userId: string, now: Date): Promise<void> {
    await this.db.updateTable('passwordResets').set({ usedAt: now.getTime() }).where('userId', '=', userId).where('usedAt', 'is', null).execute();
    await this.db.deleteFrom('passwordResets').where('userId', '=', userId).where('expiresAt', '<=', now.getTime()).execute();
  }

  /** Links past their time, used or not (housekeeping). */
  async purgeLapsed(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('passwordResets').where('expiresAt', '<=', now.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
