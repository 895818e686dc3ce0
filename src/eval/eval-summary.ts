import { percentile, wilsonInterval } from './eval-stats.js';
import type { EvalResult } from './eval-run.js';

/** One model's figures over a run. */
export interface ModelSummary {
  model: string;
  cases: number;
  passed: number;
  /** Calls that failed (the gateway refused or the upstream failed): counted as not passed. */
  errors: number;
  /** passed / cases; null when there is no case. */
  passRate: number | null;
  /** 95% Wilson interval of the pass rate. */
  ci: { low: number; high: number };
  /** Over calls that answered; null when none did. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the known costs; null when none is known. */
  costUsd: number | null;
  /** Results whose cost is unknown (unknown is not zero). */
  costUnknown: number;
  /** What judging this model's answers cost; null when nothing was judged or nothing is known. */
  judgeCostUsd: number | null;
}

/** Per-model figures, in `models` order (then any model only the results name). */
export function summarizeRun(results: readonly EvalResult[], models: readonly string[]): ModelSummary[] {
  const order = [...new Set([...models, ...results.map((r) => r.model)])];
  return order.map((model) =>
    summarizeModel(
      model,
      results.filter((r) => r.model === model),
    ),
  );
}

function sumKnown(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function summarizeModel(model: string, results: EvalResult[]): ModelSummary {
  const passed = results.filter((r) => r.pass === true).length;
  const answered = results.filter((r) => r.errorCode === null || r.errorCode.startsWith('judge_'));
  const latencies = answered.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  return {
    model,
    cases: results.length,
    passed,
    errors: results.length - answered.length,
    passRate: results.length === 0 ? null : passed / results.length,
    ci: wilsonInterval(passed, results.length),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    inputTokens: results.reduce((sum, r) => sum + (r.inputTokens ?? 0), 0),
    outputTokens: results.reduce((sum, r) => sum + (r.outputTokens ?? 0), 0),
    costUsd: sumKnown(results.map((r) => r.costUsd)),
    costUnknown: results.filter((r) => r.costUsd === null).length,
    judgeCostUsd: sumKnown(results.map((r) => r.judgeCostUsd)),
  };
}

/** Cases on which the models do not all agree (some pass, some fail), in first-seen order. */
export function disagreements(results: readonly EvalResult[]): { caseId: string; results: EvalResult[] }[] {
  const byCase = new Map<string, EvalResult[]>();
  for (const r of results) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
  return [...byCase].filter(([, rs]) => rs.length > 1 && new Set(rs.map((r) => r.pass === true)).size > 1).map(([caseId, rs]) => ({ caseId, results: rs }));
}
