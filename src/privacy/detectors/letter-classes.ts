/**
 * Letters by character code, for the detectors that read words code by code: which codes belong
 * to a word, their case, and their case- and accent-blind form. Built once from the Unicode
 * properties of the first 8,192 code points (Latin with every extension, Greek, Cyrillic...), so
 * that a word such as "Kozłowski", "Dvořák" or "Łukasz" is read whole and "Éva" meets "Eva" in a
 * lexicon. Beyond that range a code is no letter (an apostrophe excepted).
 */

/** Part of a word: a letter, a combining mark, an apostrophe or a hyphen. */
export const IN_WORD = 1;
/** A lower-case letter. */
export const LOWER = 2;
/** Glues a following capital to the word before it: letters, digits, `_`, `'`, `-`. */
export const GLUES = 4;
/** An upper-case (or title-case) letter. */
export const UPPER = 8;

/** Codes below this have a table entry. */
export const TABLE_SIZE = 0x2000;
const SIZE = TABLE_SIZE;
/**
 * The tables themselves, for hot loops: read them through a local constant (`const classes =
 * LETTER_CLASSES`) rather than calling letterClass per character, which costs a call (and under
 * a module loader, a getter) per code.
 */
export const LETTER_CLASSES = new Uint8Array(SIZE);
export const FOLDED_CODES = new Uint16Array(SIZE);
const CLASSES = LETTER_CLASSES;
const FOLDED = FOLDED_CODES;

/** Letters that carry their stroke in the glyph rather than as a combining mark. */
const STROKED: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ð: 'd', ħ: 'h', ı: 'i', ŧ: 't', ƀ: 'b', ɨ: 'i' };

for (let c = 0; c < SIZE; c++) {
  const ch = String.fromCharCode(c);
  let cls = 0;
  const letter = /\p{L}/u.test(ch);
  const mark = /\p{M}/u.test(ch);
  if (letter || mark || c === 39 || c === 45) cls |= IN_WORD;
  if (/\p{Ll}/u.test(ch)) cls |= LOWER;
  if (/\p{Lu}|\p{Lt}/u.test(ch)) cls |= UPPER;
  if (letter || mark || (c >= 48 && c <= 57) || c === 95 || c === 39 || c === 45) cls |= GLUES;
  CLASSES[c] = cls;
  FOLDED[c] = c;
  const lower = ch.toLowerCase();
  if (lower.length !== 1) continue;
  const stroked = STROKED[lower];
  if (stroked !== undefined) {
    FOLDED[c] = stroked.charCodeAt(0);
    continue;
  }
  const parts = lower.normalize('NFD');
  const base = parts.charCodeAt(0);
  // "é" is "e" + U+0301: keep the base letter when the rest are combining marks.
  FOLDED[c] = parts.length > 1 && base < SIZE && /^\p{M}+$/u.test(parts.slice(1)) ? base : lower.charCodeAt(0);
}

/** The classes of a character code (IN_WORD, LOWER, GLUES, UPPER bits). */
export function letterClass(c: number): number {
  return c < SIZE ? CLASSES[c]! : c === 0x2019 /* ’ */ ? IN_WORD | GLUES : 0;
}

/** The case- and accent-blind form of a character code: "É", "é" and "e" all fold to "e"; "Ł" to "l". */
export function foldCode(c: number): number {
  return c < SIZE ? FOLDED[c]! : c;
}

/** A whole word folded as `foldCode` does, code by code (the length is kept). */
export function foldWord(word: string): string {
  let out = '';
  for (let k = 0; k < word.length; k++) out += String.fromCharCode(foldCode(word.charCodeAt(k)));
  return out;
}
