import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from '../schema.js';

export type SessionRow = SessionsTable;

export class SessionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  async find(idHash: string): Promise<SessionRow | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('idHash', '=', idHash).executeTakeFirst();
    return row ? { ...row, createdAt: Number(row.createdAt), expiresAt: Number(row.expiresAt), lastSeenAt: Number(row.lastSeenAt) } : null;
  }

  async touch(idHash: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ lastSeenAt: now }).where('idHash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('idHash', '=', idHash).execute();
  }

  async deleteForUser(userId: string, db: Kysely<Database> = this.db): Promise<void> {
    await db.deleteFrom('sessions').where('userId', '=', userId).execute();
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expiresAt', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
