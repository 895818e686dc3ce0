import {
  FOLDED_CODES as imported_FOLDED_CODES,
  GLUES as imported_GLUES,
  IN_WORD as imported_IN_WORD,
  LETTER_CLASSES as imported_LETTER_CLASSES,
  LOWER as imported_LOWER,
  TABLE_SIZE as imported_TABLE_SIZE,
} from './letter-classes.js';
import { SHAPE_HYPHEN as imported_SHAPE_HYPHEN, SHAPE_LOWER as imported_SHAPE_LOWER, type PersonLexicon } from './person-lexicon.js';

// Imported bindings copied once: under a module loader that compiles to CommonJS (tsx, in
// tests and the bench) every read of an imported binding is a getter call, in the hottest loops.
const FOLDED_CODES = imported_FOLDED_CODES;
const GLUES = imported_GLUES;
const IN_WORD = imported_IN_WORD;
const LETTER_CLASSES = imported_LETTER_CLASSES;
const LOWER = imported_LOWER;
const TABLE_SIZE = imported_TABLE_SIZE;
const SHAPE_HYPHEN = imported_SHAPE_HYPHEN;
const SHAPE_LOWER = imported_SHAPE_LOWER;

/**
 * Where a capitalised word may start: Latin capitals with their extensions, Greek and Cyrillic
 * (lower-case letters of the extended ranges match too and are skipped). The word then runs over
 * letters of any script, combining marks, apostrophes and hyphens ("Kozłowski", "Dvořák"): read
 * by character codes, which costs less than a regex match object and its string per word. Words
 * glued to a previous letter ("l'Hôpital", "iPhone") are dropped.
 */
const CAPITAL = /[A-ZÀ-ÖØ-Þ\u0100-\u024f\u0386-\u03ab\u0400-\u042f\u1e00-\u1eff]/g;

/**
 * The capitalised words of a text: start, end, lexicon flags and case-blind hash of each, packed
 * in one Int32Array. A megabyte holds some 30,000 such words; an object (or a string kept) per word
 * cost more in allocation and garbage collection than all the rest of the detector. Words are
 * sliced from the text only where a rule needs them.
 */
export interface Tokens {
  count: number;
  /** [start, end, flags, hash] per token; `end` leaves out a possessive "'s" and trailing quotes or hyphens. */
  data: Int32Array;
}

const FIELDS = 4;

export function startOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i]!;
}

export function endOfWord(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 1]!;
}

export function flagsOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 2]!;
}

/** foldedHash of the word. */
export function hashOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 3]!;
}

export function lengthOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 1]! - t.data[FIELDS * i]!;
}

function isQuote(c: number): boolean {
  return c === 39 || c === 0x2019;
}

/**
 * `reuse`: the data array of an earlier call, no longer needed, written over (a detector scanning
 * many small texts then allocates nothing here).
 */
export function tokenize(text: string, lex: PersonLexicon, reuse?: Int32Array): Tokens {
  const classes = LETTER_CLASSES;
  const folded = FOLDED_CODES;
  const classOf = (c: number) => (c < TABLE_SIZE ? classes[c]! : c === 0x2019 /* ’ */ ? IN_WORD | GLUES : 0);
  let data = reuse ?? new Int32Array(FIELDS * 16); // grown by doubling: most texts have few capitalised words
  let count = 0;
  const re = CAPITAL;
  re.lastIndex = 0;
  while (re.test(text)) {
    const start = re.lastIndex - 1;
    if ((classOf(text.charCodeAt(start)) & LOWER) !== 0) continue; // "ł" in "Kozłowski"
    let end = start + 1;
    while (end < text.length && (classOf(text.charCodeAt(end)) & IN_WORD) !== 0) end++;
    re.lastIndex = end;
    if (start > 0 && (classOf(text.charCodeAt(start - 1)) & GLUES) !== 0) continue;
    // A possessive "'s" and trailing apostrophes or hyphens are not part of the name.
    if (text.charCodeAt(end - 1) === 115 /* s */ && end - start > 2 && isQuote(text.charCodeAt(end - 2))) end -= 2;
    while (end > start && (isQuote(text.charCodeAt(end - 1)) || text.charCodeAt(end - 1) === 45)) end--;
    if (end === start) continue;
    // One more pass over the word: its case- and accent-blind hash (as foldedHash) and its shape.
    let hash = 0x811c9dc5;
    let shape = 0;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      hash = Math.imul(hash ^ (c < TABLE_SIZE ? folded[c]! : c), 0x01000193);
      if (c === 45) shape |= SHAPE_HYPHEN;
      else if ((classOf(c) & LOWER) !== 0) shape |= SHAPE_LOWER;
    }
    hash = (hash & 0x3fffffff) | 1;
    if (FIELDS * count + FIELDS > data.length) {
      const grown = new Int32Array(data.length * 2);
      grown.set(data);
      data = grown;
    }
    const at = FIELDS * count++;
    data[at] = start;
    data[at + 1] = end;
    data[at + 2] = lex.lookup(text, start, end, hash, shape);
    data[at + 3] = hash;
  }
  return { count, data };
}
