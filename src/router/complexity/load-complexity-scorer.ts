import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlambeauError } from '../../errors/index.js';
import { scoreFeatures, thresholdForShare, type ComplexityModel } from './complexity-model.js';
import { decodeComplexityModel } from './complexity-weights-wire.js';
import { createFeaturizer } from './featurize.js';

/** The weights shipped with flambeau (trained by scripts/train-router.ts). */
export const SHIPPED_WEIGHTS_PATH = fileURLToPath(new URL('./complexity-weights.json', import.meta.url));

export interface ComplexityScorer {
  /** 0..1, higher = more likely the local model fails where the cloud one succeeds. 0.5 = no difference expected. */
  score(text: string): number;
  /**
   * Threshold giving about `share` (0..1) of cloud calls on traffic like the training prompts:
   * route to the cloud when `score(text) >= threshold`. 0 gives +Infinity, 1 gives 0.
   */
  thresholdForCloudShare(share: number): number;
  readonly model: ComplexityModel;
}

/** Wraps a model in a scorer (one featurizer with its scratch buffers per scorer). */
export function createComplexityScorer(model: ComplexityModel): ComplexityScorer {
  const featurizer = createFeaturizer(model.featurizer);
  return {
    model,
    score: (text) => scoreFeatures(model, featurizer.featurize(text)),
    thresholdForCloudShare: (share) => thresholdForShare(model.scoreQuantiles, share),
  };
}

/**
 * Loads a weights file (default: the shipped one) once; keep the scorer for the process's life.
 * A missing or unreadable file throws `internal`.
 */
export function loadComplexityScorer(path: string = SHIPPED_WEIGHTS_PATH): ComplexityScorer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FlambeauError('internal', 'Cannot read the complexity weights file.', { details: { path }, cause });
  }
  return createComplexityScorer(decodeComplexityModel(text));
}
