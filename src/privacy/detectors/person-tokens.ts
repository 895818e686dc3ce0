import { foldCode } from './folded-word-table.js';
import { SHAPE_HYPHEN, SHAPE_LOWER, type PersonLexicon } from './person-lexicon.js';

/** A capitalised word. Words glued to a previous letter ("l'Hôpital", "iPhone") are dropped below. */
const CAPITALISED = /[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*/g;

/**
 * The capitalised words of a text: start, end, lexicon flags and case-blind hash of each, packed
 * in one Int32Array. A megabyte holds some 30,000 such words; an object (or a string kept) per word
 * cost more in allocation and garbage collection than all the rest of the detector. Words are
 * sliced from the text only where a rule needs them.
 */
export interface Tokens {
  count: number;
  /** [start, end, flags, hash] per token; `end` leaves out a possessive "'s" and trailing quotes or hyphens. */
  data: Int32Array;
}

const FIELDS = 4;

export function startOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i]!;
}

export function endOfWord(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 1]!;
}

export function flagsOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 2]!;
}

/** foldedHash of the word. */
export function hashOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 3]!;
}

export function lengthOf(t: Tokens, i: number): number {
  return t.data[FIELDS * i + 1]! - t.data[FIELDS * i]!;
}

/** Letters, digits, `_`, apostrophes and hyphens: a capital after one of these is inside a word. */
function gluesWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 39 || c === 0x2019 || c === 45
    || (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7);
}

function isQuote(c: number): boolean {
  return c === 39 || c === 0x2019;
}

function isQuoteOrHyphen(c: number): boolean {
  return c === 39 || c === 0x2019 || c === 45;
}

export function tokenize(text: string, lex: PersonLexicon): Tokens {
  let data = new Int32Array(FIELDS * 256);
  let count = 0;
  const re = CAPITALISED;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index;
    if (start > 0 && gluesWord(text.charCodeAt(start - 1))) continue;
    let end = start + m[0].length;
    if (text.charCodeAt(end - 1) === 115 /* s */ && end - start > 2 && isQuote(text.charCodeAt(end - 2))) end -= 2;
    while (end > start && isQuoteOrHyphen(text.charCodeAt(end - 1))) end--;
    if (end === start) continue;
    // One pass over the word: its case-blind hash (see foldedHash) and its shape.
    let hash = 0x811c9dc5;
    let shape = 0;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      hash = Math.imul(hash ^ foldCode(c), 0x01000193);
      if (c === 45) shape |= SHAPE_HYPHEN;
      else if ((c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff && c !== 0xf7)) shape |= SHAPE_LOWER;
    }
    hash = (hash & 0x3fffffff) | 1; // as foldedHash
    if (FIELDS * count + FIELDS > data.length) {
      const grown = new Int32Array(data.length * 2);
      grown.set(data);
      data = grown;
    }
    const at = FIELDS * count++;
    data[at] = start;
    data[at + 1] = end;
    data[at + 2] = lex.lookup(text, start, end, hash, shape);
    data[at + 3] = hash;
  }
  return { count, data };
}
