import { firstMatches, MAX_MATCHES, type InjectionSignal } from './injection-signal.js';

/** Unicode tag characters (U+E0000–U+E007F) are U+DB40 then U+DC00–U+DC7F in UTF-16: invisible, one to one onto ASCII. */
const MAX_TAG_TEXT = 4096;
/** Bidi embeddings, overrides and isolates: they reorder what a reader sees ("Trojan Source"). */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
/** Zero-width characters between two letters: they split a word so that a word filter misses it. */
const ZERO_WIDTH_IN_WORD = /(?<=\p{L})[\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad]+(?=\p{L})/gu;

const ANY_HIDING = /[\u00ad\u180e\u200b-\u200d\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

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
  // Tag characters are walked, not matched: a megabyte of them builds no match objects. The text
  // they spell is kept up to MAX_TAG_TEXT characters, enough to judge it.
  for (let i = text.indexOf('\udb40'); i !== -1; i = text.indexOf('\udb40', i + 1)) {
    const low = text.charCodeAt(i + 1);
    if (!(low >= 0xdc00 && low <= 0xdc7f)) continue; // a lone U+DB40 (NaN after it at the end) is not a tag
    count++;
    const code = low - 0xdc00;
    if (code >= 0x20 && code < 0x7f && tagText.length < MAX_TAG_TEXT) tagText += String.fromCharCode(code);
    if (first === -1) first = i;
    last = i + 2;
  }
  if (first !== -1) signals.push({ kind: 'hidden_text', detail: 'unicode tag characters', count, start: first, end: last });
  // Most texts hold none of these characters: one quick test spares the two patterns below.
  if (!ANY_HIDING.test(text)) return { signals, tagText };
  const bidi = firstMatches(text, BIDI);
  if (bidi.length > 0) signals.push(spanSignal('bidi controls', bidi));
  const zw = firstMatches(text, ZERO_WIDTH_IN_WORD);
  if (zw.length >= 2) signals.push(spanSignal('zero-width characters inside words', zw));
  return { signals, tagText };
}

function spanSignal(detail: string, matches: RegExpExecArray[]): InjectionSignal {
  const first = matches[0] as RegExpExecArray;
  const lastMatch = matches[matches.length - 1] as RegExpExecArray;
  return { kind: 'hidden_text', detail, count: matches.length, start: first.index, end: lastMatch.index + lastMatch[0].length };
}
