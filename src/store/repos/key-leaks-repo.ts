import type { Kysely } from 'kysely';
import type { KeyLeak } from '../../core/model.js';
import type { Database } from '../schema.js';

/** Leak reports (migration 015). Written in the transaction that disables or flags the key. */
export class KeyLeaksRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(leak: KeyLeak): Promise<void> {
    await this.db
      .insertInto('keyLeaks')
      .values({ ...leak, reportedAt: leak.reportedAt.getTime() })
      .execute();
  }

  /** The latest report of each of these keys of the tenant that has one. */
  async latestFor(tenantId: string, accessKeyIds: readonly string[]): Promise<Map<string, KeyLeak>> {
    const latest = new Map<string, KeyLeak>();
    if (accessKeyIds.length === 0) return latest;
    const rows = await this.db
      .selectFrom('keyLeaks')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .where('accessKeyId', 'in', [...accessKeyIds])
      .orderBy('reportedAt', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const row of rows) {
      if (!latest.has(row.accessKeyId)) latest.set(row.accessKeyId, { ...row, reportedAt: new Date(Number(row.reportedAt)) });
    }
    return latest;
  }
}
