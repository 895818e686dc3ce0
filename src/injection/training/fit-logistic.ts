import { minimizeLbfgs } from '../../router/complexity/lbfgs.js';

/** Training instances: each a window's distinct buckets (binary features scaled by 1/sqrt(n)). */
export interface Instances {
  buckets: Int32Array[];
  labels: Uint8Array;
  weights: Float64Array;
}

export interface LogisticOptions {
  l2: number;
  /** Buckets present in fewer instances get no weight (smaller file, less overfitting). */
  minDocumentFrequency: number;
  maxIterations: number;
  tolerance: number;
  /**
   * NB-SVM style feature scaling (Wang and Manning, 2012): each bucket's count is multiplied by
   * |r|^nbPower, r its log-count ratio between attack and benign instances (smoothed by
   * nbAlpha), before the fit; the written weight folds the scale in, so a scan costs the same.
   * The L2 prior then lets buckets that tell the classes apart take large weights cheaply and
   * keeps the others near zero. 0 (default): plain logistic regression.
   */
  nbPower?: number;
  nbAlpha?: number;
}

export interface LogisticFit {
  bias: number;
  /** Full-size weights (2^hashBits), zero where a bucket was pruned. */
  weights: Float32Array;
  iterations: number;
}

/**
 * Weighted, L2-regularised logistic regression by full-batch L-BFGS (the router's optimiser):
 * no randomness, so the same instances give the same weights bit for bit.
 */
export function fitLogistic(data: Instances, size: number, options: LogisticOptions): LogisticFit {
  const frequency = new Int32Array(size);
  for (const b of data.buckets) for (const i of b) frequency[i] = (frequency[i] as number) + 1;
  const columnOf = new Int32Array(size).fill(-1);
  const kept: number[] = [];
  for (let i = 0; i < size; i++) if ((frequency[i] as number) >= options.minDocumentFrequency) columnOf[i] = kept.push(i) - 1;
  const rows = data.buckets.map((b) => Int32Array.from([...b].map((i) => columnOf[i] as number).filter((c) => c >= 0)));
  const scales = Float64Array.from(data.buckets, (b) => (b.length === 0 ? 0 : 1 / Math.sqrt(b.length)));
  let total = 0;
  for (const w of data.weights) total += w;
  const n = kept.length;
  const columnScale = nbScales(rows, data, n, options.nbPower ?? 0, options.nbAlpha ?? 1);
  const objective = (x: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let value = 0;
    const bias = x[n] as number;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Int32Array;
      const scale = scales[r] as number;
      let sum = 0;
      for (const c of row) sum += (x[c] as number) * (columnScale[c] as number);
      const z = bias + scale * sum;
      const t = data.labels[r] as number;
      const w = (data.weights[r] as number) / total;
      value += w * (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t * z);
      const dz = w * (1 / (1 + Math.exp(-z)) - t);
      gradient[n] = (gradient[n] as number) + dz;
      const g = dz * scale;
      for (const c of row) gradient[c] = (gradient[c] as number) + g * (columnScale[c] as number);
    }
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      value += 0.5 * options.l2 * xi * xi;
      gradient[i] = (gradient[i] as number) + options.l2 * xi;
    }
    return value;
  };
  const result = minimizeLbfgs(objective, new Float64Array(n + 1), { maxIterations: options.maxIterations, tolerance: options.tolerance, memory: 10 });
  const weights = new Float32Array(size);
  kept.forEach((bucket, c) => (weights[bucket] = (result.x[c] as number) * (columnScale[c] as number)));
  return { bias: result.x[n] as number, weights, iterations: result.iterations };
}

/**
 * |r|^power per column, r = log((p / |p|) / (q / |q|)), p and q the weighted counts of instances
 * holding the column among attacks and benign ones, plus `alpha`. All ones when power is 0.
 */
function nbScales(rows: readonly Int32Array[], data: Instances, n: number, power: number, alpha: number): Float64Array {
  const scale = new Float64Array(n).fill(1);
  if (power === 0) return scale;
  const p = new Float64Array(n).fill(alpha);
  const q = new Float64Array(n).fill(alpha);
  const seen = new Int32Array(n).fill(-1);
  rows.forEach((row, r) => {
    const counts = data.labels[r] === 1 ? p : q;
    const w = data.weights[r] as number;
    for (const c of row) {
      if (seen[c] === r) continue;
      seen[c] = r;
      counts[c] = (counts[c] as number) + w;
    }
  });
  let sumP = 0;
  let sumQ = 0;
  for (let c = 0; c < n; c++) {
    sumP += p[c] as number;
    sumQ += q[c] as number;
  }
  for (let c = 0; c < n; c++) scale[c] = Math.abs(Math.log((p[c] as number) / sumP / ((q[c] as number) / sumQ))) ** power;
  return scale;
}
