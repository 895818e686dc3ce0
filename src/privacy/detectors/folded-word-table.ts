/**
 * Case-blind lookups of words of a text by their offsets, without slicing or lower-casing them.
 * The PERSON detector looks up every capitalised word of the text (some 30,000 per megabyte): a
 * `Map` keyed by new strings cost a string, a hash and a lower-cased copy per word, and a table
 * several times larger (one key per spelling).
 */

/** String#toLowerCase on the alphabet of capitalised words (Latin-1 letters, quotes, hyphen). */
export function foldCode(c: number): number {
  return c < 256 ? FOLDED[c]! : c;
}

/** Latin-1 lower-cased by table: a branch-free lookup per character. */
const FOLDED = new Uint8Array(256);
for (let c = 0; c < 256; c++) FOLDED[c] = (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c + 32 : c;

/** A hash of text[start, end) that ignores case: equal for "Dupont", "DUPONT" and "dupont". */
export function foldedHash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ foldCode(text.charCodeAt(k)), 0x01000193);
  return (h & 0x3fffffff) | 1; // a small integer (31-bit in V8), never 0: 0 marks an empty slot
}

/** Open addressing over typed arrays: a few hundred kilobytes that stay in the CPU caches. */
export class FoldedWordTable {
  readonly #hashes: Int32Array;
  readonly #slots: Int32Array;
  readonly #words: string[] = [];
  readonly #values: number[] = [];
  readonly #mask: number;

  /** `entries`: lower-case words and their values (non-zero). */
  constructor(entries: ReadonlyMap<string, number>) {
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

  /** The value of text[start, end) whatever its case, 0 when absent. `hash` is its foldedHash. */
  get(text: string, start: number, end: number, hash: number): number {
    for (let i = hash & this.#mask; this.#hashes[i] !== 0; i = (i + 1) & this.#mask) {
      if (this.#hashes[i] !== hash) continue;
      const slot = this.#slots[i]!;
      if (sameFolded(text, start, end, this.#words[slot]!)) return this.#values[slot]!;
    }
    return 0;
  }
}

/** text[start, end) equals the lower-case `word` whatever its case. */
export function sameFolded(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (foldCode(text.charCodeAt(start + k)) !== word.charCodeAt(k)) return false;
  return true;
}
