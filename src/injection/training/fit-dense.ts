import { seededRandom } from './generate-own-rows.js';

/**
 * A fastText-style window classifier over the same hashed, counted features as the linear model:
 * each bucket holds a small dense vector (`dim` values) instead of one weight; a window's vector
 * is the sum of its features' vectors divided by sqrt(n); the logit is a linear read of that
 * vector plus one small hidden layer (ReLU) over it:
 *
 *   v = sum(E[b]) / sqrt(n);  logit = bias + a·v + w2·relu(W1 v + b1)
 *
 * With `hidden` 0 it is a linear model again (a·v). Scanning reads one `dim`-value row per feature
 * (one cache line at dim 16–32 in int8), about what the linear model's one weight costs.
 */
export interface DenseWindowModel {
  hashBits: number;
  dim: number;
  hidden: number;
  /** 2^hashBits rows of `dim` values. */
  table: Float32Array;
  /** `dim`. */
  linear: Float32Array;
  /** `hidden` rows of `dim`. */
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  bias: number;
}

/** One training instance: a window's features as distinct buckets with their counts. */
export interface DenseInstance {
  buckets: Int32Array;
  counts: Float32Array;
  /** 1 / sqrt(number of feature occurrences). */
  scale: number;
}

export interface DenseOptions {
  dim: number;
  hidden: number;
  epochs: number;
  /** Adagrad step of the table. */
  tableRate: number;
  /** Adam step of the dense part. */
  denseRate: number;
  /** L2 on the touched table rows and the dense weights, per step. */
  l2: number;
  seed: number;
  /** Snapshots of the last epoch averaged into the final model (0: the last iterate). */
  averageSnapshots?: number;
}

export const DEFAULT_DENSE_OPTIONS: DenseOptions = { dim: 16, hidden: 16, epochs: 6, tableRate: 0.05, denseRate: 2e-3, l2: 1e-6, seed: 20250315 };

/** Turns a window's sorted bucket list (with repeats) into distinct buckets and counts. */
export function denseInstance(sorted: Int32Array): DenseInstance {
  const buckets: number[] = [];
  const counts: number[] = [];
  for (const b of sorted) {
    if (buckets.length > 0 && buckets[buckets.length - 1] === b) counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    else {
      buckets.push(b);
      counts.push(1);
    }
  }
  return { buckets: Int32Array.from(buckets), counts: Float32Array.from(counts), scale: sorted.length === 0 ? 0 : 1 / Math.sqrt(sorted.length) };
}

export function createDenseModel(hashBits: number, options: Pick<DenseOptions, 'dim' | 'hidden' | 'seed'>): DenseWindowModel {
  const random = seededRandom(options.seed);
  const { dim, hidden } = options;
  const table = new Float32Array(2 ** hashBits * dim);
  for (let i = 0; i < table.length; i++) table[i] = (random() - 0.5) * 0.02;
  const w1 = new Float32Array(hidden * dim);
  const bound = Math.sqrt(6 / (dim + hidden));
  for (let i = 0; i < w1.length; i++) w1[i] = (random() * 2 - 1) * bound;
  const w2 = new Float32Array(hidden);
  for (let i = 0; i < hidden; i++) w2[i] = (random() * 2 - 1) * 0.1;
  return { hashBits, dim, hidden, table, linear: new Float32Array(dim), w1, b1: new Float32Array(hidden), w2, bias: 0 };
}

/** The window vector `v` of an instance into `out`. */
function windowVector(model: DenseWindowModel, x: DenseInstance, out: Float64Array): void {
  const { dim, table } = model;
  out.fill(0);
  const { buckets, counts } = x;
  for (let k = 0; k < buckets.length; k++) {
    const row = (buckets[k] as number) * dim;
    const c = counts[k] as number;
    for (let d = 0; d < dim; d++) out[d] = (out[d] as number) + c * (table[row + d] as number);
  }
  for (let d = 0; d < dim; d++) out[d] = (out[d] as number) * x.scale;
}

/** Logit from a window vector (`hiddenOut` receives the hidden layer's pre-activations). */
export function headLogit(model: DenseWindowModel, v: ArrayLike<number>, hiddenOut?: Float64Array): number {
  const { dim, hidden, w1, b1, w2, linear } = model;
  let z = model.bias;
  for (let d = 0; d < dim; d++) z += (linear[d] as number) * (v[d] as number);
  for (let j = 0; j < hidden; j++) {
    let s = b1[j] as number;
    const row = j * dim;
    for (let d = 0; d < dim; d++) s += (w1[row + d] as number) * (v[d] as number);
    if (hiddenOut !== undefined) hiddenOut[j] = s;
    if (s > 0) z += (w2[j] as number) * s;
  }
  return z;
}

export function denseLogit(model: DenseWindowModel, x: DenseInstance, scratch = new Float64Array(model.dim)): number {
  windowVector(model, x, scratch);
  return headLogit(model, scratch);
}

