import { stemmer as danish } from '@orama/stemmers/danish';
import { stemmer as dutch } from '@orama/stemmers/dutch';
import { stemmer as english } from '@orama/stemmers/english';
import { stemmer as finnish } from '@orama/stemmers/finnish';
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as hungarian } from '@orama/stemmers/hungarian';
import { stemmer as italian } from '@orama/stemmers/italian';
import { stemmer as norwegian } from '@orama/stemmers/norwegian';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';
import { stemmer as romanian } from '@orama/stemmers/romanian';
import { stemmer as russian } from '@orama/stemmers/russian';
import { stemmer as spanish } from '@orama/stemmers/spanish';
import { stemmer as swedish } from '@orama/stemmers/swedish';
import { stemmer as turkish } from '@orama/stemmers/turkish';
import { stopwords as danishStops } from '@orama/stopwords/danish';
import { stopwords as dutchStops } from '@orama/stopwords/dutch';
import { stopwords as englishStops } from '@orama/stopwords/english';
import { stopwords as finnishStops } from '@orama/stopwords/finnish';
import { stopwords as frenchStops } from '@orama/stopwords/french';
import { stopwords as germanStops } from '@orama/stopwords/german';
import { stopwords as hungarianStops } from '@orama/stopwords/hungarian';
import { stopwords as italianStops } from '@orama/stopwords/italian';
import { stopwords as norwegianStops } from '@orama/stopwords/norwegian';
import { stopwords as portugueseStops } from '@orama/stopwords/portuguese';
import { stopwords as romanianStops } from '@orama/stopwords/romanian';
import { stopwords as russianStops } from '@orama/stopwords/russian';
import { stopwords as spanishStops } from '@orama/stopwords/spanish';
import { stopwords as swedishStops } from '@orama/stopwords/swedish';
import { stopwords as turkishStops } from '@orama/stopwords/turkish';

/**
 * The languages the knowledge index stems (Snowball stemmers, generated from snowballstem.org's
 * algorithms) and whose stop words it drops, by ISO 639-1 code. Text in any other language is
 * indexed folded but unstemmed (`und`). Stored per chunk (knowledge_chunks.lang): a change to a
 * stemmer or a list needs a re-index (set lang to NULL), as migration 15 does.
 */
export const LANGUAGES = {
  en: { stem: english, stops: englishStops },
  fr: { stem: french, stops: frenchStops },
  de: { stem: german, stops: germanStops },
  es: { stem: spanish, stops: spanishStops },
  it: { stem: italian, stops: italianStops },
  pt: { stem: portuguese, stops: portugueseStops },
  nl: { stem: dutch, stops: dutchStops },
  sv: { stem: swedish, stops: swedishStops },
  da: { stem: danish, stops: danishStops },
  no: { stem: norwegian, stops: norwegianStops },
  fi: { stem: finnish, stops: finnishStops },
  ru: { stem: russian, stops: russianStops },
  hu: { stem: hungarian, stops: hungarianStops },
  ro: { stem: romanian, stops: romanianStops },
  tr: { stem: turkish, stops: turkishStops },
} as const satisfies Record<string, { stem: (word: string) => string; stops: readonly string[] }>;

export type Language = keyof typeof LANGUAGES;
/** A chunk whose language was not recognised: folded, not stemmed, no stop word dropped. */
export const UNDETERMINED = 'und';
export type ChunkLanguage = Language | typeof UNDETERMINED;

export const LANGUAGE_CODES = Object.keys(LANGUAGES) as Language[];

export function isLanguage(code: string | null | undefined): code is Language {
  return code != null && Object.hasOwn(LANGUAGES, code);
}

/** Stop words per language, lower case, as words (an entry such as "i'm" splits into "i" and "m", as the tokenizer splits it). */
const STOPS = new Map<Language, Set<string>>(
  LANGUAGE_CODES.map((code) => [code, new Set(LANGUAGES[code].stops.flatMap((w) => w.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))]),
);

/**
 * How many languages list each stop word: a word that is a stop word in one language only ("the",
 * "les") says more about the language than one listed by five ("a", "de").
 */
const SHARED = new Map<string, number>();
for (const set of STOPS.values()) for (const word of set) SHARED.set(word, (SHARED.get(word) ?? 0) + 1);

export function isStopWord(language: Language, word: string): boolean {
  return STOPS.get(language)?.has(word) === true;
}

/** Below this many stop-word hits, a text is too short or too odd to tell its language. */
const MIN_EVIDENCE = 2;
/** The best language must outscore the second by this factor. */
const MARGIN = 1.2;

/**
 * The language of lower-case words by their stop words: in running text of a European language
 * stop words are a third to a half of all words, so their mix names the language reliably from a
 * sentence or two on, with no model and no dependency beyond the lists already used for queries.
 * Each hit weighs 1 / √(languages listing the word): a word few lists share ("et", "the",
 * "und") counts more than one most Romance lists share ("le", "un"), without letting one rare
 * entry of a long list (Spanish lists "fin") outvote a sentence; one-letter words ("a", "h", "y")
 * are left out: lists disagree on them. Null when the evidence is thin or close
 * (a list of keywords, code, a table of numbers): the caller then falls back (document's
 * language, collection's languages).
 */
export function detectLanguage(words: readonly string[]): Language | null {
  const scores = new Map<Language, number>();
  let hits = 0;
  for (const word of words) {
    const shared = word.length < 2 ? undefined : SHARED.get(word);
    if (shared === undefined) continue;
    hits += 1;
    for (const [code, set] of STOPS) if (set.has(word)) scores.set(code, (scores.get(code) ?? 0) + 1 / Math.sqrt(shared));
  }
  if (hits < MIN_EVIDENCE) return null;
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best === undefined) return null;
  if (second !== undefined && best[1] < second[1] * MARGIN) return null;
  return best[0];
}
