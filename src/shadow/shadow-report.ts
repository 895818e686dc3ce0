import type { ShadowComparison } from './shadow-store.js';

/** The figures of one route and model pair over a period. */
export interface ShadowReportGroup {
  route: string;
  localModel: string;
  referenceModel: string;
  /** Stored comparisons, failed and refused ones included. */
  comparisons: number;
  /** Comparisons with two answers (the rest: `errors` and `denied`). */
  compared: number;
  errors: number;
  denied: number;
  /** Mean agreement score (0..1) of the compared ones; null when none. */
  agreement: number | null;
  /** Share of the compared ones where the local answer was as good (judge, else agreement). */
  localAsGood: number | null;
  /** Median latency of each side, ms (served and shadow answers alike). */
  localP50Ms: number | null;
  referenceP50Ms: number | null;
  /** USD saved: answers the local model served and that were as good, at reference minus local cost. */
  savedUsd: number;
  /** USD that could have been saved: answers the reference served where the local one was as good. */
  couldSaveUsd: number;
  /** USD the shadow calls (and judges) of this pair cost. */
  shadowCostUsd: number;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Groups comparisons per route and model pair, sorted by route then pair. */
export function shadowReport(rows: readonly ShadowComparison[]): ShadowReportGroup[] {
  const groups = new Map<string, ShadowComparison[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.route, row.localModel, row.referenceModel]);
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, list]) => {
      const first = list[0] as ShadowComparison;
      const compared = list.filter((r) => r.agreement !== null);
      const judged = compared.filter((r) => r.localAsGood !== null);
      const gain = (r: ShadowComparison) => (r.localAsGood === true ? (r.referenceCostUsd ?? 0) - (r.localCostUsd ?? 0) : 0);
      return {
        route: first.route,
        localModel: first.localModel,
        referenceModel: first.referenceModel,
        comparisons: list.length,
        compared: compared.length,
        errors: list.filter((r) => r.outcome === 'error').length,
        denied: list.filter((r) => r.outcome === 'denied').length,
        agreement: compared.length === 0 ? null : compared.reduce((sum, r) => sum + (r.agreement ?? 0), 0) / compared.length,
        localAsGood: judged.length === 0 ? null : judged.filter((r) => r.localAsGood === true).length / judged.length,
        localP50Ms: median(compared.flatMap((r) => (r.localLatencyMs === null ? [] : [r.localLatencyMs]))),
        referenceP50Ms: median(compared.flatMap((r) => (r.referenceLatencyMs === null ? [] : [r.referenceLatencyMs]))),
        savedUsd: compared.filter((r) => r.servedModel === r.localModel).reduce((sum, r) => sum + gain(r), 0),
        couldSaveUsd: compared.filter((r) => r.servedModel === r.referenceModel).reduce((sum, r) => sum + gain(r), 0),
        shadowCostUsd: list.reduce((sum, r) => sum + r.shadowCostUsd, 0),
      };
    });
}
