import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface ChangeRow {
  seq: number;
  tenantId: string;
  accessKeyId: string | null;
}

/**
 * A log of changes that affect verification, written in the same transaction as the change.
 * Every process polls it to drop stale cache entries: a row with a key ID names one key,
 * a row without one (users, roles, groups, policy) invalidates the whole tenant.
 */
export class ChangesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async append(tenantId: string, accessKeyId: string | null, now: Date, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('changes').values({ tenantId, accessKeyId, at: now.getTime() }).execute();
  }

  async latestSeq(): Promise<number> {
    const row = await this.db.selectFrom('changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
  }

  async since(seq: number, limit: number): Promise<ChangeRow[]> {
    const rows = await this.db
      .selectFrom('changes')
      .select(['seq', 'tenantId', 'accessKeyId'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), tenantId: r.tenantId, accessKeyId: r.accessKeyId }));
  }

  /** The rows among `seqs` that exist now (a transaction that took a number may commit late). */
  async bySeqs(seqs: number[]): Promise<ChangeRow[]> {
    if (seqs.length === 0) return [];
    const rows = await this.db.selectFrom('changes').select(['seq', 'tenantId', 'accessKeyId']).where('seq', 'in', seqs).orderBy('seq').execute();
    return rows.map((r) => ({ seq: Number(r.seq), tenantId: r.tenantId, accessKeyId: r.accessKeyId }));
  }

  async purgeBefore(at: Date): Promise<number> {
    const result = await this.db.deleteFrom('changes').where('at', '<', at.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
