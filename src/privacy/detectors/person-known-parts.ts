import { foldWord, sameFolded } from './folded-word-table.js';
import { GLUES, letterClass } from './letter-classes.js';
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
    if (same === undefined) this.#parts.set(hashOf(t, i), [foldWord(text.slice(start, end))]);
    else if (!same.some((part) => sameFolded(text, start, end, part))) same.push(foldWord(text.slice(start, end)));
  }

  has(text: string, t: Tokens, i: number): boolean {
    const same = this.#parts.get(hashOf(t, i));
    return same !== undefined && same.some((part) => sameFolded(text, startOf(t, i), endOfWord(t, i), part));
  }
}

/**
 * Whether a capitalised word also appears in lower case, as a whole word, in the same text ("Data"
 * learnt from "Mr. Data", then "the data is clean"): an ordinary word, which a name learnt in one
 * place must not turn into a name everywhere else. Verdicts are memoised per word for one text;
 * the searches are bounded by a budget in characters proportional to the text (past it, the word
 * counts as a name: a missed name leaks, a needless placeholder does not).
 */
export class LowerCaseUse {
  readonly #verdicts = new Map<string, boolean>();
  #budget: number;

  constructor(readonly text: string) {
    this.#budget = 16 * text.length + 65_536;
  }

  has(start: number, end: number): boolean {
    const word = this.text.slice(start, end).toLowerCase();
    let verdict = this.#verdicts.get(word);
    if (verdict !== undefined) return verdict;
    verdict = false;
    const text = this.text;
    for (let from = 0; this.#budget > 0;) {
      const at = text.indexOf(word, from);
      this.#budget -= (at === -1 ? text.length : at + word.length) - from;
      if (at === -1) break;
      from = at + 1;
      if (at > 0 && (letterClass(text.charCodeAt(at - 1)) & GLUES) !== 0) continue;
      if ((letterClass(text.charCodeAt(at + word.length)) & GLUES) !== 0) continue;
      verdict = true;
      break;
    }
    this.#verdicts.set(word, verdict);
    return verdict;
  }
}
