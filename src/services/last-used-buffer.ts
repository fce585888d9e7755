export interface LastUse {
  accessKeyId: string;
  at: Date;
  /** Source address of that use. */
  ip: string | null;
}

export interface Use {
  at: number;
  ip: string | null;
}

/** Latest uses handed over to be written, by access key ID. */
export type LastUses = ReadonlyMap<string, Use>;

/** A key's latest use while the buffer holds it. */
export interface PendingUse extends Use {
  /** The window it is pending in (-1 once handed over): a slot's shortcut to it holds only while this is the current one. */
  window: number;
}

/**
 * Where a caller keeps its key's pending use from one note to the next (verification: the key's
 * cache entry), so a note of a key already pending in this window reads one field instead of
 * looking the key up among every key noted in it (a random read in a map of up to a window's
 * worth of keys, ~0.9 µs a verification with 100,000 keys in use). The buffer's map stays the
 * authority: a slot only ever points at the object the map holds, and is checked before use.
 */
export interface UseSlot {
  pendingUse: PendingUse | null;
}

/**
 * Last-used times waiting to be written. Writing one rewrites the key's row, so a key in steady
 * use is written when first seen in a window of `intervalMs`, and its later uses in that window
 * wait for the window's end; `take(true)` (an explicit flush, shutdown) hands over everything.
 * Per key only the latest time is kept. Every operation costs in proportion to the keys that
 * are new since the last take; the one take per window that hands over what waited hands over
 * its map as it is (a copy of 100,000 keys held the event loop ~50 ms in the benchmark).
 */
export class LastUsedBuffer {
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** Latest use per key, not yet handed over. */
  private pending = new Map<string, PendingUse>();
  /** Counts the windows (a new `pending` each): what PendingUse.window is checked against. */
  private window = 0;
  /** Keys that entered `pending` since the last take and were not written in this window, in order. */
  private arrivals: string[] = [];
  /**
   * Keys handed over in the current window (their later uses wait for the window's end): those
   * handed over at its start (that hand-over's own map, never changed after) and those since.
   */
  private writtenAtStart: LastUses = new Map();
  private writtenSince = new Set<string>();
  private windowStart: number;

  constructor(options: { intervalMs: number; now?: () => number }) {
    this.intervalMs = options.intervalMs;
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
  }

  /**
   * The hot path: one map lookup (three at a key's first use since its last hand-over), none when
   * `slot` holds the key's use pending in this window. `slot` must be the key's own.
   */
  note(accessKeyId: string, at: number, ip: string | null = null, slot?: UseSlot): void {
    const held = slot?.pendingUse ?? null;
    let previous: PendingUse | undefined;
    if (held !== null && held.window === this.window) previous = held;
    else {
      previous = this.pending.get(accessKeyId);
      if (previous === undefined) {
        const use: PendingUse = { at, ip, window: this.window };
        this.pending.set(accessKeyId, use);
        if (slot !== undefined) slot.pendingUse = use;
        // A key written in this window waits for its end (then everything pending goes): only the others are due sooner.
        if (!this.writtenAtStart.has(accessKeyId) && !this.writtenSince.has(accessKeyId)) this.arrivals.push(accessKeyId);
        return;
      }
      if (slot !== undefined) slot.pendingUse = previous;
    }
    if (previous.at < at) {
      previous.at = at;
      previous.ip = ip;
    }
  }

  get size(): number {
    return this.pending.size;
  }

  /** What should be written now (everything when `everything`); it counts as written from here. */
  take(everything: boolean): LastUses {
    const now = this.now();
    if (everything || now - this.windowStart >= this.intervalMs) {
      // A new window: everything that waited goes now, and every key may be written once again.
      const due = this.pending;
      this.writtenAtStart = due;
      this.writtenSince = new Set();
      this.pending = new Map();
      // Every slot's shortcut goes stale with it: those uses are handed over.
      this.window++;
      this.arrivals = [];
      this.windowStart = now;
      return due;
    }
    const due = new Map<string, Use>();
    for (const accessKeyId of this.arrivals) {
      const use = this.pending.get(accessKeyId);
      if (use === undefined) continue;
      due.set(accessKeyId, use);
      this.pending.delete(accessKeyId);
      use.window = -1;
      this.writtenSince.add(accessKeyId);
    }
    this.arrivals = [];
    return due;
  }

  /** Entries whose write failed: back in the buffer (unless a later use is there already), due at the next take. */
  restore(entries: LastUse[]): void {
    for (const { accessKeyId, at, ip } of entries) {
      this.writtenSince.delete(accessKeyId);
      const previous = this.pending.get(accessKeyId);
      // Changed in place: a slot may point at it.
      if (previous === undefined) this.pending.set(accessKeyId, { at: at.getTime(), ip, window: this.window });
      else if (previous.at < at.getTime()) {
        previous.at = at.getTime();
        previous.ip = ip;
      }
      this.arrivals.push(accessKeyId);
    }
  }
}
