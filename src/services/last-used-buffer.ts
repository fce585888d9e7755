export interface LastUse {
  accessKeyId: string;
  at: Date;
  /** Source address of that use. */
  ip: string | null;
}

interface Use {
  at: number;
  ip: string | null;
}

/**
 * Last-used times waiting to be written. Writing one rewrites the key's row, so a key in steady
 * use is written when first seen in a window of `intervalMs`, and its later uses in that window
 * wait for the window's end; `take(true)` (an explicit flush, shutdown) hands over everything.
 * Per key only the latest time is kept. Every operation costs in proportion to the keys that
 * are new since the last take, except the one take per window that hands over what waited.
 */
export class LastUsedBuffer {
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** Latest use per key, not yet handed over. */
  private pending = new Map<string, Use>();
  /** Keys that entered `pending` since the last take, in order. */
  private arrivals: string[] = [];
  /** Keys handed over in the current window: their later uses wait for the window's end. */
  private written = new Set<string>();
  private windowStart: number;

  constructor(options: { intervalMs: number; now?: () => number }) {
    this.intervalMs = options.intervalMs;
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
  }

  /** The hot path: one map lookup. */
  note(accessKeyId: string, at: number, ip: string | null = null): void {
    const previous = this.pending.get(accessKeyId);
    if (previous === undefined) {
      this.pending.set(accessKeyId, { at, ip });
      this.arrivals.push(accessKeyId);
    } else if (previous.at < at) {
      previous.at = at;
      previous.ip = ip;
    }
  }

  get size(): number {
    return this.pending.size;
  }

  /** What should be written now (everything when `everything`); it counts as written from here. */
  take(everything: boolean): LastUse[] {
    const now = this.now();
    if (everything || now - this.windowStart >= this.intervalMs) {
      // A new window: everything that waited goes now, and every key may be written once again.
      const due = [...this.pending].map(([accessKeyId, use]) => ({ accessKeyId, at: new Date(use.at), ip: use.ip }));
      this.written = new Set(due.map((d) => d.accessKeyId));
      this.pending = new Map();
      this.arrivals = [];
      this.windowStart = now;
      return due;
    }
    const due: LastUse[] = [];
    for (const accessKeyId of this.arrivals) {
      if (this.written.has(accessKeyId)) continue;
      const use = this.pending.get(accessKeyId);
      if (use === undefined) continue;
      due.push({ accessKeyId, at: new Date(use.at), ip: use.ip });
      this.pending.delete(accessKeyId);
      this.written.add(accessKeyId);
    }
    this.arrivals = [];
    return due;
  }

  /** Entries whose write failed: back in the buffer (unless a later use is there already), due at the next take. */
  restore(entries: LastUse[]): void {
    for (const { accessKeyId, at, ip } of entries) {
      this.written.delete(accessKeyId);
      const previous = this.pending.get(accessKeyId);
      if (previous === undefined || previous.at < at.getTime()) this.pending.set(accessKeyId, { at: at.getTime(), ip });
      this.arrivals.push(accessKeyId);
    }
  }
}
