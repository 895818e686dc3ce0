import { sameFolded } from './folded-word-table.js';
import { endOfWord, hashOf, startOf, type Tokens } from './person-tokens.js';

/**
 * Parts of names found in confident spans ("Dupont" in "M. Jean Dupont"), so that the same part
 * met alone later in the text is found too, whatever its case. Every capitalised word of the text
 * is checked: the tokenizer's case-blind hash finds the candidates, compared in place (no string
 * is made per word, nor per repeated part).
 */
export class KnownParts {
  /** Case-blind hash to the lower-case parts that have it. */
  readonly #parts = new Map<number, string[]>();

  get size(): number {
    return this.#parts.size;
  }

  add(text: string, t: Tokens, i: number): void {
    const start = startOf(t, i);
    const end = endOfWord(t, i);
    const same = this.#parts.get(hashOf(t, i));
    if (same === undefined) this.#parts.set(hashOf(t, i), [text.slice(start, end).toLowerCase()]);
    else if (!same.some((part) => sameFolded(text, start, end, part))) same.push(text.slice(start, end).toLowerCase());
  }

  has(text: string, t: Tokens, i: number): boolean {
    const same = this.#parts.get(hashOf(t, i));
    return same !== undefined && same.some((part) => sameFolded(text, startOf(t, i), endOfWord(t, i), part));
  }
}
