/**
 * Latency histogram at 10 µs resolution (autocannon's own histogram rounds to whole
 * milliseconds, too coarse to judge a 5 ms target).
 */
const RESOLUTION_MS = 0.01;
const BUCKETS = 1_000_000; // 10 s; anything slower lands in the last bucket.

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private highest = 0;

  record(ms: number): void {
    const index = Math.min(BUCKETS - 1, Math.floor(ms / RESOLUTION_MS));
    this.counts[index]!++;
    this.total++;
    this.sum += ms;
    if (ms > this.highest) this.highest = ms;
  }

  get count(): number {
    return this.total;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  get max(): number {
    return this.highest;
  }

  /** The latency (ms, upper edge of its bucket) under which `p` percent of responses fell. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return (i + 1) * RESOLUTION_MS;
    }
    return this.highest;
  }
}
