import { ACCESS_KEY_ID_PREFIX } from './key-format.js';

/** Buckets by the two characters after the key ID's prefix (7 bits each: ASCII; anything else shares the last bucket). */
const BUCKET_BITS = 7;
const CHAR_MAX = (1 << BUCKET_BITS) - 1;

function bucketOf(id: string): number {
  const at = ACCESS_KEY_ID_PREFIX.length;
  const a = Math.min(id.charCodeAt(at) || 0, CHAR_MAX);
  const b = Math.min(id.charCodeAt(at + 1) || 0, CHAR_MAX);
  return (a << BUCKET_BITS) | b;
}

/**
 * Splits items, added one at a time (so a caller can spread a large set over several turns of
 * the event loop), into chunks of at most `size` that each cover a narrow, contiguous range of key
 * IDs (unsorted within: sort each with `byKeyId` when it is written, so a large write never
 * sorts all its chunks in one turn of the event loop). The usage tables are stored in key order (WITHOUT ROWID on
 * SQLite), so a write of keys from one range touches a few neighbouring pages where a write of
 * keys picked at random touches one page per key: in a micro-benchmark (100,000 keys, 60,000 a
 * write, chunks of 2,000) the SQLite writer took 2.4–3.3 s a write instead of 5.8–10.8 s. It costs
 * one pass to bucket by the ID's first characters and a sort of each chunk, never a sort of the
 * whole write (100,000 keys took ~100 ms of the event loop to sort at once).
 */
export class KeyRanges<T> {
  private readonly buckets = new Map<number, T[]>();

  constructor(private readonly idOf: (item: T) => string) {}

  add(item: T): void {
    const b = bucketOf(this.idOf(item));
    const bucket = this.buckets.get(b);
    if (bucket === undefined) this.buckets.set(b, [item]);
    else bucket.push(item);
  }

  /** The items added so far, in chunks of at most `size`, each from one narrow range of key IDs. */
  chunks(size: number): T[][] {
    const order = [...this.buckets.keys()].sort((x, y) => x - y);
    const chunks: T[][] = [];
    let chunk: T[] = [];
    for (const b of order) {
      for (const item of this.buckets.get(b)!) {
        chunk.push(item);
        if (chunk.length === size) {
          chunks.push(chunk);
          chunk = [];
        }
      }
    }
    if (chunk.length > 0) chunks.push(chunk);
    return chunks;
  }
}

/**
 * Cuts `items` (in the order given) into runs whose weights add up to at most `max`; an item
 * heavier than `max` makes a run of its own. Used to bound the records of one usage write.
 */
export function byWeight<T>(items: readonly T[], weight: (item: T) => number, max: number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let total = 0;
  for (const item of items) {
    const w = weight(item);
    if (run.length > 0 && total + w > max) {
      runs.push(run);
      run = [];
      total = 0;
    }
    run.push(item);
    total += w;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Orders one write's keys (each write is one transaction), so concurrent writers lock rows in one order. */
export const byKeyId = (a: { accessKeyId: string }, b: { accessKeyId: string }): number => (a.accessKeyId < b.accessKeyId ? -1 : a.accessKeyId > b.accessKeyId ? 1 : 0);
