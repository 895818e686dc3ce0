export { createShadowEvaluator, type ShadowEvaluator, type ShadowEvaluatorDeps, type ShadowMetricOutcome, type ShadowRuleStats } from './shadow-evaluator.js';
export { checkShadowRules, compileShadowRules, type ShadowRule } from './shadow-rules.js';
export { createShadowStore, type ShadowComparison, type ShadowOutcome, type ShadowStore, type StoredFeatures } from './shadow-store.js';
export { scoreAgreement, type Agreement, type AgreementMethod } from './score-agreement.js';
export { shadowReport, type ShadowReportGroup } from './shadow-report.js';
export { shadowTrainingSet, type ShadowTrainingSet } from './shadow-training-rows.js';
