import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface TotpCredential {
  userId: string;
  tenantId: string;
  /** The base32 secret sealed under the master key (bound to tenant and user). */
  secretEnvelope: string;
  confirmedAt: Date | null;
  /** The last time step whose code was accepted; codes of that step or earlier are refused. */
  lastCounter: number | null;
  createdAt: Date;
}

/** Users' authenticator apps, shared by every process (replay refusal works across them). */
export class TotpRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async find(tenantId: string, userId: string): Promise<TotpCredential | null> {
    const row = await this.db.selectFrom('totpCredentials').selectAll().where('tenantId', '=', tenantId).where('userId', '=', userId).executeTakeFirst();
    if (!row) return null;
    return {
      userId: row.userId,
      tenantId: row.tenantId,
      secretEnvelope: row.secretEnvelope,
      confirmedAt: row.confirmedAt === null ? null : new Date(Number(row.confirmedAt)),
      lastCounter: row.lastCounter === null ? null : Number(row.lastCounter),
      createdAt: new Date(Number(row.createdAt)),
    };
  }

  /** Starts (or restarts) an enrollment; never replaces a confirmed one. False when one is confirmed. */
  async putPending(row: { userId: string; tenantId: string; secretEnvelope: string; createdAt: Date }): Promise<boolean> {
    const result = await this.db
      .insertInto('totpCredentials')
      .values({ userId: row.userId, tenantId: row.tenantId, secretEnvelope: row.secretEnvelope, confirmedAt: null, lastCounter: null, createdAt: row.createdAt.getTime() })
      .onConflict((oc) =>
        oc.column('userId').doUpdateSet({ secretEnvelope: row.secretEnvelope, lastCounter: null, createdAt: row.createdAt.getTime() }).where('totpCredentials.confirmedAt', 'is', null),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /**
   * Accepts the code of time step `counter` once: the write only lands if no code of that step
   * or a later one was accepted before (two processes given the same code: one wins).
   * `confirming` also turns a pending enrollment on; otherwise the credential must be confirmed.
   */
  async useCounter(userId: string, counter: number, options: { confirmingAt?: Date } = {}): Promise<boolean> {
    let q = this.db
      .updateTable('totpCredentials')
      .set({ lastCounter: counter, ...(options.confirmingAt && { confirmedAt: options.confirmingAt.getTime() }) })
      .where('userId', '=', userId)
      .where((eb) => eb.or([eb('lastCounter', 'is', null), eb('lastCounter', '<', counter)]));
    q = options.confirmingAt ? q.where('confirmedAt', 'is', null) : q.where('confirmedAt', 'is not', null);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Removes the user's authenticator (pending or confirmed); false when there was none. */
  async delete(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('totpCredentials').where('tenantId', '=', tenantId).where('userId', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Which of these users have a confirmed authenticator. */
  async enabledAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('totpCredentials').select('userId').where('userId', 'in', userIds).where('confirmedAt', 'is not', null).execute();
    return new Set(rows.map((r) => r.userId));
  }
}
