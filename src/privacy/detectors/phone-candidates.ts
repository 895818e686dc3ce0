/**
 * Phone-shaped runs of digits, read by character codes: digits (an upper-case letter O counts as
 * a zero next to a digit), groups separated by up to three blanks, dots or dashes, a `+`, `00` or
 * `(CC)` prefix, a `(0)` trunk, an area code in brackets, and an extension (`x4587`, `ext. 12`,
 * `poste 12`). What a candidate looks like is scored by phone-score.ts.
 */
export interface PhoneCandidate {
  start: number;
  end: number;
  /** The digits, O read as 0, without those of the extension. */
  digits: string;
  /** Lengths of the digit groups, in order (a bracketed group counts as one). */
  groups: number[];
  /** `+`, `00` or a bracketed country code in front. */
  international: boolean;
  /** An area code or a country code in brackets ("(415) ...", "(33) 1 ..."), or a `(0)` trunk. */
  bracketed: boolean;
  /** The kinds of separator met: bit 1 blank, 2 dot, 4 dash. */
  separators: number;
  /** Letter O read as a zero. */
  letterO: boolean;
  extension: boolean;
  /** Offset where the digits end (before any extension). */
  digitsEnd: number;
  /** End offset of each group, and the count of digits up to it (to cut a number swallowed after a phone). */
  cuts: { end: number; digits: number }[];
  /** More digits followed that would have made it too long: part of a longer number (a card, an IBAN). */
  overflow: boolean;
}

const MAX_DIGITS = 15;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A digit, or a letter O with a digit on one side. */
function digitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (isDigit(c)) return true;
  return c === 79 /* O */ && (isDigit(text.charCodeAt(i + 1)) || isDigit(text.charCodeAt(i - 1)));
}

function separatorBit(c: number): number {
  if (c === 32 || c === 0xa0 || c === 0x202f) return 1;
  if (c === 46) return 2;
  if (c === 45 || c === 0x2010 || c === 0x2011 || c === 0x2013) return 4;
  return 0;
}

/** Length of `(digits)` at i (1 to 4 digits), else 0. */
function bracketAt(text: string, i: number): number {
  if (text.charCodeAt(i) !== 40 /* ( */) return 0;
  let j = i + 1;
  while (j < text.length && j - i <= 5 && isDigit(text.charCodeAt(j))) j++;
  return j > i + 1 && j - i <= 5 && text.charCodeAt(j) === 41 /* ) */ ? j + 1 - i : 0;
}

/** The candidate whose first digit (or O) is at `at`, or null. Looks back for `+`, `(`. */
export function readCandidate(text: string, at: number): PhoneCandidate | null {
  const c: PhoneCandidate = {
    start: at,
    end: at,
    digits: '',
    groups: [],
    international: false,
    bracketed: false,
    separators: 0,
    letterO: false,
    extension: false,
    digitsEnd: at,
    cuts: [],
    overflow: false,
  };
  let i = at;
  // A bracketed first group: "(415) 555-0132", "(33) 1 45 56 78 90", "(0164) 019293275".
  if (text.charCodeAt(at - 1) === 40) {
    const len = bracketAt(text, at - 1);
    if (len > 0) {
      c.start = at - 1;
      c.bracketed = true;
      const inner = text.slice(at, at - 1 + len - 1);
      c.digits += inner;
      c.groups.push(inner.length);
      // "(33) 1 45...": a country code; "(415)" and "(0164)" are area codes.
      if (inner.length <= 2 && inner[0] !== '0') c.international = true;
      i = at - 1 + len;
    }
  } else if (text.charCodeAt(at - 1) === 43 /* + */) {
    c.start = at - 1;
    c.international = true;
  }
  for (;;) {
    if (c.groups.length > 0 || c.digits.length > 0) {
      // A separator (1 to 3 blanks, dots or dashes), then a digit or a bracket, else the end.
      let j = i;
      let bits = 0;
      while (j < text.length && j - i < 3) {
        const bit = separatorBit(text.charCodeAt(j));
        if (bit === 0) break;
        bits |= bit;
        j++;
      }
      const bracket = bracketAt(text, j);
      if (bracket > 0 && (j > i || text.charCodeAt(i - 1) !== 41)) {
        const inner = text.slice(j + 1, j + bracket - 1);
        if (c.digits.length + inner.length > MAX_DIGITS) {
          c.overflow = j - i < 2;
          break;
        }
        c.bracketed = true;
        c.separators |= bits;
        // "(0)" is a trunk prefix dialled only at home: not part of the number.
        if (inner !== '0') {
          c.digits += inner;
          c.groups.push(inner.length);
        }
        i = j + bracket;
        continue;
      }
      if ((j === i && text.charCodeAt(i - 1) !== 41) || !digitAt(text, j)) break;
      let next = j;
      while (next < text.length && digitAt(text, next)) next++;
      if (c.digits.length + (next - j) > MAX_DIGITS) {
        // "06 12 34 56 78 - 01 44 52 87 19" is two numbers; "4111 1111 1111 1111" is one, too long.
        c.overflow = j - i < 2;
        break;
      }
      c.separators |= bits;
      i = j;
    }
    let k = i;
    while (k < text.length && digitAt(text, k)) k++;
    if (k === i) break;
    if (c.digits.length + (k - i) > MAX_DIGITS) {
      c.overflow = true;
      break;
    }
    const group = text.slice(i, k);
    if (group.includes('O')) c.letterO = true;
    c.digits += group.replaceAll('O', '0');
    c.groups.push(k - i);
    i = k;
    c.digitsEnd = k;
    c.end = k;
    c.cuts.push({ end: k, digits: c.digits.length });
  }
  if (c.digits.length === 0) return null;
  if (!c.international && c.digits.startsWith('00') && c.groups[0]! >= 2) c.international = true;
  const ext = EXTENSION.exec(text.slice(c.end, c.end + 16));
  if (ext !== null) {
    c.extension = true;
    c.end += ext[0].length;
  }
  return c;
}

const EXTENSION = /^[ \u00a0]?(?:x|ext\.?|extn\.?|poste|#)[ \u00a0.]?\d{1,5}(?!\d)/i;
