/**
 * Case-blind lookups of words of a text by their offsets, without slicing or lower-casing them.
 * The PERSON detector looks up every capitalised word of the text (some 30,000 per megabyte): a
 * `Map` keyed by new strings cost a string, a hash and a lower-cased copy per word, and a table
 * several times larger (one key per spelling).
 */

import { FOLDED_CODES as imported_FOLDED_CODES, foldCode, foldWord, TABLE_SIZE as imported_TABLE_SIZE } from './letter-classes.js';

// Imported bindings copied once: under a module loader that compiles to CommonJS (tsx, in
// tests and the bench) every read of an imported binding is a getter call, in the hottest loops.
const FOLDED_CODES = imported_FOLDED_CODES;
const TABLE_SIZE = imported_TABLE_SIZE;

export { foldCode, foldWord };

/** A hash of text[start, end) that ignores case and accents: equal for "Dupont", "DUPONT" and "dupont", "Éva" and "Eva". */
export function foldedHash(text: string, start: number, end: number): number {
  const folded = FOLDED_CODES;
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    h = Math.imul(h ^ (c < TABLE_SIZE ? folded[c]! : c), 0x01000193);
  }
  return (h & 0x3fffffff) | 1; // a small integer (31-bit in V8), never 0: 0 marks an empty slot
}

/**
 * Open addressing over typed arrays: a few hundred kilobytes that stay in the CPU caches. A slot
 * holds the word's hash, its value and where its folded letters lie in one array of codes: a
 * probe reads one cache line, a hit one more for the letters (not the five of separate arrays of
 * hashes, indexes, strings and values).
 */
export class FoldedWordTable {
  /** Four numbers per slot: hash (0: empty), value, offset and length of the word in #codes. */
  readonly #slots: Int32Array;
  readonly #codes: Uint16Array;
  readonly #mask: number;

  /** `entries`: words and their values (non-zero); spellings that fold alike ("Maëlle", "maelle") share one entry, values or-ed. */
  constructor(words: ReadonlyMap<string, number>) {
    const entries = new Map<string, number>();
    for (const [word, value] of words) entries.set(foldWord(word), (entries.get(foldWord(word)) ?? 0) | value);
    let size = 16;
    while (size < entries.size * 2) size *= 2;
    this.#slots = new Int32Array(4 * size);
    this.#mask = size - 1;
    let length = 0;
    for (const word of entries.keys()) length += word.length;
    this.#codes = new Uint16Array(length);
    let offset = 0;
    for (const [word, value] of entries) {
      const hash = foldedHash(word, 0, word.length);
      let i = hash & this.#mask;
      while (this.#slots[4 * i] !== 0) i = (i + 1) & this.#mask;
      this.#slots[4 * i] = hash;
      this.#slots[4 * i + 1] = value;
      this.#slots[4 * i + 2] = offset;
      this.#slots[4 * i + 3] = word.length;
      for (let k = 0; k < word.length; k++) this.#codes[offset + k] = word.charCodeAt(k);
      offset += word.length;
    }
  }

  /** The value of text[start, end) whatever its case and accents, 0 when absent. `hash` is its foldedHash. */
  get(text: string, start: number, end: number, hash: number): number {
    const slots = this.#slots;
    const codes = this.#codes;
    const folded = FOLDED_CODES;
    const length = end - start;
    for (let i = hash & this.#mask; ; i = (i + 1) & this.#mask) {
      const at = 4 * i;
      const h = slots[at]!;
      if (h === 0) return 0;
      if (h !== hash || slots[at + 3] !== length) continue;
      const offset = slots[at + 2]!;
      let k = 0;
      for (; k < length; k++) {
        const c = text.charCodeAt(start + k);
        if ((c < TABLE_SIZE ? folded[c]! : c) !== codes[offset + k]) break;
      }
      if (k === length) return slots[at + 1]!;
    }
  }
}

/** text[start, end) equals the folded `word` (see foldWord) whatever its case and accents. */
export function sameFolded(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  const folded = FOLDED_CODES;
  for (let k = 0; k < word.length; k++) {
    const c = text.charCodeAt(start + k);
    if ((c < TABLE_SIZE ? folded[c]! : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}
