import {
  GLUES as imported_GLUES,
  IN_WORD as imported_IN_WORD,
  LETTER_CLASSES as imported_LETTER_CLASSES,
  TABLE_SIZE as imported_TABLE_SIZE,
} from '../detectors/letter-classes.js';

// Imported bindings copied once: under a module loader that compiles to CommonJS (tsx, in
// tests and the bench) every read of an imported binding is a getter call, in the hottest loops.
const GLUES = imported_GLUES;
const IN_WORD = imported_IN_WORD;
const LETTER_CLASSES = imported_LETTER_CLASSES;
const TABLE_SIZE = imported_TABLE_SIZE;

/**
 * The tagger's tokens: words (letters of any script, with inner apostrophes and hyphens), numbers
 * (digits and up to three letters glued after them: "221B", "12bis", "1er"), single punctuation
 * characters and line breaks (an address runs over lines). Blanks separate tokens and are not
 * tokens. Packed in one Int32Array as the PERSON detector's tokens are: a megabyte holds some
 * 200,000 tokens, and an object per token would cost more than the tagging itself.
 */
export const WORD = 1;
export const NUMBER = 2;
export const PUNCT = 3;
export const NEWLINE = 4;

export interface TaggerTokens {
  count: number;
  /** [start, end, kind] per token. */
  data: Int32Array;
}

const FIELDS = 3;

export function tokenStart(t: TaggerTokens, i: number): number {
  return t.data[FIELDS * i]!;
}

export function tokenEnd(t: TaggerTokens, i: number): number {
  return t.data[FIELDS * i + 1]!;
}

export function tokenKind(t: TaggerTokens, i: number): number {
  return t.data[FIELDS * i + 2]!;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const CLASSES = LETTER_CLASSES;

function classOf(c: number): number {
  return c < TABLE_SIZE ? CLASSES[c]! : c === 0x2019 ? IN_WORD | GLUES : 0;
}

function isLetter(c: number): boolean {
  return (classOf(c) & IN_WORD) !== 0 && c !== 39 && c !== 45 && c !== 0x2019;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 0x200b;
}

/**
 * Tokens of a text. `reuse` (the data of an earlier call, no longer needed) is written over when
 * it is large enough: a detector scanning many small texts then allocates nothing here.
 */
export function tokenizeForTagger(text: string, reuse?: Int32Array): TaggerTokens {
  const wanted = FIELDS * Math.max(64, Math.ceil(text.length / 4));
  let data = reuse !== undefined && reuse.length >= wanted ? reuse : new Int32Array(wanted);
  let count = 0;
  const push = (start: number, end: number, kind: number) => {
    if (FIELDS * count + FIELDS > data.length) {
      const grown = new Int32Array(data.length * 2);
      grown.set(data);
      data = grown;
    }
    const at = FIELDS * count++;
    data[at] = start;
    data[at + 1] = end;
    data[at + 2] = kind;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
    } else if (c === 10) {
      push(i, i + 1, NEWLINE);
      i++;
    } else if (isLetter(c)) {
      let end = i + 1;
      while (end < n && (classOf(text.charCodeAt(end)) & IN_WORD) !== 0) end++;
      // Inner apostrophes and hyphens only: "l'Hôpital", "Jean-Luc", not a trailing "-".
      while (end > i + 1 && !isLetter(text.charCodeAt(end - 1))) end--;
      push(i, end, WORD);
      i = end;
    } else if (isDigit(c)) {
      let end = i + 1;
      while (end < n && isDigit(text.charCodeAt(end))) end++;
      let letters = end;
      while (letters < n && letters - end < 4 && isLetter(text.charCodeAt(letters))) letters++;
      // "221B", "12bis", "1er": glued letters (at most three) belong to the number.
      if (letters - end <= 3 && (letters === n || (classOf(text.charCodeAt(letters)) & GLUES) === 0 || !isLetter(text.charCodeAt(letters)))) end = letters;
      push(i, end, NUMBER);
      i = end;
    } else {
      push(i, i + 1, PUNCT);
      i++;
    }
  }
  return { count, data };
}
