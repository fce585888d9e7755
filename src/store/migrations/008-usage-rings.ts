import type { Kysely, Migration } from 'kysely';
import { DEFAULT_POLICY } from '../../core/policy.js';
import { CounterBuffer, codeOf, MINUTES_KEPT_MS, type CounterRow } from '../../core/usage.js';
import type { StoreDialect } from '../dialects/dialect.js';

/** Old rows read per query, and new rows written per statement. */
const PAGE = 5_000;
const WRITE = 400;

interface OldRecord {
  id: string;
  tenantId: string;
  accessKeyId: string;
  at: number | string;
  outcome: 'success' | 'failure';
  code: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  scheme: string;
  permission: string | null;
  detail: string | null;
}

/**
 * Usage data that grows with keys, not traffic: access records become two rings per key (the
 * latest N successes and the latest N failures, N from the tenant policy) and every attempt is
 * folded into per-key counters (minute rows for the last day, hour rows beyond). Existing rows
 * move over key by key: all of them are counted, the latest N per key and outcome stay in detail,
 * and the old table goes. Keys learn the source address of their last use.
 */
export function usageRingsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await dialect
        .compactTable(
          db.schema
            .createTable('access_records_v8')
            .addColumn('access_key_id', 'text', (c) => c.notNull())
            .addColumn('outcome', 'text', (c) => c.notNull())
            .addColumn('slot', 'integer', (c) => c.notNull())
            .addColumn('id', 'text', (c) => c.notNull())
            .addColumn('at', 'bigint', (c) => c.notNull())
            .addColumn('code', 'text')
            .addColumn('source_ip', 'text')
            .addColumn('user_agent', 'text')
            .addColumn('scheme', 'text', (c) => c.notNull())
            .addColumn('permission', 'text')
            .addColumn('detail', 'text')
            .addPrimaryKeyConstraint('access_records_v8_pkey', ['access_key_id', 'outcome', 'slot']),
        )
        .execute();
      await dialect
        .compactTable(
          db.schema
            .createTable('access_record_cursors')
            .addColumn('access_key_id', 'text', (c) => c.notNull())
            .addColumn('outcome', 'text', (c) => c.notNull())
            .addColumn('next_seq', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('access_record_cursors_pkey', ['access_key_id', 'outcome']),
        )
        .execute();
      for (const table of ['usage_minutes', 'usage_hours']) {
        await dialect
          .compactTable(
            db.schema
              .createTable(table)
              .addColumn('access_key_id', 'text', (c) => c.notNull())
              .addColumn('start', 'bigint', (c) => c.notNull())
              .addColumn('code', 'text', (c) => c.notNull())
              .addColumn('total', 'bigint', (c) => c.notNull())
              .addColumn('counts', 'text', (c) => c.notNull())
              .addPrimaryKeyConstraint(`${table}_pkey`, ['access_key_id', 'start', 'code']),
          )
          .execute();
      }
      await db.schema.alterTable('access_keys').addColumn('last_used_ip', 'text').execute();

      await moveRecords(db);

      await db.schema.dropTable('access_records').execute();
      await db.schema.alterTable('access_records_v8').renameTo('access_records').execute();
    },
  };
}

async function moveRecords(db: Kysely<any>): Promise<void> {
  const ringSizes = new Map<string, number>();
  for (const t of (await db.selectFrom('tenants').select(['id', 'policy']).execute()) as { id: string; policy: string }[]) {
    const size = (JSON.parse(t.policy) as { accessRecordsPerKey?: number }).accessRecordsPerKey;
    ringSizes.set(t.id, typeof size === 'number' ? size : DEFAULT_POLICY.accessRecordsPerKey);
  }
  const minutesFrom = Date.now() - MINUTES_KEPT_MS;
  let current = null as KeyFold | null;
  let after: { accessKeyId: string; at: number; id: string } | null = null;
  for (;;) {
    let q = db.selectFrom('access_records').selectAll();
    const a = after;
    if (a)
      q = q.where((eb) =>
        eb.or([eb('accessKeyId', '>', a.accessKeyId), eb.and([eb('accessKeyId', '=', a.accessKeyId), eb.or([eb('at', '>', a.at), eb.and([eb('at', '=', a.at), eb('id', '>', a.id)])])])]),
      );
    const rows = (await q.orderBy('accessKeyId').orderBy('at').orderBy('id').limit(PAGE).execute()) as OldRecord[];
    for (const row of rows) {
      if (current?.accessKeyId !== row.accessKeyId) {
        if (current) await current.write(db, minutesFrom);
        current = new KeyFold(row.accessKeyId, ringSizes.get(row.tenantId) ?? DEFAULT_POLICY.accessRecordsPerKey);
      }
      current.add(row);
    }
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { accessKeyId: last.accessKeyId, at: Number(last.at), id: last.id };
  }
  if (current) await current.write(db, minutesFrom);
}

/** One key's old records, folded: every one counted, the latest `size` per outcome kept. */
class KeyFold {
  private readonly counters = new CounterBuffer();
  private readonly rings: Record<'success' | 'failure', OldRecord[]> = { success: [], failure: [] };
  private lastSuccess: OldRecord | null = null;

  constructor(
    readonly accessKeyId: string,
    private readonly size: number,
  ) {}

  add(row: OldRecord): void {
    this.counters.add(row.accessKeyId, codeOf(row.outcome, row.code), Number(row.at));
    const ring = this.rings[row.outcome];
    ring.push(row);
    if (ring.length >= 2 * this.size) ring.splice(0, ring.length - this.size);
    if (row.outcome === 'success') this.lastSuccess = row;
  }

  async write(db: Kysely<any>, minutesFrom: number): Promise<void> {
    for (const outcome of ['success', 'failure'] as const) {
      const kept = this.rings[outcome].slice(-this.size);
      if (kept.length === 0) continue;
      const rows = kept.map((r, slot) => ({
        accessKeyId: r.accessKeyId,
        outcome,
        slot,
        id: r.id,
        at: Number(r.at),
        code: r.code,
        sourceIp: r.sourceIp,
        userAgent: r.userAgent,
        scheme: r.scheme,
        permission: r.permission,
        detail: r.detail,
      }));
      for (let i = 0; i < rows.length; i += WRITE)
        await db
          .insertInto('access_records_v8')
          .values(rows.slice(i, i + WRITE))
          .execute();
      await db.insertInto('access_record_cursors').values({ accessKeyId: this.accessKeyId, outcome, nextSeq: kept.length }).execute();
    }
    const { minutes, hours } = this.counters.rows();
    await insertCounters(
      db,
      'usage_minutes',
      minutes.filter((m) => m.start + 3_600_000 > minutesFrom),
    );
    await insertCounters(db, 'usage_hours', hours);
    if (this.lastSuccess?.sourceIp) {
      await db.updateTable('access_keys').set({ lastUsedIp: this.lastSuccess.sourceIp }).where('id', '=', this.accessKeyId).execute();
    }
  }
}

async function insertCounters(db: Kysely<any>, table: string, rows: CounterRow[]): Promise<void> {
  const values = rows.map((r) => ({ accessKeyId: r.accessKeyId, start: r.start, code: r.code, total: r.counts.reduce((a, b) => a + b, 0), counts: JSON.stringify(r.counts) }));
  for (let i = 0; i < values.length; i += WRITE)
    await db
      .insertInto(table)
      .values(values.slice(i, i + WRITE))
      .execute();
}
