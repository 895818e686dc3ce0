import type { Detector, Span } from '../pii-types.js';
import { isValidIban } from '../validators/iban-checksum.js';

/**
 * Country code, check digits, then alphanumerics in groups (spaces or none). The candidate may run
 * into the next upper-case word ("... 189 BIC ..."): `bestIban` then tries each shorter cut.
 * Letters of either case: `fr7630006000011234567890189` is the same account (the checksum is
 * computed on the upper-case form, and keeps chance matches of lower-case words out).
 */
const CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00a0-]?[A-Za-z0-9]){10,32}/g;

/** IBANs validated with ISO 7064 mod 97-10 and the country's length. */
export const ibanDetector: Detector = {
  name: 'iban',
  type: 'IBAN',
  detect(text) {
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const end = bestIban(m[0]);
      if (end > 0) spans.push({ type: 'IBAN', start: m.index, end: m.index + end, detector: 'iban' });
      // Lower-case letters let a candidate run over following words ("... 271 and GB32 ..."): go
      // on right after what was used, never after the whole candidate (at most 34 characters).
      CANDIDATE.lastIndex = m.index + Math.max(end, 1);
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
