/** The Mann-Whitney U test the timing suites use (test/support/mann-whitney.ts), against values scipy gives. */
import { describe, expect, it } from 'vitest';
import { mannWhitney, normalTail } from './support/mann-whitney.js';

describe('mannWhitney', () => {
  it('gives U, the two-sided p-value and the AUC of two separated samples as scipy.stats.mannwhitneyu (asymptotic) does', () => {
    const separated = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(separated.u).toBe(0);
    expect(separated.auc).toBe(0);
    // scipy: mannwhitneyu([1..5], [6..10], method='asymptotic') → pvalue 0.0121858
    expect(separated.p).toBeCloseTo(0.0121858, 6);
    expect(mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])).toMatchObject({ u: 25, auc: 1 });
  });

  it('corrects for ties and finds no difference between equal samples', () => {
    expect(mannWhitney([1, 2, 3, 4], [1, 2, 3, 4])).toMatchObject({ u: 8, p: 1, auc: 0.5 });
    // scipy 1.x: mannwhitneyu([1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5, 5], method='asymptotic') → statistic 5.5, pvalue 0.047968
    const tied = mannWhitney([1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5, 5]);
    expect(tied.u).toBe(5.5);
    expect(tied.p).toBeCloseTo(0.047968, 5);
  });

  it('has the normal tail right where the tests read it', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalTail(2.575829)).toBeCloseTo(0.005, 6);
    expect(normalTail(-1.959964)).toBeCloseTo(0.975, 6);
  });
});
