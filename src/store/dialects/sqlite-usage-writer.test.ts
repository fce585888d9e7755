import { describe, expect, it } from 'vitest';
import { addCountsText } from './sqlite-usage-writer.js';

/** What the SQLite writer's counts function did before it worked on the text: parse, add slot by slot, stringify. */
const byJson = (stored: string, added: string): string => {
  const sum = JSON.parse(stored) as number[];
  (JSON.parse(added) as number[]).forEach((n, i) => {
    sum[i] = (sum[i] ?? 0) + n;
  });
  return JSON.stringify(sum);
};

/** A seeded generator, so a failure names arrays that can be made again. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('addCountsText (a counter row plus a write, in the SQLite usage writer)', () => {
  it('adds a sparse write to a minute row exactly as parsing both would, for 5,000 random rows', () => {
    const random = generator(7);
    for (let n = 0; n < 5_000; n++) {
      const length = n % 3 === 0 ? 24 : 60;
      const stored = Array.from({ length }, () => (random() < 0.3 ? Math.floor(random() * 10 ** Math.floor(random() * 9)) : 0));
      const added = Array.from({ length }, () => (random() < 0.05 ? 1 + Math.floor(random() * 5_000) : 0));
      const s = JSON.stringify(stored);
      const a = JSON.stringify(added);
      expect(addCountsText(s, a), `${s} + ${a}`).toBe(byJson(s, a));
    }
  });

  it('adds into the first and the last slot and answers the stored text itself when nothing is added', () => {
    expect(addCountsText('[1,0,7]', '[2,0,3]')).toBe('[3,0,10]');
    expect(addCountsText('[0]', '[9]')).toBe('[9]');
    const stored = JSON.stringify(new Array(60).fill(4));
    expect(addCountsText(stored, JSON.stringify(new Array(60).fill(0)))).toBe(stored);
  });

  it('takes the long way, with the same sum, for arrays of different lengths, empty arrays and slots that are not plain digits', () => {
    for (const [stored, added] of [
      ['[1,2,3]', '[1]'],
      ['[1]', '[1,2,3]'],
      ['[]', '[]'],
      ['[]', '[4]'],
      ['[ 1, 2 ]', '[0,5]'],
      ['[1.5,2]', '[1,0]'],
      ['[1e2,0]', '[1,0]'],
      ['[1e2,0]', '[0,1]'],
      ['[0,-3]', '[0,1]'],
      ['[7,2]', '[0,9007199254740991]'],
    ] as const) {
      expect(addCountsText(stored, added), `${stored} + ${added}`).toBe(byJson(stored, added));
    }
  });

  it('refuses text that is not JSON, as the statement did before', () => {
    expect(() => addCountsText('[1,2', '[0,1]')).toThrow(SyntaxError);
    expect(() => addCountsText('[01,2]', '[0,1]')).toThrow(SyntaxError);
  });
});
