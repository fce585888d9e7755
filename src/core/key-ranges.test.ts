import { describe, expect, it } from 'vitest';
import { generateAccessKeyId } from '../crypto/random.js';
import { byKeyId, byWeight, KeyRanges } from './key-ranges.js';

/** Every item added to KeyRanges, then its chunks. */
function inKeyRanges<T>(items: readonly T[], idOf: (item: T) => string, size: number): T[][] {
  const ranges = new KeyRanges(idOf);
  for (const item of items) ranges.add(item);
  return ranges.chunks(size);
}

describe('KeyRanges', () => {
  const ids = Array.from({ length: 10_000 }, () => generateAccessKeyId());

  it('keeps every item once, in chunks of at most the size', () => {
    const chunks = inKeyRanges(ids, (id) => id, 700).map((c) => c.sort());
    expect(chunks.flat().sort()).toEqual([...ids].sort());
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(700);
      expect(chunk).toEqual([...chunk].sort());
    }
    expect(chunks.slice(0, -1).every((c) => c.length === 700)).toBe(true);
  });

  it('gives each chunk a narrow range of the key space: chunks overlap only where a bucket is split', () => {
    const sorted = [...ids].sort();
    const chunks = inKeyRanges(ids, (id) => id, 1_000).map((c) => c.sort());
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!;
      const first = chunks[i]![0]!;
      // Every chunk starts at or after the two-character bucket where the one before ends.
      expect(first.slice(0, 4) >= previous[previous.length - 1]!.slice(0, 4)).toBe(true);
    }
    // A chunk of 1,000 of 10,000 random IDs spans about a tenth of them, not the whole range.
    for (const chunk of chunks) {
      const span = sorted.indexOf(chunk[chunk.length - 1]!) - sorted.indexOf(chunk[0]!);
      expect(span).toBeLessThan(1_400);
    }
  });

  it('byKeyId orders by access key ID', () => {
    const items = ['LKB', 'LKA', 'LKC', 'LKA'].map((accessKeyId) => ({ accessKeyId }));
    expect(items.sort(byKeyId).map((i) => i.accessKeyId)).toEqual(['LKA', 'LKA', 'LKB', 'LKC']);
  });

  it('takes IDs of any shape (imported keys): short, empty, non-ASCII', () => {
    const odd = ['', 'L', 'LK', 'LKé', 'LK\u{1F600}', 'zz', ...ids.slice(0, 10)];
    expect(
      inKeyRanges(odd, (id) => id, 3)
        .flat()
        .sort(),
    ).toEqual([...odd].sort());
    expect(inKeyRanges([], (id: string) => id, 3)).toEqual([]);
  });
});

describe('byWeight', () => {
  it('cuts items in order into runs weighing at most the maximum, a heavier item alone', () => {
    const weights = [3, 1, 2, 6, 1, 1, 4];
    const runs = byWeight(weights, (w) => w, 4);
    expect(runs).toEqual([[3, 1], [2], [6], [1, 1], [4]]);
    expect(runs.flat()).toEqual(weights);
    expect(byWeight([], (w: number) => w, 4)).toEqual([]);
  });
});
