import { admits, windowIndex, type WindowCounts } from '../../core/sliding-window.js';
import { verdictOf, type LimitRef, type RateLimiter, type RateLimitMode, type RateVerdict } from './rate-limiter.js';

/**
 * One window's count of one counter: `base` is what the database last said of it (all
 * processes together; 0 in memory mode), `sent` what this process has sent and not yet heard
 * back, `pending` what it admitted since.
 */
export class Cell {
  base = 0;
  sent = 0;
  pending = 0;
  constructor(
    readonly counter: string,
    readonly windowStart: number,
    readonly expiresAt: number,
  ) {}
  get total(): number {
    return this.base + this.sent + this.pending;
  }
}

interface Counter {
  window: number;
  current: Cell;
  previous: Cell | null;
}

/** Counters tracked at most (each ~200 bytes); past it the oldest-started windows are forgotten. */
export const LOCAL_COUNTERS_MAX = 1_000_000;
/** How often counters whose windows have both passed are dropped (they count nothing any more). */
const SWEEP_EVERY_MS = 10_000;

/**
 * Counters in this process's memory: O(1) per limit per check, exact for one process. A counter
 * lives while its current or previous window does; the sweep drops the others, which loses
 * nothing (both windows over: it would count 0 anyway). Only more than LOCAL_COUNTERS_MAX live
 * counters forget some (the longest unrolled first).
 *
 * With `onSpend`, the database mode (database-sync.ts) hears which cells were spent on, to send
 * them at its next sync.
 */
export class LocalRateLimiter implements RateLimiter {
  readonly mode: RateLimitMode;
  readonly fallbacks = 0;
  readonly syncFailures = 0;
  private readonly counters = new Map<string, Counter>();
  private readonly max: number;
  private readonly onTouch: ((cell: Cell) => void) | null;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(options: { mode?: RateLimitMode; max?: number; onTouch?: (cell: Cell) => void; now?: () => number } = {}) {
    this.mode = options.mode ?? 'memory';
    this.now = options.now ?? Date.now;
    this.max = options.max ?? LOCAL_COUNTERS_MAX;
    this.onTouch = options.onTouch ?? null;
  }

  check(limits: readonly LimitRef[], cost: number, now: number): RateVerdict {
    const counters: Counter[] = [];
    const counts: WindowCounts[] = [];
    const admitted: boolean[] = [];
    for (const limit of limits) {
      const counter = this.counterFor(limit, now);
      const c = { current: counter.current.total, previous: counter.previous?.total ?? 0 };
      counters.push(counter);
      counts.push(c);
      admitted.push(admits(c, limit.limit, limit.durationMs, cost, now));
    }
    if (cost > 0 && admitted.every(Boolean)) {
      for (let i = 0; i < counters.length; i++) {
        counters[i]!.current.pending += cost;
        counts[i]!.current += cost;
      }
    }
    if (this.onTouch !== null) for (const counter of counters) this.onTouch(counter.current);
    return verdictOf(limits, counts, admitted, cost, now);
  }

  /** The counter of `limit`, rolled to the window `now` falls in. */
  private counterFor(limit: LimitRef, now: number): Counter {
    const window = windowIndex(now, limit.durationMs);
    let counter = this.counters.get(limit.counter);
    if (counter === undefined) {
      if (this.counters.size >= this.max) this.forgetOldest();
      counter = { window, current: this.cell(limit, window), previous: null };
      this.counters.set(limit.counter, counter);
      return counter;
    }
    if (counter.window !== window) {
      counter.previous = counter.window === window - 1 ? counter.current : null;
      counter.current = this.cell(limit, window);
      counter.window = window;
      // Re-inserted: the map's order is the order windows started in, what forgetOldest goes by.
      this.counters.delete(limit.counter);
      this.counters.set(limit.counter, counter);
    }
    return counter;
  }

  private cell(limit: LimitRef, window: number): Cell {
    const start = window * limit.durationMs;
    return new Cell(limit.counter, start, start + 2 * limit.durationMs);
  }

  private forgetOldest(): void {
    const oldest = this.counters.keys().next();
    if (!oldest.done) this.counters.delete(oldest.value);
  }

  /** Drops the counters that count nothing any more (both their windows are over). */
  sweep(now: number): number {
    let dropped = 0;
    for (const [id, counter] of this.counters) {
      // Synchronised counts still to send wait for their sync (it sends them, then the cell goes with the next sweep).
      const unsent = this.onTouch !== null && (counter.current.pending > 0 || counter.current.sent > 0);
      if (counter.current.expiresAt <= now && !unsent) {
        this.counters.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.counters.size;
  }

  async start(): Promise<void> {
    this.sweeper ??= setInterval(() => this.sweep(this.now()), SWEEP_EVERY_MS).unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}
