import type { SparseVector } from './featurize.js';
import { minimizeLbfgs } from './lbfgs.js';

/** What the linear heads are fitted to. */
export type LinearLoss =
  /** One softmax over the heads; `targets[k][i]` is row i's probability of class k (rows sum to 1). */
  | { kind: 'softmax'; targets: Float32Array[] }
  /** Independent logistic heads; `targets[k][i]` in [0, 1] is head k's target for row i. */
  | { kind: 'sigmoid'; targets: Float32Array[] }
  /** One least-squares head. */
  | { kind: 'squared'; targets: Float32Array };

export interface LinearFitOptions {
  /** L2 penalty on weights (not biases), per unit of average loss. */
  l2: number;
  /** Buckets present in fewer training rows get no weight (smaller file, less overfitting). */
  minDocumentFrequency: number;
  maxIterations: number;
  tolerance: number;
  /** Per-row weights (default 1). */
  sampleWeights?: Float32Array;
}

export interface LinearFit {
  heads: number;
  bias: number[];
  /** Hash bucket of each kept column, ascending. */
  columns: Int32Array;
  /** Column-major by head: weight of column c for head k is `weights[c * heads + k]`. */
  weights: Float32Array;
  iterations: number;
}

interface CompactRows {
  offsets: Int32Array;
  columns: Int32Array;
  values: Float64Array;
  buckets: Int32Array;
}

/** Maps kept buckets to dense column ids so the optimiser works on a small parameter vector. */
function compact(rows: readonly SparseVector[], minDocumentFrequency: number): CompactRows {
  const frequency = new Map<number, number>();
  for (const row of rows) for (const index of row.indices) frequency.set(index, (frequency.get(index) ?? 0) + 1);
  const buckets = Int32Array.from([...frequency].filter(([, n]) => n >= minDocumentFrequency).map(([b]) => b)).sort();
  const columnOf = new Map<number, number>();
  buckets.forEach((bucket, column) => columnOf.set(bucket, column));
  const offsets = new Int32Array(rows.length + 1);
  const columns: number[] = [];
  const values: number[] = [];
  rows.forEach((row, r) => {
    row.indices.forEach((index, j) => {
      const column = columnOf.get(index);
      if (column === undefined) return;
      columns.push(column);
      values.push(row.values[j] ?? 0);
    });
    offsets[r + 1] = columns.length;
  });
  return { offsets, columns: Int32Array.from(columns), values: Float64Array.from(values), buckets };
}

function headCount(loss: LinearLoss): number {
  return loss.kind === 'squared' ? 1 : loss.targets.length;
}

/** Writes d(loss)/d(logit) for row `r` into `dz` and returns the row's loss. */
function rowLoss(loss: LinearLoss, r: number, z: Float64Array, dz: Float64Array): number {
  if (loss.kind === 'softmax') {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of z) max = Math.max(max, v);
    let total = 0;
    for (let k = 0; k < z.length; k++) total += Math.exp((z[k] ?? 0) - max);
    // Cross-entropy with soft targets: sum_k t_k (log total + max - z_k), as sum_k t_k = 1.
    let value = Math.log(total) + max;
    for (let k = 0; k < z.length; k++) {
      const t = loss.targets[k]?.[r] ?? 0;
      dz[k] = Math.exp((z[k] ?? 0) - max) / total - t;
      value -= t * (z[k] ?? 0);
    }
    return value;
  }
  if (loss.kind === 'sigmoid') {
    let sum = 0;
    for (let k = 0; k < z.length; k++) {
      const v = z[k] ?? 0;
      const t = loss.targets[k]?.[r] ?? 0;
      // log(1 + e^v) - t v, written to stay finite for large |v|.
      sum += Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))) - t * v;
      dz[k] = 1 / (1 + Math.exp(-v)) - t;
    }
    return sum;
  }
  const error = (z[0] ?? 0) - (loss.targets[r] ?? 0);
  dz[0] = error;
  return 0.5 * error * error;
}

/**
 * Fits a regularised linear model on sparse rows by full-batch L-BFGS. Deterministic: same rows,
 * same options, same weights.
 */
export function fitLinear(rows: readonly SparseVector[], loss: LinearLoss, options: LinearFitOptions): LinearFit {
  const data = compact(rows, options.minDocumentFrequency);
  const heads = headCount(loss);
  const size = data.buckets.length * heads;
  const weightOf = (r: number) => options.sampleWeights?.[r] ?? 1;
  let totalWeight = 0;
  for (let r = 0; r < rows.length; r++) totalWeight += weightOf(r);
  const z = new Float64Array(heads);
  const dz = new Float64Array(heads);
  const { offsets, columns, values } = data;
  const rowWeights = Float64Array.from(rows, (_, r) => weightOf(r) / totalWeight);
  const objective = (x: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let value = 0;
    for (let r = 0; r < rows.length; r++) {
      const start = offsets[r] as number;
      const end = offsets[r + 1] as number;
      for (let k = 0; k < heads; k++) z[k] = x[size + k] as number;
      for (let j = start; j < end; j++) {
        const base = (columns[j] as number) * heads;
        const v = values[j] as number;
        for (let k = 0; k < heads; k++) z[k] = (z[k] as number) + v * (x[base + k] as number);
      }
      const w = rowWeights[r] as number;
      value += w * rowLoss(loss, r, z, dz);
      for (let k = 0; k < heads; k++) gradient[size + k] = (gradient[size + k] as number) + w * (dz[k] as number);
      for (let j = start; j < end; j++) {
        const base = (columns[j] as number) * heads;
        const v = w * (values[j] as number);
        for (let k = 0; k < heads; k++) gradient[base + k] = (gradient[base + k] as number) + v * (dz[k] as number);
      }
    }
    for (let i = 0; i < size; i++) {
      const xi = x[i] as number;
      value += 0.5 * options.l2 * xi * xi;
      gradient[i] = (gradient[i] as number) + options.l2 * xi;
    }
    return value;
  };
  const result = minimizeLbfgs(objective, new Float64Array(size + heads), {
    maxIterations: options.maxIterations,
    tolerance: options.tolerance,
    memory: 10,
  });
  return {
    heads,
    bias: Array.from(result.x.subarray(size)),
    columns: data.buckets,
    weights: Float32Array.from(result.x.subarray(0, size)),
    iterations: result.iterations,
  };
}
