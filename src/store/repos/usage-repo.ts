import type { Kysely } from 'kysely';
import type { CounterRow } from '../../core/usage.js';
import type { Database } from '../schema.js';

type Table = 'usageMinutes' | 'usageHours';
const TABLES: Record<'minutes' | 'hours', Table> = { minutes: 'usageMinutes', hours: 'usageHours' };

/** Counts of one key and code over a window. */
export interface KeyCodeSum {
  accessKeyId: string;
  code: string;
  count: number;
}

const parseCounts = (counts: string): number[] => JSON.parse(counts) as number[];

/** Reads and purges the per-key attempt counters (the usage writer adds to them). */
export class UsageRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** One key's counter rows whose row starts at or after `fromStart`. */
  async keyRows(accessKeyId: string, table: 'minutes' | 'hours', fromStart: number): Promise<CounterRow[]> {
    const rows = await this.db.selectFrom(TABLES[table]).select(['accessKeyId', 'start', 'code', 'counts']).where('accessKeyId', '=', accessKeyId).where('start', '>=', fromStart).execute();
    return rows.map((r) => ({ accessKeyId: r.accessKeyId, start: Number(r.start), code: r.code, counts: parseCounts(r.counts) }));
  }

  /**
   * Per key and code, the attempts of the tenant's keys from `from` on, exactly: rows that start
   * inside the window are summed by the database; the one row per key and code that straddles
   * `from` is read and only its slots from `from` on are added.
   */
  async tenantSums(tenantId: string, table: 'minutes' | 'hours', from: number, rowMs: number, slotMs: number): Promise<KeyCodeSum[]> {
    const t = TABLES[table];
    const firstWhole = Math.ceil(from / rowMs) * rowMs;
    const whole = await this.db
      .selectFrom(`${t} as u`)
      .innerJoin('accessKeys as k', 'k.id', 'u.accessKeyId')
      .select((eb) => ['u.accessKeyId', 'u.code', eb.fn.sum<number | string>('u.total').as('count')])
      .where('k.tenantId', '=', tenantId)
      .where('u.start', '>=', firstWhole)
      .groupBy(['u.accessKeyId', 'u.code'])
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

  /** Minute rows of every tenant that ended before `cutoff` (they are kept one day). */
  async purgeMinutesBefore(cutoff: number): Promise<number> {
    const result = await this.db
      .deleteFrom('usageMinutes')
      .where('start', '<=', cutoff - 3_600_000)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
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
