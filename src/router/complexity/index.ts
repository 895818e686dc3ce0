export {
  gainFromLogits,
  scoreFeatures,
  scoreWithPart,
  thresholdForShare,
  type ComplexityModel,
  type ComplexityObjective,
  type ComplexityPart,
} from './complexity-model.js';
export { decodeComplexityModel, encodeComplexityModel, WEIGHTS_FORMAT } from './complexity-weights-wire.js';
export { evaluateScores, type RouterEvalGroup, type RouterEvaluation } from './evaluate-scores.js';
export {
  createFeaturizer,
  DEFAULT_FEATURIZER_OPTIONS,
  FEATURIZER_VERSION,
  type Features,
  type Featurizer,
  type FeaturizerOptions,
  type SparseVector,
} from './featurize.js';
export { createComplexityScorer, loadComplexityScorer, SHIPPED_WEIGHTS_PATH, type ComplexityScorer } from './load-complexity-scorer.js';
export { loadRoutingRows } from './load-routing-rows.js';
export {
  apgr,
  binnedRoutingCurve,
  callPerformanceThreshold,
  callsAvoidedAt,
  oracleRouterMetrics,
  randomRouterMetrics,
  routerMetrics,
  routingCurve,
  type CurvePoint,
  type Outcome,
  type RouterMetrics,
} from './metrics.js';
export { formatRouterEvaluation } from './router-eval-report.js';
export { parseRoutingRows, type RoutingRow } from './routing-rows-wire.js';
export { foldRows, splitRows, type RowSplit } from './split-rows.js';
export type { PromptKind } from './text-cues.js';
export { DEFAULT_TRAIN_OPTIONS, trainComplexityModel, type PartOptions, type TrainComplexityOptions } from './train-complexity-model.js';
export { tuneComplexityOptions, type TuneGrid, type TuneResult, type TuneTrial } from './tune-complexity-options.js';
