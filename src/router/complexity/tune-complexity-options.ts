import { scoreWithPart, type ComplexityObjective } from './complexity-model.js';
import { createFeaturizer, type Features } from './featurize.js';
import { routerMetrics } from './metrics.js';
import type { RoutingRow } from './routing-rows-wire.js';
import { foldRows } from './split-rows.js';
import type { PromptKind } from './text-cues.js';
import { DEFAULT_TRAIN_OPTIONS, fitPart, type PartOptions, type TrainComplexityOptions } from './train-complexity-model.js';

export interface TuneGrid {
  objectives: ComplexityObjective[];
  l2: number[];
  subjectSmoothing: number[];
}

export interface TuneTrial {
  kind: PromptKind;
  part: PartOptions;
  /** Mean over benches of the out-of-fold APGR. */
  apgr: number;
  perBench: Record<string, number>;
}

export interface TuneResult {
  options: TrainComplexityOptions;
  trials: TuneTrial[];
}

/** Mean per-bench APGR of pooled out-of-fold scores, and the per-bench values. */
function crossValidate(
  rows: readonly RoutingRow[],
  features: readonly Features[],
  part: PartOptions,
  options: TrainComplexityOptions,
  folds: number,
  hashBits: number,
): { apgr: number; perBench: Record<string, number> } {
  const position = new Map(rows.map((r, i) => [r, i]));
  const scores = new Array<number>(rows.length).fill(0.5);
  const parts = foldRows(rows, folds);
  parts.forEach((held, f) => {
    const fitRows = parts.flatMap((p, g) => (g === f ? [] : p));
    const fitFeatures = fitRows.map((r) => features[position.get(r) ?? 0] as Features);
    const fitted = fitPart(fitFeatures, fitRows, part, options, hashBits);
    for (const r of held) {
      const i = position.get(r) ?? 0;
      scores[i] = scoreWithPart(fitted, features[i] as Features);
    }
  });
  const perBench: Record<string, number> = {};
  for (const bench of [...new Set(rows.map((r) => r.bench))].sort()) {
    const index = rows.map((_, i) => i).filter((i) => rows[i]?.bench === bench);
    perBench[bench] = routerMetrics(
      index.map((i) => scores[i] ?? 0),
      index.map((i) => rows[i] as RoutingRow),
    ).apgr;
  }
  const values = Object.values(perBench).filter(Number.isFinite);
  return { apgr: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), perBench };
}

/**
 * Picks each kind's objective, L2 and subject smoothing by `folds`-fold cross-validation on
 * `rows` (give it the training part only, never the validation part). Slow: one fit per fold,
 * grid point and kind. Ties keep the earlier grid point, so the result is deterministic.
 */
export function tuneComplexityOptions(
  rows: readonly RoutingRow[],
  grid: TuneGrid,
  folds = 5,
  base: Partial<TrainComplexityOptions> = {},
  onTrial: (trial: TuneTrial) => void = () => {},
): TuneResult {
  const options: TrainComplexityOptions = { ...DEFAULT_TRAIN_OPTIONS, ...base };
  const featurizer = createFeaturizer(options.featurizer);
  const all = rows.map((r) => featurizer.featurize(r.prompt));
  const trials: TuneTrial[] = [];
  const tuned = { ...options };
  for (const kind of ['choice', 'open'] as const) {
    const index = rows.map((_, i) => i).filter((i) => all[i]?.kind === kind);
    if (index.length < options.minRowsPerKind) continue;
    const kindRows = index.map((i) => rows[i] as RoutingRow);
    const kindFeatures = index.map((i) => all[i] as Features);
    let best: TuneTrial | undefined;
    for (const objective of grid.objectives) {
      for (const l2 of grid.l2) {
        for (const subjectSmoothing of grid.subjectSmoothing) {
          const part: PartOptions = { ...options[kind], objective, l2, subjectSmoothing };
          const result = crossValidate(kindRows, kindFeatures, part, options, folds, featurizer.options.hashBits);
          const trial: TuneTrial = { kind, part, ...result };
          trials.push(trial);
          onTrial(trial);
          if (best === undefined || trial.apgr > best.apgr) best = trial;
        }
      }
    }
    if (best !== undefined) tuned[kind] = best.part;
  }
  return { options: tuned, trials };
}
