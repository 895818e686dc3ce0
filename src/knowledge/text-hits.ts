import { INDEX_FOLDS, type KnowledgeDb } from './db.js';
import type { SearchFilters } from './search-filters.js';

/** A query word with the number of chunks that contain it. */
interface Term {
  word: string;
  documents: number;
}

/**
 * BM25 hits (best first) for the user's words under the filters; what the text-search worker
 * runs too. On a large index the common words are scored only where a rarer word matched, when
 * that provably yields the same list as scoring every match (see `splitSearch`).
 */
export function textHits(db: KnowledgeDb, query: string, filters: SearchFilters, limit: number): Array<{ id: number; score: number }> {
  const words = queryWords(query);
  if (words.length === 0) return [];
  // One snapshot: the counts behind the split's bound and the queries see the same index.
  return db.reading(() => rankedHits(db, words, filters, limit));
}

function rankedHits(db: KnowledgeDb, words: string[], filters: SearchFilters, limit: number): Array<{ id: number; score: number }> {
  const folded = words.map(foldTerm);
  const { chunks, documents } = db.termFrequencies(folded);
  const terms = withoutCommonWords(
    words.map((word, i) => ({ word, documents: documents.get(folded[i] as string) ?? 0 })),
    chunks,
  );
  if (chunks >= SPLIT_FROM && terms.length >= 2) {
    let tried = 0;
    for (const share of SPLIT_SHARES) {
      // The rarest word always stays in R; a higher share gives a smaller C (or the same one: skip).
      const common = [...terms]
        .sort((a, b) => a.documents - b.documents)
        .slice(1)
        .filter((t) => t.documents > chunks * share);
      if (common.length === 0 || common.length === tried) continue;
      tried = common.length;
      const hits = splitSearch(db, terms, common, chunks, filters, limit);
      if (hits !== null) return hits;
    }
  }
  return db.searchText(matchOf(terms.map((t) => t.word)), filters, limit);
}

/** Words in more than this share of the chunks are left out of the BM25 query. */
const COMMON_WORD_SHARE = 0.5;

/**
 * Drops words contained in more than half the chunks, keeping at least the rarest one. FTS5's
 * BM25 gives such words an IDF of 1e-6 (it clamps negative IDFs), so they do not move the
 * ranking, but every chunk they match must still be scored: on a large index they are most of
 * the BM25 time.
 */
function withoutCommonWords(terms: Term[], chunks: number): Term[] {
  const kept = terms.filter((t) => t.documents <= chunks * COMMON_WORD_SHARE);
  if (kept.length > 0) return kept;
  return [[...terms].sort((a, b) => a.documents - b.documents)[0] as Term];
}

/** From this many chunks, BM25 tries the split search; below it, scoring every match takes a few ms. */
const SPLIT_FROM = 20_000;
/**
 * Words in more than this share of the chunks are the split search's common words: first a low
 * share (fewest chunks to score), then, when its bound does not hold, a higher one.
 */
const SPLIT_SHARES = [0.05, 0.2];
/** FTS5's bm25() constant k1: a word's share of a chunk's score is below IDF × (k1 + 1). */
const BM25_K1 = 1.2;

/**
 * MaxScore (Turtle & Flood, 1995) over FTS5. BM25 cost grows with the chunks matched, and most
 * matches come from a few common words. Split the words into rare ones R and common ones C: the
 * chunks matching R are ranked exactly by two cheap queries, `R AND C` and `R NOT C`, whose
 * scores are the full query's (a word absent from a chunk adds 0). A chunk matching C alone
 * scores below the sum of the C words' upper bounds, IDF × (k1 + 1); when the `limit`-th best
 * R chunk scores more than that, no such chunk can enter the list, which is then exactly the
 * full query's. Otherwise (too few R chunks, or the bound too high) null: the caller tries a
 * smaller C or scores every match. FTS5 scores are negative (lower is better).
 */
function splitSearch(
  db: KnowledgeDb,
  terms: Term[],
  common: Term[],
  chunks: number,
  filters: SearchFilters,
  limit: number,
): Array<{ id: number; score: number }> | null {
  const rare = terms.filter((t) => !common.includes(t));
  const r = matchOf(rare.map((t) => t.word));
  const c = matchOf(common.map((t) => t.word));
  const hits = [...db.searchText(`(${r}) AND (${c})`, filters, limit), ...db.searchText(`(${r}) NOT (${c})`, filters, limit)]
    .sort((a, b) => a.score - b.score || a.id - b.id)
    .slice(0, limit);
  // The bound a little high: FTS5 computes IDF in C doubles from the same counts.
  const bound = common.reduce((sum, t) => sum + (BM25_K1 + 1) * idf(t.documents, chunks), 0) * (1 + 1e-9);
  const last = hits.at(-1);
  return hits.length === limit && last !== undefined && -last.score > bound ? hits : null;
}

/** FTS5's BM25 IDF, clamped as it clamps it. */
function idf(documents: number, chunks: number): number {
  return Math.max(Math.log((chunks - documents + 0.5) / (documents + 0.5)), 1e-6);
}

/** A word as FTS5's unicode61 tokenizer (remove_diacritics 2) indexes it: lower case, no accents. */
function foldTerm(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const SPELLED = new Map(INDEX_FOLDS);
const FOLDED = new RegExp(`[${INDEX_FOLDS.map(([letter]) => letter).join('')}]`, 'gu');

/** The query's words, with the letters the index spells out spelled out the same way ("cœur": "coeur"). */
export function queryWords(text: string): string[] {
  const spelled = text.replace(FOLDED, (letter) => SPELLED.get(letter) ?? letter);
  return [...new Set((spelled.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase()))].slice(0, 64);
}

/**
 * The words as an FTS5 query: each word quoted (no operator or column syntax gets through), any
 * of them may match, BM25 ranks those matching more and rarer words first.
 */
export function matchOf(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' OR ');
}
