/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of a pass rate (95%): unlike the normal approximation it stays inside
 * [0, 1] and is honest for small suites and rates near 0 or 1 (10/10 passes gives [0.72, 1], not
 * [1, 1]). No trial: [0, 1].
 */
export function wilsonInterval(passed: number, total: number, z: number = Z95): { low: number; high: number } {
  if (total <= 0) return { low: 0, high: 1 };
  const p = passed / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const center = (p + z2 / (2 * total)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  // All passed (none passed): the bound is exactly 1 (0), not a rounding error away from it.
  return { low: passed === 0 ? 0 : Math.max(0, center - half), high: passed === total ? 1 : Math.min(1, center + half) };
}

/** The nearest-rank percentile (p in 0..100) of the values: always one of them; null when there is none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * McNemar's exact test on paired cases (the same case graded in two runs): `b` cases went from
 * pass to fail, `c` from fail to pass. The two-sided p-value that the two runs are equally good;
 * small (< 0.05) means the change in pass rate is unlikely to be chance. 1 when nothing flipped.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so n in the thousands does not underflow.
  let logTerm = -n * Math.LN2; // log C(n,0) / 2^n
  let sum = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i);
    sum += Math.exp(logTerm);
  }
  return Math.min(1, 2 * sum);
}
