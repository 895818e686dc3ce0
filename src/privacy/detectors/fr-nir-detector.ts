import type { Detector, Span } from '../pii-types.js';
import { isValidNir } from '../validators/nir-key.js';

const SEP = '[ .\\u00a0]?';
/** sex, year, month, department (2A/2B for Corsica), commune, order, key: grouped or not. */
const CANDIDATE = new RegExp(
  `(?<![\\dA-Za-z])[12378]${SEP}\\d{2}${SEP}\\d{2}${SEP}(?:\\d{2}|2[AaBb])${SEP}\\d{3}${SEP}\\d{3}[ .\\u00a0-]{0,3}\\d{2}(?![\\dA-Za-z])`,
  'g',
);

/** Words announcing a NIR, looked for in the 40 characters before a number. */
const CUE = /(?:\bNIR\b|\bn°\s*(?:de\s+)?S\.?S\b|s[ée]curit[ée]\s+sociale|\bs[ée]cu\b|\bINSEE\b|num[ée]ro\s+SS\b|carte\s+vitale)/i;

/**
 * French social-security numbers (NIR), checked against their key. After a cue ("NIR", "n° SS",
 * "sécurité sociale") a number of the same shape is one even when its key is wrong: it is still a
 * social security number to the person who typed it, mistyped or not.
 */
export const frNirDetector: Detector = {
  name: 'fr-nir',
  type: 'FR_NIR',
  // CANDIDATE holds 14 digits at least: 1 + 2 + 2 + (2, or 1 in 2A/2B) + 3 + 3 + 2.
  mayMatch: (counts) => counts.digits >= 14,
  detect(text) {
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const compact = m[0].replace(/[ .\u00a0-]/g, '').toUpperCase();
      const score = isValidNir(compact) ? 1 : CUE.test(text.slice(Math.max(0, m.index - 40), m.index)) ? 0.8 : 0;
      if (score > 0) spans.push({ type: 'FR_NIR', start: m.index, end: m.index + m[0].length, score, detector: 'fr-nir' });
    }
    return spans;
  },
};
