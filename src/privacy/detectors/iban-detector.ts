import type { Detector, Span } from '../pii-types.js';
import { isValidIban } from '../validators/iban-checksum.js';

/**
 * Country code, check digits, then alphanumerics in groups (spaces or none). The candidate may run
 * into the next upper-case word ("... 189 BIC ..."): `bestIban` then tries each shorter cut.
 * Letters of either case: `fr7630006000011234567890189` is the same account (the checksum is
 * computed on the upper-case form, and keeps chance matches of lower-case words out).
 */
const CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00a0-]?[A-Za-z0-9]){10,32}/y;

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The first offset at or after `from` where CANDIDATE can match: two letters then two digits, not
 * after a letter or digit. Found by character codes (digits first: most characters are not), then
 * CANDIDATE is tried there alone (sticky): the leftmost match, as a global regex would find it,
 * without trying the regex at every letter of the text.
 */
function nextCandidate(text: string, from: number): number {
  for (let i = from + 2; i + 1 < text.length; i++) {
    if (!isAsciiDigit(text.charCodeAt(i))) continue;
    const p = i - 2;
    if (isAsciiDigit(text.charCodeAt(i + 1)) && isAsciiLetter(text.charCodeAt(p)) && isAsciiLetter(text.charCodeAt(p + 1))) {
      const before = text.charCodeAt(p - 1);
      if (!(isAsciiLetter(before) || isAsciiDigit(before))) return p;
    }
  }
  return -1;
}

/** IBANs validated with ISO 7064 mod 97-10 and the country's length. */
export const ibanDetector: Detector = {
  name: 'iban',
  type: 'IBAN',
  detect(text) {
    const spans: Span[] = [];
    for (let at = nextCandidate(text, 0); at !== -1;) {
      CANDIDATE.lastIndex = at;
      const m = CANDIDATE.exec(text);
      if (m === null) {
        at = nextCandidate(text, at + 1);
        continue;
      }
      const end = bestIban(m[0]);
      if (end > 0) spans.push({ type: 'IBAN', start: at, end: at + end, detector: 'iban' });
      // Lower-case letters let a candidate run over following words ("... 271 and GB32 ..."): go
      // on right after what was used, never after the whole candidate (at most 34 characters).
      at = nextCandidate(text, at + Math.max(end, 1));
    }
    return spans;
  },
};

/** Length of the longest valid IBAN prefix of `raw` ending on an alphanumeric, or 0. */
function bestIban(raw: string): number {
  let compact = '';
  const ends: number[] = []; // ends[k] = offset in raw just after the (k+1)-th alphanumeric
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === ' ' || c === '\u00a0' || c === '-') continue;
    compact += c.toUpperCase();
    ends.push(i + 1);
  }
  for (let n = Math.min(compact.length, 34); n >= 15; n--) {
    const next = raw[ends[n - 1]!] ?? ' ';
    // Cut only at a group boundary: the next raw character must be a separator or the end.
    if (n < compact.length && next !== ' ' && next !== '\u00a0' && next !== '-') continue;
    if (isValidIban(compact.slice(0, n))) return ends[n - 1]!;
  }
  return 0;
}
