import { FlambeauError } from '../../errors/index.js';
import { HEADS, scoreFeatures, type ComplexityModel, type ComplexityObjective, type ComplexityPart } from './complexity-model.js';
import { createFeaturizer, type Features, type FeaturizerOptions } from './featurize.js';
import { fitLinear, type LinearLoss } from './fit-linear.js';
import type { RoutingRow } from './routing-rows-wire.js';
import type { PromptKind } from './text-cues.js';

/** How one part (the linear model of one prompt kind) is fitted. */
export interface PartOptions {
  objective: ComplexityObjective;
  /** L2 penalty per unit of average loss. */
  l2: number;
  /** n-gram buckets seen in fewer training prompts get no weight. */
  minDocumentFrequency: number;
  /** Share (0..1) of each row's target taken from its subject's average instead (see jointTargets). */
  subjectSmoothing: number;
}

export interface TrainComplexityOptions {
  featurizer: Partial<FeaturizerOptions>;
  /** Options of the part for multiple-choice prompts. */
  choice: PartOptions;
  /** Options of the part for open prompts (chat, word problems, code...). */
  open: PartOptions;
  /** A kind with fewer rows than this is scored by one part fitted on all rows instead. */
  minRowsPerKind: number;
  maxIterations: number;
  tolerance: number;
  /** Number of quantile steps of the training score distribution kept for cloud shares. */
  quantileSteps: number;
  /**
   * Buckets whose weights are all smaller than this share of the part's largest weight (in
   * absolute value) are dropped after the fit. Most buckets carry tiny weights: at 0.04 the
   * shipped file shrinks about 4x and APGR on held-out rows moves by about 0.001. Relative, as
   * the weight scale differs between objectives.
   */
  pruneBelow: number;
}

/** Defaults chosen by cross-validation on the training part of the RouteLLM-derived data. */
export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainComplexityOptions> = Object.freeze<TrainComplexityOptions>({
  featurizer: {},
  choice: { objective: 'joint', l2: 1e-4, minDocumentFrequency: 2, subjectSmoothing: 0.5 },
  open: { objective: 'gain', l2: 3e-3, minDocumentFrequency: 1, subjectSmoothing: 0 },
  minRowsPerKind: 200,
  maxIterations: 200,
  tolerance: 1e-7,
  quantileSteps: 200,
  pruneBelow: 0.04,
});

const KINDS: readonly PromptKind[] = ['choice', 'open'];

/**
 * Per-row outcome distribution over the joint classes `weak * 2 + strong`, shrunk by `smoothing`
 * toward the average of the other rows of the same bench and subject. One row's outcome is a
 * single noisy draw; its subject's average is a steadier estimate of the same thing, and the
 * subject (known when training, unseen when serving) is mostly readable from the text.
 */
export function jointTargets(rows: readonly RoutingRow[], smoothing: number): Float32Array[] {
  const own = rows.map((r) => {
    const w = Math.min(1, Math.max(0, r.weak));
    const s = Math.min(1, Math.max(0, r.strong));
    return [(1 - w) * (1 - s), (1 - w) * s, w * (1 - s), w * s];
  });
  const groups = new Map<string, { count: number; sum: number[] }>();
  rows.forEach((r, i) => {
    if (r.subject === '') return;
    const key = `${r.bench}/${r.subject}`;
    const group = groups.get(key) ?? { count: 0, sum: [0, 0, 0, 0] };
    group.count++;
    own[i]?.forEach((p, k) => (group.sum[k] = (group.sum[k] ?? 0) + p));
    groups.set(key, group);
  });
  const targets = [0, 1, 2, 3].map(() => new Float32Array(rows.length));
  rows.forEach((r, i) => {
    const mine = own[i] ?? [0, 0, 0, 0];
    const group = r.subject === '' ? undefined : groups.get(`${r.bench}/${r.subject}`);
    // Leave the row itself out of its subject's average; tiny subjects are not smoothed.
    const beta = group !== undefined && group.count > 5 ? smoothing : 0;
    for (let k = 0; k < 4; k++) {
      const others = group === undefined ? 0 : ((group.sum[k] ?? 0) - (mine[k] ?? 0)) / Math.max(1, group.count - 1);
      (targets[k] as Float32Array)[i] = (1 - beta) * (mine[k] ?? 0) + beta * others;
    }
  });
  return targets;
}

/** The loss whose heads estimate what `objective` needs, from the rows' (smoothed) outcomes. */
export function lossForObjective(objective: ComplexityObjective, rows: readonly RoutingRow[], smoothing = 0): LinearLoss {
  const [neither, strongOnly, weakOnly, both] = jointTargets(rows, smoothing) as [Float32Array, Float32Array, Float32Array, Float32Array];
  if (objective === 'joint') return { kind: 'softmax', targets: [neither, strongOnly, weakOnly, both] };
  if (objective === 'two-head') {
    return {
      kind: 'sigmoid',
      targets: [weakOnly.map((p, i) => p + (both[i] ?? 0)), strongOnly.map((p, i) => p + (both[i] ?? 0))],
    };
  }
  return { kind: 'squared', targets: strongOnly.map((p, i) => p - (weakOnly[i] ?? 0)) };
}

