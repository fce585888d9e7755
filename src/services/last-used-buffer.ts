export interface LastUse {
  accessKeyId: string;
  at: Date;
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
  private pending = new Map<string, number>();
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
  note(accessKeyId: string, at: number): void {
    const previous = this.pending.get(accessKeyId);
    if (previous === undefined) {
      this.pending.set(accessKeyId, at);
      this.arrivals.push(accessKeyId);
    } else if (previous < at) {
      this.pending.set(accessKeyId, at);
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
      const due = [...this.pending].map(([accessKeyId, at]) => ({ accessKeyId, at: new Date(at) }));
      this.written = new Set(due.map((d) => d.accessKeyId));
      this.pending = new Map();
      this.arrivals = [];
      this.windowStart = now;
      return due;
    }
    const due: LastUse[] = [];
    for (const accessKeyId of this.arrivals) {
      if (this.written.has(accessKeyId)) continue;
      const at = this.pending.get(accessKeyId);
      if (at === undefined) continue;
      due.push({ accessKeyId, at: new Date(at) });
      this.pending.delete(accessKeyId);
      this.written.add(accessKeyId);
    }
    this.arrivals = [];
    return due;
  }

  /** Entries whose write failed: back in the buffer (unless a later use is there already), due at the next take. */
  restore(entries: LastUse[]): void {
    for (const { accessKeyId, at } of entries) {
      this.written.delete(accessKeyId);
      const previous = this.pending.get(accessKeyId);
      if (previous === undefined || previous < at.getTime()) this.pending.set(accessKeyId, at.getTime());
      this.arrivals.push(accessKeyId);
    }
  }
}
