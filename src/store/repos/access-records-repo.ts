import type { Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { AccessRecord, Page } from '../../core/model.js';
import { MAX_RECORDS_PER_KEY } from '../../core/policy.js';
import type { CounterRow } from '../../core/usage.js';
import type { CounterDelta, RecordText, RingBatch, StoreDialect, UsageBatch } from '../dialects/dialect.js';
import type { Database } from '../schema.js';
import { accessRecordFromRow } from '../rows.js';
import { toPage } from '../paging.js';

/** An attempt as its ring's writer takes it (RecordText): made once, when the attempt is counted, and kept in the usage buffer's log until written. */
export function recordText(r: AccessRecord): RecordText {
  return JSON.stringify([r.id, r.at.getTime(), r.code, r.sourceIp, r.userAgent, r.scheme, r.permission, r.detail === null ? null : JSON.stringify(r.detail)]);
}

/** A counter row as the usage writer adds it: key, start, code, total and its counts as JSON text. */
export const counterDelta = (row: CounterRow): CounterDelta => [row.accessKeyId, row.start, row.code, row.counts.reduce((a, b) => a + b, 0), JSON.stringify(row.counts)];

/** Access records: each key's rings of latest attempts, written with the counters in one transaction. */
export class AccessRecordsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  /**
   * One transaction through the dialect's bulk writer: each ring's latest records (at most its
   * size; a key may bring more) and the counts to add, all of it or none.
   */
  async writeUsage(batch: UsageBatch): Promise<void> {
    const rings: RingBatch[] = [];
    for (const [accessKeyId, outcome, size, records] of batch.rings) {
      if (records.length > 0) rings.push([accessKeyId, outcome, size, records.length > size ? records.slice(-size) : records]);
    }
    await this.dialect.usage.writeUsage({ rings, minutes: batch.minutes });
  }

  /** The key's kept attempts, newest first: those inside its ring's current size (`perKey`, default all) and the retention period. */
  async listForKey(
    tenantId: string,
    accessKeyId: string,
    options: { cursor: CursorPosition | null; limit: number; since: Date; perKey?: number; outcome?: 'success' | 'failure' | undefined },
  ): Promise<Page<AccessRecord>> {
    let q = this.db
      .selectFrom('accessRecords')
      .selectAll()
      .where('accessKeyId', '=', accessKeyId)
      .where('slot', '<', options.perKey ?? MAX_RECORDS_PER_KEY)
      .where('at', '>=', options.since.getTime())
      .where((eb) => eb.exists(eb.selectFrom('accessKeys').select('id').where('id', '=', accessKeyId).where('tenantId', '=', tenantId)));
    if (options.outcome !== undefined) q = q.where('outcome', '=', options.outcome);
    const c = options.cursor;
    if (c) q = q.where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('id', '<', c.id)])]));
    const rows = await q
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    return toPage(
      rows,
      options.limit,
      (r) => ({ at: Number(r.at), id: r.id }),
      (r) => accessRecordFromRow(tenantId, r),
    );
  }

  /** Drops the tenant's records older than `cutoff` and those in slots past its ring size (after the policy lowered it). */
  async purge(tenantId: string, cutoff: Date, perKey: number): Promise<number> {
    const result = await this.db
      .deleteFrom('accessRecords')
      .where((eb) => eb.or([eb('at', '<', cutoff.getTime()), eb('slot', '>=', perKey)]))
      .where('accessKeyId', 'in', (eb) => eb.selectFrom('accessKeys').select('id').where('tenantId', '=', tenantId))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