/**
 * Weighted logistic loss by SGD over shuffled instances (seeded order): Adagrad on the table rows
 * a window touches, Adam on the head. Single-threaded and seeded, so the same instances and
 * options give the same model bit for bit.
 */
export function fitDense(
  model: DenseWindowModel,
  data: { instances: DenseInstance[]; labels: Uint8Array; weights: Float64Array; offsets?: Float64Array },
  options: DenseOptions,
): void {
  const { dim, hidden } = model;
  const random = seededRandom(options.seed + 17);
  const n = data.instances.length;
  let meanWeight = 0;
  for (const w of data.weights) meanWeight += w / n;
  const accumulator = new Float32Array(model.table.length).fill(1e-6);
  // Adam state of the head: linear, w1, b1, w2, bias in one vector.
  const headSize = dim + hidden * dim + hidden + hidden + 1;
  const m = new Float64Array(headSize);
  const s = new Float64Array(headSize);
  const grad = new Float64Array(headSize);
  const v = new Float64Array(dim);
  const pre = new Float64Array(hidden);
  const gv = new Float64Array(dim);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let step = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const snapshots = options.averageSnapshots ?? 0;
  const parts = [model.table, model.linear, model.w1, model.b1, model.w2];
  const sums = snapshots > 0 ? parts.map((p) => new Float64Array(p.length)) : [];
  let biasSum = 0;
  const snapshot = () => {
    parts.forEach((p, k) => {
      const sum = sums[k] as Float64Array;
      for (let i = 0; i < p.length; i++) sum[i] = (sum[i] as number) + (p[i] as number);
    });
    biasSum += model.bias;
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    const decay = 1 - epoch / options.epochs / 2;
    const last = epoch === options.epochs - 1;
    let done = 0;
    for (const r of order) {
      if (last && snapshots > 0 && done > 0 && done % Math.ceil(n / snapshots) === 0) snapshot();
      done++;
      const x = data.instances[r] as DenseInstance;
      windowVector(model, x, v);
      const z = headLogit(model, v, pre) + (data.offsets === undefined ? 0 : (data.offsets[r] as number));
      const w = (data.weights[r] as number) / meanWeight;
      const dz = w * (1 / (1 + Math.exp(-z)) - (data.labels[r] as number));
      // Gradients of the head, and of v.
      grad.fill(0);
      gv.fill(0);
      for (let d = 0; d < dim; d++) {
        grad[d] = dz * (v[d] as number);
        gv[d] = dz * (model.linear[d] as number);
      }
      for (let j = 0; j < hidden; j++) {
        const p = pre[j] as number;
        const w2j = model.w2[j] as number;
        grad[dim + hidden * dim + hidden + j] = p > 0 ? dz * p : 0;
        if (p <= 0) continue;
        const g = dz * w2j;
        const row = j * dim;
        for (let d = 0; d < dim; d++) {
          grad[dim + row + d] = g * (v[d] as number);
          gv[d] = (gv[d] as number) + g * (model.w1[row + d] as number);
        }
        grad[dim + hidden * dim + j] = g;
      }
      grad[headSize - 1] = dz;
      // Table rows: Adagrad, with L2 on the rows touched.
      const { buckets, counts } = x;
      const rate = options.tableRate * decay;
      for (let k = 0; k < buckets.length; k++) {
        const row = (buckets[k] as number) * dim;
        const c = (counts[k] as number) * x.scale;
        for (let d = 0; d < dim; d++) {
          const e = model.table[row + d] as number;
          const g = c * (gv[d] as number) + options.l2 * e;
          const a = (accumulator[row + d] as number) + g * g;
          accumulator[row + d] = a;
          model.table[row + d] = e - (rate * g) / Math.sqrt(a);
        }
      }
      // Head: Adam.
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      const headRate = options.denseRate * decay;
      const update = (k: number, value: number): number => {
        const g = (grad[k] as number) + options.l2 * value;
        const mk = beta1 * (m[k] as number) + (1 - beta1) * g;
        const sk = beta2 * (s[k] as number) + (1 - beta2) * g * g;
        m[k] = mk;
        s[k] = sk;
        return value - (headRate * (mk / c1)) / (Math.sqrt(sk / c2) + 1e-8);
      };
      for (let d = 0; d < dim; d++) model.linear[d] = update(d, model.linear[d] as number);
      for (let k = 0; k < hidden * dim; k++) model.w1[k] = update(dim + k, model.w1[k] as number);
      for (let j = 0; j < hidden; j++) model.b1[j] = update(dim + hidden * dim + j, model.b1[j] as number);
      for (let j = 0; j < hidden; j++) model.w2[j] = update(dim + hidden * dim + hidden + j, model.w2[j] as number);
      model.bias = update(headSize - 1, model.bias);
    }
  }
  if (snapshots > 0) {
    snapshot();
    const count = Math.ceil(n / Math.ceil(n / snapshots));
    parts.forEach((p, k) => {
      const sum = sums[k] as Float64Array;
      for (let i = 0; i < p.length; i++) p[i] = (sum[i] as number) / count;
    });
    model.bias = biasSum / count;
  }
}
