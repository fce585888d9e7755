/**
 * The Mann-Whitney U test (two-sided), for timing comparisons: it compares ranks, not means, so
 * the long tail a loaded machine adds (a GC pause, a descheduled thread) weighs one rank, not
 * thousands of microseconds. Normal approximation with the tie correction and the continuity
 * correction (as scipy.stats.mannwhitneyu(method='asymptotic')): exact enough for samples of
 * more than 20 each.
 */
export interface MannWhitneyResult {
  /** U of the first sample. */
  u: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
  /** P(a sample of a > a sample of b) + half the ties: 0.5 when neither tends to be larger. */
  auc: number;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitney: both samples need values');
  const all = [...a.map((value) => ({ value, first: true })), ...b.map((value) => ({ value, first: false }))].sort((x, y) => x.value - y.value);
  const n = all.length;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.value === all[i]!.value) j++;
    // Ranks are 1-based; a run of ties shares the mean of its ranks.
    const rank = (i + j + 2) / 2;
    const ties = j - i + 1;
    if (ties > 1) tieTerm += ties ** 3 - ties;
    for (let k = i; k <= j; k++) if (all[k]!.first) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const distance = Math.abs(u - mean);
  const z = sigma === 0 ? 0 : (Math.sign(u - mean) * Math.max(0, distance - 0.5)) / sigma;
  return { u, z, p: Math.min(1, 2 * normalTail(Math.abs(z))), auc: u / (n1 * n2) };
}

/** P(Z > z) for a standard normal Z: erfc(z / √2) / 2, erfc by W. J. Cody's rational approximation (Numerical Recipes erfcc, |error| < 1.2e-7). */
export function normalTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return (x >= 0 ? erfc : 2 - erfc) / 2;
}
