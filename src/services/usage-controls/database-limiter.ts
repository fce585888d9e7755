import type { Logger } from 'pino';
import type { Store } from '../../store/store.js';
import { type Cell, LocalRateLimiter } from './local-limiter.js';
import type { LimitRef, RateLimiter, RateVerdict } from './rate-limiter.js';

/** Cells sent in one sync statement at most (the rest go at the next tick). */
const SYNC_BATCH_MAX = 500;
/** How often windows over for good are deleted from the table. */
const PURGE_EVERY_MS = 60_000;

/**
 * Several processes on PostgreSQL without Redis (Unkey's approach): each process decides from
 * its own counters, as in memory mode, and every `syncMs` adds what it admitted since to the
 * shared row of each counter's window (one upsert for all of them) and takes back the total of
 * every process as its new base. Between two syncs a process does not see what the others
 * admitted, so a window's total may exceed the limit by what the other processes admitted in
 * that time: at most (processes − 1) × limit, since each process alone never admits more than
 * the limit in a window (its own admissions are always in its counts). README: "Rate limits".
 */
export class DatabaseRateLimiter implements RateLimiter {
  readonly mode = 'database' as const;
  private readonly local: LocalRateLimiter;
  private readonly store: Store;
  private readonly syncMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Cells checked since the last sync: sent (with what this process added, maybe 0) to learn the others' counts. */
  private readonly touched = new Set<Cell>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private lastPurge = 0;
  private failing = false;
  /** Syncs that failed (the database could not be reached); the counts stay local meanwhile. */
  syncFailures = 0;
  readonly fallbacks = 0;

  constructor(options: { store: Store; syncMs: number; logger: Logger; now?: () => number; max?: number }) {
    this.store = options.store;
    this.syncMs = options.syncMs;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.local = new LocalRateLimiter({ mode: 'database', now: this.now, onTouch: (cell) => this.touched.add(cell), ...(options.max !== undefined && { max: options.max }) });
  }

  check(limits: readonly LimitRef[], cost: number, now: number): RateVerdict {
    return this.local.check(limits, cost, now);
  }

  /** One sync: what this process admitted goes to the database, every process's total comes back. */
  sync(): Promise<void> {
    this.syncing ??= this.run().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async run(): Promise<void> {
    const now = this.now();
    const cells: Cell[] = [];
    const names = new Set<string>();
    for (const cell of this.touched) {
      if (cell.expiresAt <= now && cell.pending === 0) {
        this.touched.delete(cell);
        continue;
      }
      // One statement may name a row once: a second cell of the same window (a counter forgotten and made again) waits a tick.
      const name = `${cell.counter}\u0000${cell.windowStart}`;
      if (names.has(name)) continue;
      names.add(name);
      this.touched.delete(cell);
      cells.push(cell);
      if (cells.length >= SYNC_BATCH_MAX) break;
    }
    if (cells.length > 0) {
      for (const cell of cells) {
        cell.sent = cell.pending;
        cell.pending = 0;
      }
      try {
        const totals = await this.store.ratelimitWindows.add(cells.map((c) => ({ counter: c.counter, windowStart: c.windowStart, delta: c.sent, expiresAt: c.expiresAt })));
        for (const cell of cells) {
          const total = totals.get(`${cell.counter}\u0000${cell.windowStart}`);
          // The total counts this process's `sent` already, and anything others added: it is the new base.
          if (total !== undefined) cell.base = total;
          cell.sent = 0;
        }
        if (this.failing) this.logger.warn('Rate limit counters are synchronised through the database again');
        this.failing = false;
      } catch (error) {
        // Kept to send again: nothing admitted is lost, the counts are only local meanwhile.
        for (const cell of cells) {
          cell.pending += cell.sent;
          cell.sent = 0;
          this.touched.add(cell);
        }
        this.syncFailures++;
        if (!this.failing) this.logger.warn({ err: error }, 'Rate limit counters cannot be synchronised through the database: each process counts on its own until it can');
        this.failing = true;
      }
    }
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await this.store.ratelimitWindows.purgeExpired(now).catch(() => 0);
    }
  }

  async start(): Promise<void> {
    await this.local.start();
    if (this.timer !== null) return;
    const tick = () => {
      this.timer = setTimeout(() => void this.sync().finally(() => this.timer !== null && tick()), this.syncMs);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.local.stop();
    // What was admitted last still counts for the other processes.
    await this.sync();
  }
}
