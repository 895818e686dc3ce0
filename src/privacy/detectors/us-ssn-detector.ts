import type { Detector, Span } from '../pii-types.js';
import { isValidSsn } from '../validators/ssn-rules.js';

/** 3-2-4 with dashes: the canonical form, accepted alone. */
const DASHED = /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g;
/** With spaces or none: too common among other numbers, so only after an SSN cue. */
const CUED = /\b(?:SSN|SS#|social security(?: number| no\.?)?|n° de sécurité sociale américain)\s*(?:#|:|is|number)?\s*(\d{3}[ ]?\d{2}[ ]?\d{4})(?!\d)/gi;

/** US Social Security numbers, with the SSA's structural rules (no checksum exists). */
export const usSsnDetector: Detector = {
  name: 'us-ssn',
  type: 'US_SSN',
  // DASHED and CUED both hold 9 digits.
  mayMatch: (counts) => counts.digits >= 9,
  detect(text) {
    const spans: Span[] = [];
    DASHED.lastIndex = 0;
    for (let m = DASHED.exec(text); m !== null; m = DASHED.exec(text)) {
      if (isValidSsn(m[0].replaceAll('-', ''))) spans.push({ type: 'US_SSN', start: m.index, end: m.index + 11, detector: 'us-ssn' });
    }
    CUED.lastIndex = 0;
    for (let m = CUED.exec(text); m !== null; m = CUED.exec(text)) {
      const value = m[1]!;
      const start = m.index + m[0].length - value.length;
      if (isValidSsn(value.replaceAll(' ', ''))) spans.push({ type: 'US_SSN', start, end: start + value.length, detector: 'us-ssn' });
    }
    return spans;
  },
};