/** Fits one part on featurized rows and spreads its weights over the whole hash space. */
export function fitPart(
  features: readonly Features[],
  rows: readonly RoutingRow[],
  part: PartOptions,
  options: Pick<TrainComplexityOptions, 'maxIterations' | 'tolerance' | 'pruneBelow'>,
  hashBits: number,
): ComplexityPart {
  const fit = fitLinear(features, lossForObjective(part.objective, rows, part.subjectSmoothing), {
    l2: part.l2,
    minDocumentFrequency: part.minDocumentFrequency,
    maxIterations: options.maxIterations,
    tolerance: options.tolerance,
  });
  const heads = HEADS[part.objective];
  const weights = new Float32Array(2 ** hashBits * heads);
  let largestOverall = 0;
  for (const w of fit.weights) largestOverall = Math.max(largestOverall, Math.abs(w));
  const cut = options.pruneBelow * largestOverall;
  fit.columns.forEach((bucket, column) => {
    let largest = 0;
    for (let k = 0; k < heads; k++) largest = Math.max(largest, Math.abs(fit.weights[column * heads + k] ?? 0));
    if (largest < cut) return;
    for (let k = 0; k < heads; k++) weights[bucket * heads + k] = fit.weights[column * heads + k] ?? 0;
  });
  return { objective: part.objective, bias: fit.bias, weights };
}

/** Ascending scores at `steps` + 1 evenly spaced quantiles. */
export function scoreQuantiles(scores: readonly number[], steps: number): number[] {
  const sorted = [...scores].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  return Array.from({ length: steps + 1 }, (_, i) => {
    const position = (i / steps) * (sorted.length - 1);
    const low = Math.floor(position);
    const a = sorted[low] ?? 0;
    const b = sorted[Math.min(low + 1, sorted.length - 1)] ?? a;
    return a + (position - low) * (b - a);
  });
}

/**
 * Trains the complexity scorer on labelled rows: one linear part per prompt kind that has
 * `minRowsPerKind` rows, and a part fitted on all rows for the kinds that lack them.
 * Deterministic: the same rows and options give the same model. `featurized` (one per row, made
 * with the featurizer options in `overrides`) replaces featurizing the rows' prompts.
 */
export function trainComplexityModel(
  rows: readonly RoutingRow[],
  overrides: Partial<TrainComplexityOptions> = {},
  featurized?: readonly Features[],
): ComplexityModel {
  const options: TrainComplexityOptions = { ...DEFAULT_TRAIN_OPTIONS, ...overrides };
  if (rows.length === 0) throw new FlambeauError('invalid_request', 'No routing rows to train on.');
  const featurizer = createFeaturizer(options.featurizer);
  if (featurized !== undefined && featurized.length !== rows.length)
    throw new FlambeauError('invalid_request', 'One feature vector per routing row is needed.', {
      details: { rows: rows.length, features: featurized.length },
    });
  // Rows stored without their text (shadow comparisons) arrive featurized, with options.featurizer's settings.
  const features = featurized ?? rows.map((r) => featurizer.featurize(r.prompt));
  const hashBits = featurizer.options.hashBits;
  const byKind = (kind: PromptKind) => rows.map((_, i) => i).filter((i) => features[i]?.kind === kind);
  const parts: Partial<Record<PromptKind, ComplexityPart>> = {};
  let shared: ComplexityPart | undefined;
  for (const kind of KINDS) {
    const index = byKind(kind);
    if (index.length >= options.minRowsPerKind) {
      const pick = <T>(items: readonly T[]) => index.map((i) => items[i] as T);
      parts[kind] = fitPart(pick(features), pick(rows), options[kind], options, hashBits);
    } else {
      // Too few prompts of this kind to fit their own part: use one fitted on every row.
      shared ??= fitPart(features, rows, options.open, options, hashBits);
      parts[kind] = shared;
    }
  }
  const model: ComplexityModel = {
    featurizer: { ...featurizer.options },
    parts: parts as Record<PromptKind, ComplexityPart>,
    scoreQuantiles: [],
    provenance: {
      rows: rows.length,
      rowsPerKind: Object.fromEntries(KINDS.map((k) => [k, byKind(k).length])),
      options: { choice: options.choice, open: options.open, minRowsPerKind: options.minRowsPerKind },
    },
  };
  model.scoreQuantiles = scoreQuantiles(
    features.map((f) => scoreFeatures(model, f)),
    options.quantileSteps,
  );
  return model;
}
