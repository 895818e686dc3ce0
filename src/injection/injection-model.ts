import type { FeaturizerSettings } from './featurize-window.js';

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
  /** Where the training rows came from, the seed and the validation figures at training time. */
  provenance: Record<string, unknown>;
}

/** Logit of one window from its distinct buckets. */
export function windowLogit(model: InjectionModel, buckets: Int32Array): number {
  if (buckets.length === 0) return model.bias;
  let sum = 0;
  for (const b of buckets) sum += model.weights[b] ?? 0;
  return model.bias + sum / Math.sqrt(buckets.length);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
