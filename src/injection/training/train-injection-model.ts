import { codesOf, createFeaturizer, DEFAULT_FEATURIZER, type FeaturizerSettings } from '../featurize-window.js';
import { NO_SOURCE_BIAS, windowLogit, type InjectionModel } from '../injection-model.js';
import { normalizeForModel } from '../normalize-text.js';
import { planWindows } from '../text-windows.js';
import { fitLogistic, type LogisticOptions } from './fit-logistic.js';
import type { InjectionRow } from './injection-rows.js';

export interface TrainInjectionOptions extends LogisticOptions {
  featurizer: FeaturizerSettings;
  /** Windows read per training row (spread from head to tail beyond that). */
  maxWindowsPerRow: number;
  /** Refits that move each attack's positive instance to its highest-scoring window. */
  rounds: number;
  /** Weight of a benign hard-negative row relative to another benign row (before class balancing). */
  hardNegativeWeight: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainInjectionOptions = {
  featurizer: DEFAULT_FEATURIZER,
  maxWindowsPerRow: 12,
  rounds: 2,
  hardNegativeWeight: 1,
  l2: 1e-3,
  minDocumentFrequency: 2,
  maxIterations: 300,
  tolerance: 1e-7,
};

interface RowWindows {
  label: 0 | 1;
  weight: number;
  windows: Int32Array[];
}

/**
 * Fits the window classifier. A benign row gives all its windows as negatives (together weighing
 * one row); an attack gives one window as the positive: first its head, then, for `rounds`
 * refits, its highest-scoring window under the previous fit (multiple-instance learning: in a long
 * mail with one planted sentence, only the window holding it is an attack). Classes are balanced
 * by weight. Deterministic: same rows and options, same model.
 */
export function trainInjectionModel(
  rows: readonly InjectionRow[],
  options: Partial<TrainInjectionOptions> = {},
  provenance: Record<string, unknown> = {},
): InjectionModel {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const featurizer = createFeaturizer(o.featurizer);
  const size = 2 ** o.featurizer.hashBits;
  const prepared: RowWindows[] = rows.map((row) => {
    const text = normalizeForModel(row.text);
    const plan = planWindows(text.length, o.featurizer.windowChars, o.featurizer.strideChars, o.maxWindowsPerRow);
    const features = featurizer.read(codesOf(text), text.length);
    return {
      label: row.label,
      weight: row.label === 0 && row.hardNegative ? o.hardNegativeWeight : 1,
      windows: plan.windows.map((w) => features.window(w.start, w.end)),
    };
  });
  const positives = prepared.filter((r) => r.label === 1).length;
  let negatives = 0;
  for (const r of prepared) if (r.label === 0) negatives += r.weight;
  const total = positives + negatives;
  const positiveWeight = positives === 0 ? 0 : total / (2 * positives);
  const negativeWeight = negatives === 0 ? 0 : total / (2 * negatives);
  let chosen = prepared.map(() => 0);
  let model: InjectionModel | null = null;
  for (let round = 0; round <= o.rounds; round++) {
    const buckets: Int32Array[] = [];
    const labels: number[] = [];
    const weights: number[] = [];
    prepared.forEach((row, r) => {
      if (row.label === 1) {
        buckets.push(row.windows[chosen[r] as number] as Int32Array);
        labels.push(1);
        weights.push(positiveWeight);
        return;
      }
      for (const w of row.windows) {
        buckets.push(w);
        labels.push(0);
        weights.push((negativeWeight * row.weight) / row.windows.length);
      }
    });
    const fit = fitLogistic({ buckets, labels: Uint8Array.from(labels), weights: Float64Array.from(weights) }, size, o);
    model = {
      featurizer: o.featurizer,
      bias: fit.bias,
      sourceBias: { ...NO_SOURCE_BIAS },
      weights: fit.weights,
      provenance: { ...provenance, iterations: fit.iterations, rounds: o.rounds },
    };
    const current = model;
    chosen = prepared.map((row) => {
      if (row.label === 0) return 0;
      let best = 0;
      row.windows.forEach((w, i) => {
        if (windowLogit(current, w) > windowLogit(current, row.windows[best] as Int32Array)) best = i;
      });
      return best;
    });
  }
  return model as InjectionModel;
}
