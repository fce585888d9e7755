/**
 * Key IDs the database was asked about and did not know, kept apart from the key cache: a
 * stream of well-formed random IDs fills this bounded set, never the key LRU, so it cannot
 * evict real keys (and with them their derived signing keys). Guessing the same ID again
 * costs no database query until its entry ages out or is pushed out by newer misses.
 *
 * Entries are short-lived on purpose: a miss is the one answer that becomes wrong without
 * anything being evicted should a change ever be missed (a key created under that ID), so it
 * is trusted only briefly. Creating a key writes a change row for its ID, and the key cache
 * drops the entry on that change (at once in the creating process, at the next poll elsewhere).
 */

export interface NegativeCacheOptions {
  /** At most this many IDs are remembered; the oldest goes first. */
  max: number;
  /** How long a miss is trusted. */
  ttlMs: number;
  /** Monotonic milliseconds (performance.now unless a test gives its own). */
  now?: () => number;
}

export class NegativeCache {
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** ID → until when it is trusted; insertion order is age order, so the first entry is the oldest. */
  private readonly until = new Map<string, number>();

  constructor(options: NegativeCacheOptions) {
    if (!(options.max >= 1)) throw new Error('NegativeCache: max must be at least 1');
    this.max = options.max;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? (() => performance.now());
  }

  /** Whether the ID is known not to exist (and the knowledge is still fresh). */
  has(accessKeyId: string): boolean {
    const until = this.until.get(accessKeyId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(accessKeyId);
    return false;
  }

  add(accessKeyId: string): void {
    // Re-adding moves the ID to the young end, so the age order stays the expiry order.
    this.until.delete(accessKeyId);
    if (this.until.size >= this.max) this.until.delete(this.until.keys().next().value!);
    this.until.set(accessKeyId, this.now() + this.ttlMs);
  }

  delete(accessKeyId: string): void {
    this.until.delete(accessKeyId);
  }

  get size(): number {
    return this.until.size;
  }
}
