import { INJECTION_SOURCES, type InjectionSource } from '../injection-sources.js';
import type { InjectionRow } from './injection-rows.js';

/**
 * Per-source logits that put the shipped threshold (score 0.5, logit 0) at the operating point:
 * for each source, minus the logit that `targetFpr` (one for all, or per source) of the benign calibration rows of that source
 * reach or exceed. `logitOf` is the full detector's logit (model and signals) without any source
 * bias. A source without calibration rows keeps 0. Deterministic: same rows, same biases.
 */
export function calibrateSourceBias(
  rows: readonly InjectionRow[],
  logitOf: (row: InjectionRow) => number,
  targetFpr: number | Record<InjectionSource, number>,
): { bias: Record<InjectionSource, number>; rows: Record<InjectionSource, number> } {
  const bias = { user: 0, document: 0, tool: 0 };
  const counts = { user: 0, document: 0, tool: 0 };
  for (const source of INJECTION_SOURCES) {
    const logits = rows
      .filter((r) => r.label === 0 && r.channel === source)
      .map(logitOf)
      .sort((a, b) => b - a);
    counts[source] = logits.length;
    if (logits.length === 0) continue;
    // The k highest benign rows may be flagged: k = floor(target * n). The cut lies halfway between
    // the k-th and the (k+1)-th highest logits, so a tie does not decide it.
    const k = Math.floor((typeof targetFpr === 'number' ? targetFpr : targetFpr[source]) * logits.length);
    const above = k === 0 ? (logits[0] as number) + 1 : (logits[k - 1] as number);
    const below = logits[k] as number;
    bias[source] = Math.round(-1000 * ((above + below) / 2)) / 1000;
  }
  return { bias, rows: counts };
}

/** The logit of a score in (0, 1), clamped to ±30 (a saturated sigmoid). */
export function logitOfScore(score: number): number {
  const s = Math.min(Math.max(score, 1e-13), 1 - 1e-13);
  return Math.log(s / (1 - s));
}
