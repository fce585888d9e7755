import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from '../schema.js';

export type SessionRow = SessionsTable;

/** What a sign-in writes; the step-up columns start empty. */
export type NewSession = Pick<SessionsTable, 'idHash' | 'userId' | 'tenantId' | 'createdAt' | 'expiresAt' | 'lastSeenAt'>;

const orNull = (v: number | null) => (v === null ? null : Number(v));

export class SessionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewSession): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        ...row,
        stepUpVerifiedAt: null,
        stepUpMethod: null,
        stepUpCodeDigest: null,
        stepUpCodeExpiresAt: null,
        stepUpCodeSentAt: null,
        stepUpCodeWrongTries: 0,
      })
      .execute();
  }

  async find(idHash: string): Promise<SessionRow | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('idHash', '=', idHash).executeTakeFirst();
    return row
      ? {
          ...row,
          createdAt: Number(row.createdAt),
          expiresAt: Number(row.expiresAt),
          lastSeenAt: Number(row.lastSeenAt),
          stepUpVerifiedAt: orNull(row.stepUpVerifiedAt),
          stepUpCodeExpiresAt: orNull(row.stepUpCodeExpiresAt),
          stepUpCodeSentAt: orNull(row.stepUpCodeSentAt),
          stepUpCodeWrongTries: Number(row.stepUpCodeWrongTries),
        }
      : null;
  }

  async touch(idHash: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ lastSeenAt: now }).where('idHash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('idHash', '=', idHash).execute();
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('userId', '=', userId).execute();
  }

  /** Ends every session of the user but one (the one that just proved the new password). */
  async deleteForUserExcept(userId: string, keepIdHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('userId', '=', userId).where('idHash', '!=', keepIdHash).execute();
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expiresAt', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Stores a new pending email code (replacing any earlier one, tries reset) unless a code went
   * out after `sentBefore`: the rate limit is decided by this one guarded write, so two
   * processes cannot both send. False when the limit held.
   */
  async putStepUpCode(idHash: string, code: { digest: string; expiresAt: number; sentAt: number }, sentBefore: number): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ stepUpCodeDigest: code.digest, stepUpCodeExpiresAt: code.expiresAt, stepUpCodeSentAt: code.sentAt, stepUpCodeWrongTries: 0 })
      .where('idHash', '=', idHash)
      .where((eb) => eb.or([eb('stepUpCodeSentAt', 'is', null), eb('stepUpCodeSentAt', '<=', sentBefore)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Counts a wrong try against the code that was checked (not a newer one that replaced it). */
  async countWrongCode(idHash: string, digest: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set((eb) => ({ stepUpCodeWrongTries: eb('stepUpCodeWrongTries', '+', 1) }))
      .where('idHash', '=', idHash)
      .where('stepUpCodeDigest', '=', digest)
      .execute();
  }

  /**
   * Marks the session verified. For an email code the write is guarded on that very code with
   * tries left, and clears it, so a code verifies once and never after its tries ran out.
   */
  async markStepUpVerified(idHash: string, verification: { method: 'email' | 'totp'; at: number; codeDigest?: string; maxWrongTries?: number }): Promise<boolean> {
    let q = this.db
      .updateTable('sessions')
      .set({ stepUpVerifiedAt: verification.at, stepUpMethod: verification.method, stepUpCodeDigest: null, stepUpCodeExpiresAt: null, stepUpCodeWrongTries: 0 })
      .where('idHash', '=', idHash);
    if (verification.codeDigest !== undefined) {
      q = q.where('stepUpCodeDigest', '=', verification.codeDigest).where('stepUpCodeWrongTries', '<', verification.maxWrongTries ?? 1);
    }
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
