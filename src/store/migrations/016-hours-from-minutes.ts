import type { Kysely, Migration } from 'kysely';
import { type CounterRow, foldMinuteRows, type MinuteTotal } from '../../core/usage.js';

/** Minute rows read per query. */
const PAGE = 5_000;

/**
 * Hour counters rolled up from minute rows instead of written beside them (issue 9: one upsert
 * less per key in every usage write). Until now each write added its counts to both tables, so
 * an hour row already holds its day's minute rows; from now on an attempt is in exactly one of
 * them (the hour view adds the minute rows not yet rolled up). So each minute row's total comes
 * off its hour's slot of the day's hour row, which goes when nothing is left in it.
 */
export function hoursFromMinutesMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      let after: [string, number, string] | null = null;
      for (;;) {
        let q = db.selectFrom('usage_minutes').select(['accessKeyId', 'start', 'code', 'total']).orderBy('accessKeyId').orderBy('start').orderBy('code').limit(PAGE);
        if (after !== null) {
          const [key, start, code] = after;
          q = q.where((eb) => eb(eb.refTuple('accessKeyId', 'start', 'code'), '>', eb.tuple(key, start, code)));
        }
        const page = (await q.execute()) as { accessKeyId: string; start: number | string; code: string; total: number | string }[];
        if (page.length === 0) return;
        const minutes: MinuteTotal[] = page.map((r) => ({ accessKeyId: r.accessKeyId, start: Number(r.start), code: r.code, total: Number(r.total) }));
        for (const counted of foldMinuteRows(minutes)) await subtract(db, counted);
        const last = minutes[minutes.length - 1]!;
        after = [last.accessKeyId, last.start, last.code];
        if (page.length < PAGE) return;
      }
    },
    async down() {
      throw new Error('016-hours-from-minutes cannot be undone: restore the backup taken before the upgrade');
    },
  };
}

/** Takes `counted` (a day of hour counts also held by minute rows) off the stored hour row. */
async function subtract(db: Kysely<any>, counted: CounterRow): Promise<void> {
  const row = <Q extends { where: (...args: any[]) => any }>(q: Q): Q => q.where('accessKeyId', '=', counted.accessKeyId).where('start', '=', counted.start).where('code', '=', counted.code);
  const stored = (await row(db.selectFrom('usage_hours').select(['counts'])).executeTakeFirst()) as { counts: string } | undefined;
  if (!stored) return;
  const counts = (JSON.parse(stored.counts) as number[]).map((n, i) => Math.max(0, n - (counted.counts[i] ?? 0)));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) await row(db.deleteFrom('usage_hours')).execute();
  else await row(db.updateTable('usage_hours').set({ total, counts: JSON.stringify(counts) })).execute();
}
