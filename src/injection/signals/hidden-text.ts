import type { InjectionSignal } from './injection-signal.js';

/** Unicode tag characters (U+E0000–U+E007F) as UTF-16: invisible, and they map one to one onto ASCII. */
const TAG = /\udb40[\udc00-\udc7f]/g;
/** Bidi embeddings, overrides and isolates: they reorder what a reader sees ("Trojan Source"). */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
/** Zero-width characters between two letters: they split a word so that a word filter misses it. */
const ZERO_WIDTH_IN_WORD = /(?<=\p{L})[\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad]+(?=\p{L})/gu;

export interface HiddenTextFindings {
  signals: InjectionSignal[];
  /** The ASCII spelled by tag characters, to be scored like any other text ('' when none). */
  tagText: string;
}

/**
 * Characters that hide or reorder text. Zero-width joiners are common inside emoji sequences and
 * some scripts, so only those splitting Latin-like words count, and only from two on.
 */
export function findHiddenText(text: string): HiddenTextFindings {
  const signals: InjectionSignal[] = [];
  let tagText = '';
  let first = -1;
  let last = -1;
  let count = 0;
  for (const m of text.matchAll(TAG)) {
    count++;
    const code = (m[0].charCodeAt(1) - 0xdc00) & 0x7f;
    if (code >= 0x20 && code < 0x7f) tagText += String.fromCharCode(code);
    if (first === -1) first = m.index;
    last = m.index + 2;
  }
  if (first !== -1) signals.push({ kind: 'hidden_text', detail: 'unicode tag characters', count, start: first, end: last });
  const bidi = [...text.matchAll(BIDI)];
  if (bidi.length > 0) signals.push(spanSignal('bidi controls', bidi));
  const zw = [...text.matchAll(ZERO_WIDTH_IN_WORD)];
  if (zw.length >= 2) signals.push(spanSignal('zero-width characters inside words', zw));
  return { signals, tagText };
}

function spanSignal(detail: string, matches: RegExpMatchArray[]): InjectionSignal {
  const first = matches[0] as RegExpMatchArray;
  const lastMatch = matches[matches.length - 1] as RegExpMatchArray;
  return { kind: 'hidden_text', detail, count: matches.length, start: first.index ?? 0, end: (lastMatch.index ?? 0) + lastMatch[0].length };
}
