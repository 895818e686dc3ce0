import { foldWord, stemWord, wordsOf } from './analyze-text.js';
import { EXACT_INDEX, STEM_BM25_WEIGHTS, type KnowledgeDb, type TextIndex } from './db.js';
import { detectLanguage, isStopWord, UNDETERMINED, type ChunkLanguage } from './languages.js';
import type { SearchFilters } from './search-filters.js';
import { hasStemTable, stemTable } from './stem-index.js';
import type { TextHit } from './text-search-thread.js';

/** A query word with the number of chunks that contain it. */
interface Term {
  word: string;
  documents: number;
}

/**
 * BM25 hits (best first) for the user's words under the filters; what the text-search worker
 * runs too. Each searched collection's stemmed index is queried with the words' stems, stop
 * words left out, and the lists merged by score; quoted phrases must appear word for word (the
 * exact index). A query of stop words only ("to be or not to be"), or collections indexed before
 * the stemmed index existed, use the exact index. On a large index the common words are scored
 * only where a rarer word matched, when that provably yields the same list (see `splitSearch`).
 */
export function textHits(db: KnowledgeDb, query: string, filters: SearchFilters, limit: number): TextHit[] {
  const { words, phrases } = parseQuery(query);
  if (words.length === 0) return [];
  const exact = phrases.length === 0 ? undefined : phrases.map((p) => `"${p.join(' ')}"`).join(' AND ');
  // One snapshot: the counts behind the split's bound and the queries see the same index.
  return db.reading(
    () => stemmedHits(db, words, exact, filters, limit) ?? rankedHits(db, EXACT_INDEX, [...new Set(words.map(foldWord))], filters, limit, exact),
  );
}

/** Languages a query is stemmed in when its words do not tell: a collection's main ones, at most this many. */
const MAX_QUERY_LANGUAGES = 2;

function stemmedHits(db: KnowledgeDb, words: string[], exact: string | undefined, filters: SearchFilters, limit: number): TextHit[] | null {
  const detected = detectLanguage(words);
  const hits: TextHit[] = [];
  let searched = false;
  for (const collection of filters.collections) {
    if (!hasStemTable(db.db, collection)) continue;
    const { languages: main } = db.collectionStats(collection);
    const languages: ChunkLanguage[] = [...new Set([...(detected === null ? [] : [detected]), ...main.slice(0, MAX_QUERY_LANGUAGES)])];
    if (languages.length === 0) languages.push(UNDETERMINED);
    // Stop words of the query's language (or, when it cannot be told, of any the collection is written in).
    const dropIn = detected === null ? languages : [detected];
    const content = words.filter((w) => !dropIn.some((l) => l !== UNDETERMINED && isStopWord(l, w)));
    if (content.length === 0) continue;
    const stems = [...new Set(content.flatMap((w) => languages.map((l) => stemWord(l, w))))];
    searched = true;
    const index: TextIndex = { table: stemTable(collection), weights: STEM_BM25_WEIGHTS, collection };
    hits.push(...rankedHits(db, index, stems, { ...filters, collections: [collection] }, limit, exact));
  }
  if (!searched) return null;
  return hits.sort((a, b) => a.score - b.score || a.id - b.id).slice(0, limit);
}

function rankedHits(db: KnowledgeDb, index: TextIndex, words: string[], filters: SearchFilters, limit: number, exact: string | undefined): TextHit[] {
  const { chunks, documents } = db.termFrequencies(words, index);
  const terms = withoutCommonWords(
    words.map((word) => ({ word, documents: documents.get(word) ?? 0 })),
    chunks,
  );
  // The most a chunk can score: every word once. In a collection of a few chunks, a word found in
  // none of them says little about the question (its chatty words: "say", "tell"), so only the
  // words the collection holds count there; in a larger one an absent word is part of what the
  // question asks and nothing answers.
  const bounding = chunks < SMALL_COLLECTION ? terms.filter((t) => t.documents > 0) : terms;
  const bound = bounding.reduce((sum, t) => sum + idf(t.documents, chunks), 0);
  const scored = (hits: Array<{ id: number; score: number }>): TextHit[] => hits.map((h) => ({ ...h, relevance: bound > 0 ? -h.score / bound : 0 }));
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
      const hits = splitSearch(db, index, terms, common, chunks, filters, limit, exact);
      if (hits !== null) return scored(hits);
    }
  }
  return scored(db.searchText(matchOf(terms.map((t) => t.word)), filters, limit, index, exact));
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
/** Below this many chunks, words absent from the collection do not weaken a question (see rankedHits). */
const SMALL_COLLECTION = 20;
/**
 * Words in more than this share of the chunks are the split search's common words: first a low
 * share (fewest chunks to score), then, when its bound does not hold, a higher one.
 */
const SPLIT_SHARES = [0.05, 0.2];
/**
 * FTS5's bm25() constant k1: a word's share of a chunk's score is below IDF × (k1 + 1), whatever
 * the column weights (FTS5 weighs the columns' counts into one frequency, then saturates it).
 */
const BM25_K1 = 1.2;

/**
 * MaxScore (Turtle & Flood, 1995) over FTS5. BM25 cost grows with the chunks matched, and most
 * matches come from a few common words. Split the words into rare ones R and common ones C: the
 * chunks matching R are ranked exactly by two cheap queries, `R AND C` and `R NOT C`, whose
 * scores are the full query's (a word absent from a chunk adds 0). A chunk matching C alone
 * scores below the sum of the C words' upper bounds, IDF × (k1 + 1); when
 * the `limit`-th best R chunk scores more than that, no such chunk can enter the list, which is
 * then exactly the full query's. Otherwise (too few R chunks, or the bound too high) null: the
 * caller tries a smaller C or scores every match. FTS5 scores are negative (lower is better).
 */
function splitSearch(
  db: KnowledgeDb,
  index: TextIndex,
  terms: Term[],
  common: Term[],
  chunks: number,
  filters: SearchFilters,
  limit: number,
  exact: string | undefined,
): Array<{ id: number; score: number }> | null {
  const rare = terms.filter((t) => !common.includes(t));
  const r = matchOf(rare.map((t) => t.word));
  const c = matchOf(common.map((t) => t.word));
  const hits = [...db.searchText(`(${r}) AND (${c})`, filters, limit, index, exact), ...db.searchText(`(${r}) NOT (${c})`, filters, limit, index, exact)]
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

/** The query's words (lower case, ligatures spelled out as the index spells them: "cœur": "coeur"), at most 64. */
export function queryWords(text: string): string[] {
  return [...new Set(wordsOf(text))].slice(0, 64);
}

/**
 * The query's words, and its quoted phrases ("…") as word lists: a phrase must appear word for
 * word in a chunk (the exact index), its words also rank as any other.
 */
export function parseQuery(text: string): { words: string[]; phrases: string[][] } {
  const phrases: string[][] = [];
  for (const match of text.matchAll(/"([^"]*)"/g)) {
    const words = wordsOf(match[1] as string);
    if (words.length > 0) phrases.push(words);
  }
  return { words: queryWords(text), phrases };
}

/**
 * The words as an FTS5 query: each word quoted (no operator or column syntax gets through), any
 * of them may match, BM25 ranks those matching more and rarer words first.
 */
export function matchOf(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' OR ');
}
