import type { KnowledgeDb, SearchFilters } from './db.js';

/** BM25 hits (best first) for the user's words under the filters; what the text-search worker runs too. */
export function textHits(db: KnowledgeDb, query: string, filters: SearchFilters, limit: number): Array<{ id: number; score: number }> {
  const words = queryWords(query);
  if (words.length === 0) return [];
  return db.searchText(matchOf(withoutCommonWords(db, words)), filters, limit);
}

/** Words in more than this share of the chunks are left out of the BM25 query. */
const COMMON_WORD_SHARE = 0.5;

/**
 * Drops words contained in more than half the chunks, keeping at least the rarest one. FTS5's
 * BM25 gives such words an IDF of ~0, so they barely move the ranking, but every chunk they
 * match must still be scored: on a large index they are most of the BM25 time.
 */
function withoutCommonWords(db: KnowledgeDb, words: string[]): string[] {
  const folded = words.map(foldTerm);
  const { chunks, documents } = db.termFrequencies(folded);
  const frequency = (i: number) => documents.get(folded[i] as string) ?? 0;
  const kept = words.filter((_, i) => frequency(i) <= chunks * COMMON_WORD_SHARE);
  if (kept.length > 0) return kept;
  const rarest = words.map((_, i) => i).sort((a, b) => frequency(a) - frequency(b))[0] ?? 0;
  return [words[rarest] as string];
}

/** A word as FTS5's unicode61 tokenizer (remove_diacritics 2) indexes it: lower case, no accents. */
function foldTerm(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function queryWords(text: string): string[] {
  return [...new Set((text.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase()))].slice(0, 64);
}

/**
 * The words as an FTS5 query: each word quoted (no operator or column syntax gets through), any
 * of them may match, BM25 ranks those matching more and rarer words first.
 */
export function matchOf(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' OR ');
}
