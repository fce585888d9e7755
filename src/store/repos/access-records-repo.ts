import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { AccessRecord, Page } from '../../core/model.js';
import type { StoreDialect } from '../dialects/dialect.js';
import type { Database } from '../schema.js';
import { accessRecordFromRow } from '../rows.js';
import { toPage } from '../paging.js';

export class AccessRecordsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  /** One transaction through the dialect's bulk writer: all of `records` land, or none. */
  async insertMany(records: AccessRecord[]): Promise<void> {
    await this.dialect.usage.insertAccessRecords(
      records.map((r) => [
        r.id,
        r.tenantId,
        r.accessKeyId,
        r.at.getTime(),
        r.outcome,
        r.code,
        r.sourceIp,
        r.userAgent,
        r.scheme,
        r.permission,
        r.detail === null ? null : JSON.stringify(r.detail),
      ]),
    );
  }

  async listForKey(
    tenantId: string,
    accessKeyId: string,
    options: { cursor: CursorPosition | null; limit: number; since: Date; outcome?: 'success' | 'failure' | undefined },
  ): Promise<Page<AccessRecord>> {
    let q = this.db.selectFrom('accessRecords').selectAll().where('tenantId', '=', tenantId).where('accessKeyId', '=', accessKeyId).where('at', '>=', options.since.getTime());
    if (options.outcome !== undefined) q = q.where('outcome', '=', options.outcome);
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    return toPage(rows, options.limit, (r) => ({ at: Number(r.at), id: r.id }), accessRecordFromRow);
  }

  async purgeOlderThan(tenantId: string, cutoff: Date): Promise<number> {
    const result = await this.db.deleteFrom('accessRecords').where('tenantId', '=', tenantId).where('at', '<', cutoff.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
