import type { SearchHit } from './hybrid-search.js';

/**
 * A question whose best BM25 chunk matches less than this share of its words' weight (IDF) is
 * weak: the chunks found share a common word or two with it, not its subject. Relevance is about
 * 1 for a chunk holding every word of the question once (see TextHit.relevance).
 */
export const MIN_RELEVANCE = 0.25;
/** A chunk whose BM25 relevance is below this share of the best chunk's is left out of the prompt. */
export const RELATIVE_FLOOR = 0.3;

/**
 * The hits worth putting in a prompt: instead of always k chunks, those whose words match the
 * question well enough against the best one; none when even the best is weak. A chunk only the
 * vectors found stays when vectors count (`vectorWeight` > 0) and the question is not weak: an
 * embedder calibration found useless has no say.
 */
export function aboveRelevanceFloor(hits: readonly SearchHit[], vectorWeight: number): SearchHit[] {
  const best = Math.max(0, ...hits.map((h) => h.relevance ?? 0));
  if (best < MIN_RELEVANCE) {
    // No word of the question lands: only vectors can vouch for a chunk, and only their very best ones.
    return vectorWeight > 0 ? hits.filter((h) => h.vectorRank !== null && h.vectorRank <= 2 && h.bm25Rank === null) : [];
  }
  return hits.filter((h) => (h.relevance === null ? vectorWeight > 0 : h.relevance >= best * RELATIVE_FLOOR));
}
