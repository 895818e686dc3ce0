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
  if (chunks >= SPLIT_FROM && exact === undefined && !isNarrowed(filters)) {
    const ranked = db.rankInMemory(
      index,
      terms.map((t) => t.word),
      limit,
    );
    if (ranked !== null) return scored(ranked);
  }
  if (chunks >= SPLIT_FROM && terms.length >= 2) {
    // The rarest word always stays in R.
    const common = [...terms]
      .sort((a, b) => a.documents - b.documents)
      .slice(1)
      .filter((t) => t.documents > chunks * SPLIT_SHARE);
    if (common.length > 0) return scored(splitSearch(db, index, terms, common, chunks, filters, limit, exact));
  }
  return scored(db.searchText(matchOf(terms.map((t) => t.word)), filters, limit, index, exact));
}

/** True when the filters do more than name collections (a stemmed table holds one collection's chunks). */
function isNarrowed(filters: SearchFilters): boolean {
  return filters.pathPrefix !== undefined || filters.since !== undefined || filters.until !== undefined || filters.sender !== undefined;
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
/** Words in more than this share of the chunks are the split search's common words. */
const SPLIT_SHARE = 0.05;
/**
 * FTS5's bm25() constant k1: a word's share of a chunk's score is below IDF × (k1 + 1), whatever
 * the column weights (FTS5 weighs the columns' counts into one frequency, then saturates it).
 */
const BM25_K1 = 1.2;
/** Bounds a little high: FTS5 computes IDF in C doubles from the same counts, and sums in its own order. */
const BOUND_SLACK = 1 + 1e-9;
/** Common words up to which the second round lists the sets of them that can beat the threshold (2^n sets). */
const MAX_COMBINED = 10;

/**
 * MaxScore (Turtle & Flood, 1995) over FTS5. bm25() is most of the cost per matching row (a
 * walk of the row's positions and a look-up of its length), and most matches come from a few
 * common words. Split the words into rare ones R and common ones C:
 * 1. The chunks matching R are ranked exactly by two queries, `R AND C` and `R NOT C`, whose
 *    scores are the full query's (a word absent from a chunk adds 0). Their `limit`-th best
 *    score is the threshold θ.
 * 2. A chunk matching C alone scores below the sum of the C words' bounds: IDF × (k1 + 1), or,
 *    when that is not enough, the best score each word reaches alone in the index (a score is a
 *    sum of one term per word, see `termBounds`). When the sum is at most θ, no such chunk can
 *    enter the list, which is then exactly the full query's. Otherwise only chunks holding a set
 *    of C words whose bounds add up to more than θ can: `(C) NOT (R)` scores just those (the sets
 *    as a second MATCH that picks the rows, not scored). Without θ (fewer than `limit` R chunks),
 *    it scores every chunk of C that R did not list.
 * Either way the list is exactly the full query's (a test compares ids and scores), and no row is
 * scored twice. FTS5 scores are negative (lower is better).
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
): Array<{ id: number; score: number }> {
  const rare = terms.filter((t) => !common.includes(t));
  const r = matchOf(rare.map((t) => t.word));
  const c = matchOf(common.map((t) => t.word));
  const byScore = (a: { id: number; score: number }, b: { id: number; score: number }) => a.score - b.score || a.id - b.id;
  const hits = [...db.searchText(`(${r}) AND (${c})`, filters, limit, index, exact), ...db.searchText(`(${r}) NOT (${c})`, filters, limit, index, exact)]
    .sort(byScore)
    .slice(0, limit);
  const last = hits.at(-1);
  const threshold = hits.length === limit && last !== undefined ? -last.score : null;
  let within: string | undefined;
  if (threshold !== null) {
    const loose = common.reduce((sum, t) => sum + (BM25_K1 + 1) * idf(t.documents, chunks), 0) * BOUND_SLACK;
    if (loose <= threshold) return hits;
    const tight = db.termBounds(
      common.map((t) => t.word),
      index,
    );
    const bounds = common.map((t) => (tight.get(t.word) ?? (BM25_K1 + 1) * idf(t.documents, chunks)) * BOUND_SLACK);
    if (bounds.reduce((a, b) => a + b, 0) <= threshold) return hits;
    within = combinationsAbove(
      common.map((t) => t.word),
      bounds,
      threshold,
    );
  }
  const rest = db.searchText(`(${c}) NOT (${r})`, filters, limit, index, exact, within);
  return [...hits, ...rest].sort(byScore).slice(0, limit);
}

/**
 * The sets of words whose bounds add up to more than `threshold`, each minimal (without any of
 * its words it would not), as an FTS5 query matching the chunks that hold all the words of one
 * set; undefined when that is every chunk of any word (a word able to beat it alone in each), or
 * there are too many words to list the sets.
 */
function combinationsAbove(words: string[], bounds: number[], threshold: number): string | undefined {
  if (words.length > MAX_COMBINED || bounds.every((b) => b > threshold)) return undefined;
  const sets: string[] = [];
  for (let mask = 1; mask < 1 << words.length; mask++) {
    let sum = 0;
    let least = Infinity;
    const members: string[] = [];
    words.forEach((word, i) => {
      if ((mask & (1 << i)) === 0) return;
      sum += bounds[i] as number;
      least = Math.min(least, bounds[i] as number);
      members.push(`"${word}"`);
    });
    if (sum > threshold && sum - least <= threshold) sets.push(`(${members.join(' AND ')})`);
  }
  // Bounds that add up past the threshold only all together still give a set: never empty here.
  return sets.join(' OR ');
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
