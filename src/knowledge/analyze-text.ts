import { INDEX_FOLDS } from '../store/migrations.js';
import { isStopWord, LANGUAGES, UNDETERMINED, type ChunkLanguage } from './languages.js';

const SPELLED = new Map(INDEX_FOLDS);
const FOLDED = new RegExp(`[${INDEX_FOLDS.map(([letter]) => letter).join('')}]`, 'gu');

/**
 * Lower-case words of a text as FTS5's unicode61 tokenizer splits it (letters and digits), with
 * the letters the index spells out spelled out ("cœur": "coeur"). Accents stay: stemmers need them.
 */
export function wordsOf(text: string): string[] {
  return (
    text
      .replace(FOLDED, (letter) => SPELLED.get(letter) ?? letter)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** A word without its accents, as unicode61 with remove_diacritics 2 folds it. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '');
}

/** Stems per language, kept while few: real text repeats a small vocabulary (Zipf), so most words are looked up once. */
const CACHE_LIMIT = 100_000;
const caches = new Map<ChunkLanguage, Map<string, string>>();

/** A lower-case word's folded stem in a language (folded only for an undetermined one). */
export function stemWord(language: ChunkLanguage, word: string): string {
  let cache = caches.get(language);
  if (cache === undefined) caches.set(language, (cache = new Map()));
  let stem = cache.get(word);
  if (stem === undefined) {
    stem = foldWord(language === UNDETERMINED ? word : LANGUAGES[language].stem(word));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, stem);
  }
  return stem;
}

/**
 * What the stemmed index holds for a text: its words without the language's stop words, stemmed
 * and folded, space-separated (the FTS5 table's tokenizer then splits on the spaces). Indexing
 * and queries go through the same function, so "réunions" and "reunion" meet at "reunion".
 */
export function stemmedText(text: string | null, language: ChunkLanguage): string {
  if (text === null || text === '') return '';
  const out: string[] = [];
  for (const word of wordsOf(text)) {
    if (language !== UNDETERMINED && isStopWord(language, word)) continue;
    out.push(stemWord(language, word));
  }
  return out.join(' ');
}
