import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Authenticator recovery codes, by keyed digest; each spent once, across processes. */
export class RecoveryCodesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Replaces the user's codes with these (the old ones stop at once). */
  async replace(userId: string, digests: string[], now: Date): Promise<void> {
    await this.db.deleteFrom('totpRecoveryCodes').where('userId', '=', userId).execute();
    if (digests.length === 0) return;
    await this.db
      .insertInto('totpRecoveryCodes')
      .values(digests.map((codeDigest) => ({ userId, codeDigest, createdAt: now.getTime(), usedAt: null })))
      .execute();
  }

  /** Spends the code with this digest: true for the one request whose guarded write lands. */
  async spend(userId: string, codeDigest: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('totpRecoveryCodes')
      .set({ usedAt: now.getTime() })
      .where('userId', '=', userId)
      .where('codeDigest', '=', codeDigest)
      .where('usedAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async remaining(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('totpRecoveryCodes')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('userId', '=', userId)
      .where('usedAt', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async deleteFor(userId: string): Promise<void> {
    await this.db.deleteFrom('totpRecoveryCodes').where('userId', '=', userId).execute();
  }
}
