import { createPlaceholderMatcher, type PlaceholderMatcher } from './placeholder-syntax.js';
import type { PlaceholderVault } from './vault.js';

/** `text`: values go in as they are; `json`: inside JSON strings, values are JSON-escaped. */
export type RestoreMode = 'text' | 'json';

/** A JSON string body for `value`: quotes, backslashes and control characters escaped. */
export function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Restores placeholders incrementally. `push` returns what can be emitted now, keeping back only
 * a suffix that might be the start of a placeholder (bounded by the longest placeholder form);
 * `finish` returns the rest. Any chunking of the same text yields the same concatenated output,
 * equal to `restoreText` of the whole.
 */
export class PlaceholderRestorer {
  readonly #vault: PlaceholderVault;
  readonly #matcher: PlaceholderMatcher;
  readonly #mode: RestoreMode;
  #pending = '';
  #prev: string | undefined = undefined;

  constructor(vault: PlaceholderVault, mode: RestoreMode = 'text') {
    this.#vault = vault;
    this.#mode = mode;
    this.#matcher = createPlaceholderMatcher(vault.types());
  }

  push(delta: string): string {
    this.#pending += delta;
    return this.#drain(false);
  }

  finish(): string {
    return this.#drain(true);
  }

  #drain(final: boolean): string {
    const text = this.#pending;
    const out: string[] = [];
    let copied = 0; // text[copied..i) is ordinary text not yet copied to out
    const candidates = this.#matcher.candidates;
    let i = 0;
    while (i < text.length) {
      candidates.lastIndex = i;
      const next = candidates.exec(text);
      if (next === null) {
        i = text.length;
        break;
      }
      i = next.index;
      const m = this.#matcher.matchAt(text, i, i > 0 ? text[i - 1] : this.#prev, final);
      if (m.kind === 'more') break;
      const value = m.kind === 'match' ? this.#vault.valueOf(m.type, m.n) : undefined;
      if (m.kind === 'match' && value !== undefined) {
        out.push(text.slice(copied, i), this.#mode === 'json' ? jsonEscape(value) : value);
        i = m.end;
        copied = i;
      } else {
        i++;
      }
    }
    out.push(text.slice(copied, i));
    if (i > 0) this.#prev = text[i - 1];
    this.#pending = text.slice(i);
    return out.join('');
  }
}

/** Restores every placeholder of `vault` found in a whole text. */
export function restoreText(text: string, vault: PlaceholderVault, mode: RestoreMode = 'text'): string {
  if (vault.size === 0) return text;
  const restorer = new PlaceholderRestorer(vault, mode);
  return restorer.push(text) + restorer.finish();
}
