import type { Detector, Span } from '../pii-types.js';
import { hasCardIssuerPrefix, isLuhnValid } from '../validators/luhn.js';

/** 12 to 19 digits, optionally in groups separated by one space or dash, not inside a longer number. */
const CANDIDATE = /(?<![\d.,-])\d(?:[ \u00a0-]?\d){11,22}(?![\d])/g;

/** Payment card numbers: issuer prefix and length of a known network, then Luhn. */
export const creditCardDetector: Detector = {
  name: 'credit-card',
  type: 'CREDIT_CARD',
  // CANDIDATE holds 12 digits at least.
  mayMatch: (counts) => counts.digits >= 12,
  detect(text) {
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const end = bestCard(m[0]);
      if (end > 0) spans.push({ type: 'CREDIT_CARD', start: m.index, end: m.index + end, detector: 'credit-card' });
    }
    return spans;
  },
};

/** Length of the longest valid card number prefix of `raw` cut at a group boundary, or 0. */
function bestCard(raw: string): number {
  let digits = '';
  const ends: number[] = []; // ends[k]: offset in raw just after the (k+1)-th digit
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits += raw[i];
      ends.push(i + 1);
    }
  }
  for (let n = Math.min(digits.length, 19); n >= 12; n--) {
    const next = raw.charCodeAt(ends[n - 1]!);
    if (next >= 48 && next <= 57) continue; // a cut inside a group of digits
    const compact = n === digits.length ? digits : digits.slice(0, n);
    if (hasCardIssuerPrefix(compact) && isLuhnValid(compact)) return ends[n - 1]!;
  }
  return 0;
}
