import type { Kysely } from 'kysely';
import type { Database, LoginFailuresTable } from '../schema.js';

/** Failed sign-ins per subject (tenant + email), shared by every process through the database. */
export class LoginFailuresRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(subject: string): Promise<LoginFailuresTable | null> {
    const row = await this.db.selectFrom('loginFailures').selectAll().where('subject', '=', subject).executeTakeFirst();
    return row ? { subject: row.subject, failures: Number(row.failures), firstFailedAt: Number(row.firstFailedAt), lockedUntil: Number(row.lockedUntil) } : null;
  }

  /**
   * Writes `next` only if the subject's row is still `expected` (null: there is no row yet), so
   * two sign-ins that read the same state cannot both write their successor: the loser gets
   * false and reads again.
   */
  async replace(subject: string, expected: Omit<LoginFailuresTable, 'subject'> | null, next: Omit<LoginFailuresTable, 'subject'>): Promise<boolean> {
    if (expected === null) {
      const inserted = await this.db
        .insertInto('loginFailures')
        .values({ subject, ...next })
        .onConflict((oc) => oc.column('subject').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
    }
    const updated = await this.db
      .updateTable('loginFailures')
      .set(next)
      .where('subject', '=', subject)
      .where('failures', '=', expected.failures)
      .where('firstFailedAt', '=', expected.firstFailedAt)
      .where('lockedUntil', '=', expected.lockedUntil)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  async clear(subject: string): Promise<void> {
    await this.db.deleteFrom('loginFailures').where('subject', '=', subject).execute();
  }

  /** Deletes counts that began before `before` and hold no lock at `now` (their window has long passed). */
  async purgeStale(before: number, now: number): Promise<number> {
    const deleted = await this.db.deleteFrom('loginFailures').where('firstFailedAt', '<', before).where('lockedUntil', '<=', now).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }
}
