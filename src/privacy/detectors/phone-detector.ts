import type { Detector, Span } from '../pii-types.js';
import { readCandidate } from './phone-candidates.js';
import { phoneScore, PHONE_THRESHOLD, type PhoneVerdicts } from './phone-score.js';
import type { RecallLevel } from './recall-level.js';

/** Where a phone number can start: a digit, or a capital O right before a digit ("O6 12..."). */
const START = /\d|O(?=\d)/g;

/** Separators shortRunEnd skips (as readCandidate allows them): blank, dot, dash, brackets, NBSP and narrow spaces, Unicode dashes. */
function isRunSeparator(c: number): boolean {
  return c === 32 || c === 46 || c === 45 || c === 40 || c === 41 || c === 0xa0 || c === 0x202f || c === 0x2010 || c === 0x2011 || c === 0x2013;
}

/**
 * Phone numbers by shape and context: every phone-shaped run of digits is scored (phone-score.ts)
 * from its shape (prefix, grouping, length), its validity in libphonenumber's metadata (which
 * raises the score but is not required: numbers outside allocated ranges are still someone's
 * number), the words before it (`tél`, `call`, `mobile`... raise it; `order`, `facture`,
 * `tracking`... lower it) and what follows (a currency or a unit rules it out). A number close
 * after another phone number counts as cued (lists of numbers).
 */
export function createPhoneDetector(level: RecallLevel = 'high'): Detector {
  const threshold = PHONE_THRESHOLD[level];
  return {
    name: 'phone',
    type: 'PHONE',
    // Every candidate starts where shortRunEnd counts six digits or O's: a text with fewer has none.
    mayMatch: (counts) => counts.digits + counts.capitalO >= 6,
    detect(text) {
      const spans: Span[] = [];
      const verdicts: PhoneVerdicts = new Map(); // per call only: values are not kept across requests
      let previousEnd = -1;
      START.lastIndex = 0;
      for (let m = START.exec(text); m !== null; m = START.exec(text)) {
        // Most numbers of a text (dates, amounts, counts) are too short to be a phone: counted
        // by character codes first, without building a candidate.
        const short = shortRunEnd(text, m.index);
        if (short > 0) {
          START.lastIndex = short;
          continue;
        }
        const candidate = readCandidate(text, m.index);
        if (candidate === null) continue;
        START.lastIndex = Math.max(candidate.overflow ? endOfLongNumber(text, candidate.end) : candidate.end, m.index + 1);
        const scored = phoneScore(text, candidate, verdicts, previousEnd);
        if (scored === null || scored.score < threshold) continue;
        spans.push({ type: 'PHONE', start: candidate.start, end: scored.end, score: Math.min(1, scored.score), detector: 'phone' });
        previousEnd = scored.end;
      }
      return spans;
    },
  };
}

export const phoneDetector: Detector = createPhoneDetector();

/**
 * The end of the run of digits, separators and brackets starting at `from` when it holds fewer
 * than 6 digits (or O for zero): no phone number starts there. 0 when it may hold one.
 */
function shortRunEnd(text: string, from: number): number {
  let digits = 0;
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 79) {
      digits++;
      if (digits >= 6) return 0;
      i++;
    } else if (c === 32 || c === 46 || c === 45 || c === 40 || c === 41 || c === 0xa0 || c === 0x202f || c === 0x2010 || c === 0x2011 || c === 0x2013) {
      // Separators: at most three in a row, as readCandidate allows.
      let j = i + 1;
      while (j < text.length && j - i < 3 && isRunSeparator(text.charCodeAt(j))) j++;
      if (j - i >= 3) break;
      i = j;
    } else {
      break;
    }
  }
  return Math.max(i, from + 1);
}

/** Past the rest of a number too long to be a phone ("FR24 6107 3587 3557 0636 0607 104"): no phone starts inside it. */
function endOfLongNumber(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) i++;
    else if ((c === 32 || c === 46 || c === 45) && i + 1 < text.length && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57) i++;
    else break;
  }
  return i;
}
