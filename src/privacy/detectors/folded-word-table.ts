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

/** Open addressing over typed arrays: a few hundred kilobytes that stay in the CPU caches. */
export class FoldedWordTable {
  readonly #hashes: Int32Array;
  readonly #slots: Int32Array;
  readonly #words: string[] = [];
  readonly #values: number[] = [];
  readonly #mask: number;

  /** `entries`: words and their values (non-zero); spellings that fold alike ("Maëlle", "maelle") share one entry, values or-ed. */
  constructor(words: ReadonlyMap<string, number>) {
    const entries = new Map<string, number>();
    for (const [word, value] of words) entries.set(foldWord(word), (entries.get(foldWord(word)) ?? 0) | value);
    let size = 16;
    while (size < entries.size * 2) size *= 2;
    this.#hashes = new Int32Array(size);
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    for (const [word, value] of entries) {
      const hash = foldedHash(word, 0, word.length);
      let i = hash & this.#mask;
      while (this.#hashes[i] !== 0) i = (i + 1) & this.#mask;
      this.#hashes[i] = hash;
      this.#slots[i] = this.#words.length;
      this.#words.push(word);
      this.#values.push(value);
    }
  }

  /** The value of text[start, end) whatever its case and accents, 0 when absent. `hash` is its foldedHash. */
  get(text: string, start: number, end: number, hash: number): number {
    for (let i = hash & this.#mask; this.#hashes[i] !== 0; i = (i + 1) & this.#mask) {
      if (this.#hashes[i] !== hash) continue;
      const slot = this.#slots[i]!;
      if (sameFolded(text, start, end, this.#words[slot]!)) return this.#values[slot]!;
    }
    return 0;
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
