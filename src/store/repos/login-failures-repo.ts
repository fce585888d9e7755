import type { Kysely } from 'kysely';
import type { Database, LoginFailuresTable } from '../schema.js';

/** Failed sign-ins per subject (tenant + email), shared by every process through the database. */
export class LoginFailuresRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(subject: string): Promise<LoginFailuresTable | null> {
    const row = await this.db.selectFrom('loginFailures').selectAll().where('subject', '=', subject).executeTakeFirst();
    return row
      ? { subject: row.subject, failures: Number(row.failures), firstFailedAt: Number(row.firstFailedAt), lockedUntil: Number(row.lockedUntil) }
      : null;
  }

  async put(row: LoginFailuresTable): Promise<void> {
    await this.db
      .insertInto('loginFailures')
      .values(row)
      .onConflict((oc) => oc.column('subject').doUpdateSet({ failures: row.failures, firstFailedAt: row.firstFailedAt, lockedUntil: row.lockedUntil }))
      .execute();
  }

  async clear(subject: string): Promise<void> {
    await this.db.deleteFrom('loginFailures').where('subject', '=', subject).execute();
  }
}
