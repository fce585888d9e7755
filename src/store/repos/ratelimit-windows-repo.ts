import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface WindowDelta {
  counter: string;
  /** Epoch ms the window starts at. */
  windowStart: number;
  /** What the writing process admitted since its last sync (0: only read the total). */
  delta: number;
  expiresAt: number;
}

/** Rate-limit windows shared by the processes of one PostgreSQL database (see database-limiter.ts). */
export class RatelimitWindowsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds each delta to its window's row in one statement and returns every window's total (all
   * processes), keyed `counter NUL windowStart`. The row lock of the upsert makes the additions atomic.
   */
  async add(deltas: readonly WindowDelta[]): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    if (deltas.length === 0) return totals;
    // One row per window (a counter may be sent twice when a window rolled over between syncs: both are distinct rows).
    const rows = await this.db
      .insertInto('ratelimitWindows')
      .values(deltas.map((d) => ({ counter: d.counter, windowStart: d.windowStart, count: d.delta, expiresAt: d.expiresAt })))
      .onConflict((oc) => oc.columns(['counter', 'windowStart']).doUpdateSet((eb) => ({ count: eb('ratelimitWindows.count', '+', eb.ref('excluded.count')) })))
      .returning(['counter', 'windowStart', 'count'])
      .execute();
    for (const row of rows) totals.set(`${row.counter}\u0000${Number(row.windowStart)}`, Number(row.count));
    return totals;
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('ratelimitWindows').where('expiresAt', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
