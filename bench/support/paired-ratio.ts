/**
 * The ratio of two rows measured in paired slices (A and B run next to each other, k-th slice of
 * A with the k-th of B): the geometric mean of the per-pair ratios B/A, with a 95% confidence
 * interval from Student's t on their logarithms. Pairing takes out what moves both slices of a pair
 * alike (the machine's drift); what is left is how much two neighbouring slices differ, and the
 * interval says how far the mean of that many pairs can be trusted.
 */
export interface PairedRatio {
  ratio: number;
  low: number;
  high: number;
  pairs: number;
}

export function pairedRatio(a: readonly number[], b: readonly number[]): PairedRatio | undefined {
  const logs = a.flatMap((x, k) => (x > 0 && b[k] > 0 ? [Math.log(b[k] / x)] : []));
  const n = logs.length;
  if (n < 2) return undefined;
  const mean = logs.reduce((sum, x) => sum + x, 0) / n;
  const variance = logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  const half = studentT975(n - 1) * Math.sqrt(variance / n);
  return { ratio: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half), pairs: n };
}

/** How the bench prints it: `1.094× (95% confidence interval 0.960–1.247 over 20 pairs)`. */
export function describePairedRatio(paired: PairedRatio): string {
  return `${paired.ratio.toFixed(3)}× (95% confidence interval ${paired.low.toFixed(3)}–${paired.high.toFixed(3)} over ${paired.pairs} pairs)`;
}

/**
 * The two-sided 95% quantile of Student's t with `df` degrees of freedom: exact from a table up to
 * 30, then the Cornish-Fisher expansion around the normal quantile (within 0.001 of it from 30 up).
 */
function studentT975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (df <= table.length) return table[df - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}
