import type { FeaturizerSettings } from './featurize-window.js';
import type { InjectionSource } from './injection-sources.js';

/**
 * A linear classifier over hashed features of one window of text. A window's logit is
 * `bias + sum(weights[b]) / sqrt(n)` over its n distinct buckets (binary features, L2-normalised,
 * so length alone moves the score little); a text's logit is the largest of its windows' logits.
 */
export interface InjectionModel {
  featurizer: FeaturizerSettings;
  bias: number;
  /** One weight per bucket (2^hashBits). */
  weights: Float32Array;
  /**
   * Sources read by a table of their own instead of `bias` and `weights` (same featuriser, so a
   * scan still reads one table). Round 7: user messages are read by a model trained with attacks
   * planted in the package docs; trained on the docs alone, a linear model learns that long English
   * prose is benign, jailbreaks too (decision 0006).
   */
  sourceTables?: Partial<Record<InjectionSource, WeightTable>>;
  /**
   * Logit added per source so that the shipped threshold (0.5) is the operating point chosen on
   * benign calibration rows (see scripts/train-injection.ts). Zero for weights without it.
   */
  sourceBias: Record<InjectionSource, number>;
  /** Where the training rows came from, the seed and the validation figures at training time. */
  provenance: Record<string, unknown>;
}

/** A bias and one weight per bucket: what a window's logit is read from. */
export interface WeightTable {
  bias: number;
  weights: Float32Array;
}

/** The table a source is read by: its own, else the model's. */
export function tableOf(model: InjectionModel, source: InjectionSource): WeightTable {
  return model.sourceTables?.[source] ?? model;
}

/** Logit of one window from its distinct buckets. */
export function windowLogit(model: Pick<InjectionModel, 'bias' | 'weights'>, buckets: Int32Array): number {
  if (buckets.length === 0) return model.bias;
  let sum = 0;
  for (const b of buckets) sum += model.weights[b] ?? 0;
  return model.bias + sum / Math.sqrt(buckets.length);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export const NO_SOURCE_BIAS: Record<InjectionSource, number> = { user: 0, document: 0, tool: 0 };
