import { type Kysely, sql } from 'kysely';
import { addCounts, type CounterRow, foldMinuteRows, HOUR_MS } from '../../core/usage.js';
import type { MinuteRowKey, StoreDialect } from '../dialects/dialect.js';
import type { Database } from '../schema.js';

/** Minute rows moved into hour rows per transaction of a roll-up. */
export const ROLL_UP_ROWS = 2_000;

type Table = 'usageMinutes' | 'usageHours';
const TABLES: Record<'minutes' | 'hours', Table> = { minutes: 'usageMinutes', hours: 'usageHours' };

/** Counts of one key and code over a window. */
export interface KeyCodeSum {
  accessKeyId: string;
  code: string;
  count: number;
}

const parseCounts = (counts: string): number[] => JSON.parse(counts) as number[];

/**
 * Reads, rolls up and purges the per-key attempt counters (the usage writer adds to minute rows).
 * The hour view is the hour rows plus the minute rows not yet rolled up: each read of it is one
 * statement (UNION ALL), so it sees both tables at one moment and a roll-up in between can
 * neither count an attempt twice nor miss it.
 */
export class UsageRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  /** One key's counter rows whose row starts at or after `fromStart`; for hours, one row per day and code. */
  async keyRows(accessKeyId: string, table: 'minutes' | 'hours', fromStart: number): Promise<CounterRow[]> {
    if (table === 'minutes') {
      const rows = await this.db.selectFrom('usageMinutes').select(['accessKeyId', 'start', 'code', 'counts']).where('accessKeyId', '=', accessKeyId).where('start', '>=', fromStart).execute();
      return rows.map((r) => ({ accessKeyId: r.accessKeyId, start: Number(r.start), code: r.code, counts: parseCounts(r.counts) }));
    }
    const rows = await this.db
      .selectFrom('usageHours')
      .select([sql<number>`1`.as('hour'), 'start', 'code', 'total', 'counts'])
      .where('accessKeyId', '=', accessKeyId)
      .where('start', '>=', fromStart)
      .unionAll(
        this.db
          .selectFrom('usageMinutes')
          .select([sql<number>`0`.as('hour'), 'start', 'code', 'total', sql<string>`''`.as('counts')])
          .where('accessKeyId', '=', accessKeyId)
          .where('start', '>=', fromStart),
      )
      .execute();
    const days = new Map<string, CounterRow>();
    const addRow = (row: CounterRow) => {
      const id = `${row.start}\n${row.code}`;
      const known = days.get(id);
      days.set(id, known ? { ...known, counts: addCounts(known.counts, row.counts) } : row);
    };
    for (const r of rows) if (Number(r.hour) === 1) addRow({ accessKeyId, start: Number(r.start), code: r.code, counts: parseCounts(r.counts) });
    const minutes = rows.filter((r) => Number(r.hour) === 0).map((r) => ({ accessKeyId, start: Number(r.start), code: r.code, total: Number(r.total) }));
    for (const row of foldMinuteRows(minutes)) addRow(row);
    return [...days.values()];
  }

  /**
   * Moves every minute row that ended at or before `cutoff` into its hour row (see
   * UsageWriter.rollUpMinutes), ROLL_UP_ROWS per transaction, in key order. Returns the rows moved.
   */
  async rollUpMinutesBefore(cutoff: number, rowsPerStep = ROLL_UP_ROWS): Promise<number> {
    const lastStart = cutoff - HOUR_MS;
    let moved = 0;
    let after: MinuteRowKey | null = null;
    for (;;) {
      const step = await this.dialect.usage.rollUpMinutes(lastStart, after, rowsPerStep);
      moved += step.rows;
      if (step.rows < rowsPerStep || step.last === null) return moved;
      after = step.last;
    }
  }

  /**
   * Per key and code, the attempts of the tenant's keys from `from` on, exactly: rows that start
   * inside the window are summed by the database; the one row per key and code that straddles
   * `from` is read and only its slots from `from` on are added.
   */
  async tenantSums(tenantId: string, table: 'minutes' | 'hours', from: number, rowMs: number, slotMs: number): Promise<KeyCodeSum[]> {
    const t = TABLES[table];
    const firstWhole = Math.ceil(from / rowMs) * rowMs;
    const rowsFrom = (source: Table, start: number) =>
      this.db
        .selectFrom(`${source} as u`)
        .innerJoin('accessKeys as k', 'k.id', 'u.accessKeyId')
        .select(['u.accessKeyId', 'u.code', 'u.total'])
        .where('k.tenantId', '=', tenantId)
        .where('u.start', '>=', start);
    // Hours: the minute rows not yet rolled up are hour slots of their own; the one holding `from` counts whole, as a straddling row's slot does.
    const rows = table === 'minutes' ? rowsFrom(t, firstWhole) : rowsFrom(t, firstWhole).unionAll(rowsFrom('usageMinutes', Math.floor(from / slotMs) * slotMs));
    const whole = await this.db
      .selectFrom(rows.as('r'))
      .select((eb) => ['r.accessKeyId', 'r.code', eb.fn.sum<number | string>('r.total').as('count')])
      .groupBy(['r.accessKeyId', 'r.code'])
      .execute();
    const sums = new Map<string, KeyCodeSum>();
    for (const r of whole) sums.set(`${r.accessKeyId}\n${r.code}`, { accessKeyId: r.accessKeyId, code: r.code, count: Number(r.count) });
    if (firstWhole !== from) {
      const straddling = await this.db
        .selectFrom(`${t} as u`)
        .innerJoin('accessKeys as k', 'k.id', 'u.accessKeyId')
        .select(['u.accessKeyId', 'u.code', 'u.counts'])
        .where('k.tenantId', '=', tenantId)
        .where('u.start', '=', firstWhole - rowMs)
        .execute();
      for (const r of straddling) {
        const counts = parseCounts(r.counts);
        let n = 0;
        for (let i = Math.floor((from - (firstWhole - rowMs)) / slotMs); i < counts.length; i++) n += counts[i] ?? 0;
        if (n === 0) continue;
        const id = `${r.accessKeyId}\n${r.code}`;
        const sum = sums.get(id);
        if (sum) sum.count += n;
        else sums.set(id, { accessKeyId: r.accessKeyId, code: r.code, count: n });
      }
    }
    return [...sums.values()];
  }

  /** Keys of the tenant with a `key.under_attack` audit event at or after `from`, with the latest one's time. */
  async underAttack(tenantId: string, from: number): Promise<{ accessKeyId: string; lastAlertAt: number }[]> {
    const rows = await this.db
      .selectFrom('auditEvents')
      .select((eb) => ['targetId', eb.fn.max<number | string>('at').as('lastAlertAt')])
      .where('tenantId', '=', tenantId)
      .where('action', '=', 'key.under_attack')
      .where('at', '>=', from)
      .where('targetId', 'is not', null)
      .groupBy('targetId')
      .execute();
    return rows.map((r) => ({ accessKeyId: r.targetId as string, lastAlertAt: Number(r.lastAlertAt) })).sort((a, b) => b.lastAlertAt - a.lastAlertAt);
  }

  /** The tenant's hour rows (one UTC day each) that ended before `cutoff`. */
  async purgeHoursBefore(tenantId: string, cutoff: number): Promise<number> {
    const result = await this.db
      .deleteFrom('usageHours')
      .where('start', '<=', cutoff - 86_400_000)
      .where('accessKeyId', 'in', (eb) => eb.selectFrom('accessKeys').select('id').where('tenantId', '=', tenantId))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
