import { mcnemarExact } from './eval-stats.js';
import type { EvalRun } from './eval-run.js';
import { summarizeRun, type ModelSummary } from './eval-summary.js';

export interface ModelComparison {
  model: string;
  before: ModelSummary;
  after: ModelSummary;
  /** Cases graded in both runs. */
  paired: number;
  /** Paired cases that passed before and fail now, and the other way round (case ids). */
  regressed: string[];
  improved: string[];
  /** McNemar's exact p-value over the paired cases: small means the change is unlikely to be chance. */
  pValue: number;
}

export interface RunComparison {
  before: string;
  after: string;
  /** False when the runs used different suite files (paired figures then cover the shared case ids only). */
  sameSuite: boolean;
  models: ModelComparison[];
}

/** Compares two runs model by model (models in both), pairing results by case id. */
export function compareRuns(before: EvalRun, after: EvalRun): RunComparison {
  const beforeSummary = new Map(summarizeRun(before.results, before.models).map((s) => [s.model, s]));
  const afterSummary = summarizeRun(after.results, after.models);
  const models: ModelComparison[] = [];
  for (const summary of afterSummary) {
    const earlier = beforeSummary.get(summary.model);
    if (earlier === undefined) continue;
    const was = new Map(before.results.filter((r) => r.model === summary.model).map((r) => [r.caseId, r.pass === true]));
    const regressed: string[] = [];
    const improved: string[] = [];
    let paired = 0;
    for (const r of after.results.filter((x) => x.model === summary.model)) {
      const previous = was.get(r.caseId);
      if (previous === undefined) continue;
      paired += 1;
      if (previous && r.pass !== true) regressed.push(r.caseId);
      if (!previous && r.pass === true) improved.push(r.caseId);
    }
    models.push({
      model: summary.model,
      before: earlier,
      after: summary,
      paired,
      regressed,
      improved,
      pValue: mcnemarExact(regressed.length, improved.length),
    });
  }
  return { before: before.id, after: after.id, sameSuite: before.suiteSha256 !== null && before.suiteSha256 === after.suiteSha256, models };
}
