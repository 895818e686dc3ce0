import type { FusionCalibration } from '../knowledge/index.js';

/** One line: the weight chosen and what it was measured on. */
export function describeCalibration(result: FusionCalibration): string {
  if (!result.measured)
    return `${result.collection}: too few documents to measure ${result.model} against BM25 (${result.queries} pseudo-queries): plain RRF until more are indexed`;
  const base = result.mrr[0]?.mrr ?? 0;
  const chosen = result.mrr.find((m) => m.weight === result.weight)?.mrr ?? base;
  const measured = `MRR ${base.toFixed(3)} BM25 alone, ${chosen.toFixed(3)} fused, on ${result.queries} pseudo-queries`;
  return `${result.collection}: vector weight ${result.weight} for ${result.model} (${measured})${result.weight === 0 ? ': hybrid search is BM25 alone' : ''}`;
}
