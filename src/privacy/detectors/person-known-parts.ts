import { endOfWord, hashOf, startOf, type Tokens } from './person-tokens.js';

/**
 * Parts of names found in confident spans ("Dupont" in "M. Jean Dupont"), so that the same part
 * met alone later in the text is found too, whatever its case. Every capitalised word of the text
 * is checked: the tokenizer's case-blind hash rules out almost all of them without a string.
 */
export class KnownParts {
  readonly #parts = new Set<string>();
  readonly #hashes = new Set<number>();

  get size(): number {
    return this.#parts.size;
  }

  add(text: string, t: Tokens, i: number): void {
    this.#parts.add(text.slice(startOf(t, i), endOfWord(t, i)).toLowerCase());
    this.#hashes.add(hashOf(t, i));
  }

  has(text: string, t: Tokens, i: number): boolean {
    return this.#hashes.has(hashOf(t, i)) && this.#parts.has(text.slice(startOf(t, i), endOfWord(t, i)).toLowerCase());
  }
}
