import type { Features, FeaturizerOptions, SparseVector } from './featurize.js';
import type { PromptKind } from './text-cues.js';

/**
 * What a part's linear heads predict. Every objective yields an estimate of the expected gain
 * of the strong model over the weak one, P(strong right) - P(weak right), in [-1, 1]: ranking
 * prompts by it is what maximises the quality recovered for a given share of strong calls.
 *
 * - `joint`: softmax over the four (weak, strong) outcomes; gain = P(0,1) - P(1,0).
 * - `two-head`: two logistic heads P(weak right), P(strong right); gain = their difference.
 * - `gain`: least squares on strong - weak.
 */
export type ComplexityObjective = 'joint' | 'two-head' | 'gain';

export const HEADS: Readonly<Record<ComplexityObjective, number>> = { joint: 4, 'two-head': 2, gain: 1 };

/** Joint classes are `weak * 2 + strong`. */
export const JOINT_STRONG_ONLY = 1;
export const JOINT_WEAK_ONLY = 2;

/** One linear model, used for the prompts of one kind. */
export interface ComplexityPart {
  objective: ComplexityObjective;
  bias: number[];
  /** Dense over the hash space: weight of bucket b for head k is `weights[b * heads + k]`. */
  weights: Float32Array;
}

export interface ComplexityModel {
  featurizer: FeaturizerOptions;
  /** The part scoring each prompt kind (two kinds may share one part). */
  parts: Record<PromptKind, ComplexityPart>;
  /** Ascending scores of the training prompts at evenly spaced quantiles (first = min, last = max). */
  scoreQuantiles: number[];
  /** Free-form provenance (rows, benches, options) kept in the weights file. */
  provenance: Record<string, unknown>;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Expected gain in [-1, 1] from a part's logits. */
export function gainFromLogits(objective: ComplexityObjective, z: ArrayLike<number>): number {
  if (objective === 'gain') return Math.max(-1, Math.min(1, z[0] ?? 0));
  if (objective === 'two-head') return sigmoid(z[1] ?? 0) - sigmoid(z[0] ?? 0);
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < 4; k++) max = Math.max(max, z[k] ?? 0);
  let total = 0;
  for (let k = 0; k < 4; k++) total += Math.exp((z[k] ?? 0) - max);
  return (Math.exp((z[JOINT_STRONG_ONLY] ?? 0) - max) - Math.exp((z[JOINT_WEAK_ONLY] ?? 0) - max)) / total;
}

/** A part's score of a feature vector: (expected gain + 1) / 2, in [0, 1]. */
export function scoreWithPart(part: ComplexityPart, features: SparseVector): number {
  const heads = part.bias.length;
  const z = part.bias.slice();
  const { indices, values } = features;
  for (let j = 0; j < indices.length; j++) {
    const base = (indices[j] as number) * heads;
    const v = values[j] as number;
    for (let k = 0; k < heads; k++) z[k] = (z[k] as number) + v * (part.weights[base + k] as number);
  }
  return (gainFromLogits(part.objective, z) + 1) / 2;
}

/**
 * Scores featurized text with the part of its kind: 0..1, higher = more to gain from the strong
 * model. The map from the expected gain g is (g + 1) / 2, so 0.5 means "no difference expected".
 */
export function scoreFeatures(model: ComplexityModel, features: Features): number {
  return scoreWithPart(model.parts[features.kind], features);
}

/**
 * The score threshold above which about `share` of the training prompts would go to the strong
 * model ("score >= threshold" routes to the cloud). `share` <= 0 gives +Infinity (never), >= 1
 * gives 0 (always).
 */
export function thresholdForShare(scoreQuantiles: readonly number[], share: number): number {
  if (!(share > 0)) return Number.POSITIVE_INFINITY;
  if (share >= 1 || scoreQuantiles.length === 0) return 0;
  const position = (1 - share) * (scoreQuantiles.length - 1);
  const low = Math.floor(position);
  const a = scoreQuantiles[low] ?? 0;
  const b = scoreQuantiles[Math.min(low + 1, scoreQuantiles.length - 1)] ?? a;
  return a + (position - low) * (b - a);
}
