import type { Detector, Span } from '../pii-types.js';
import { isValidNir } from '../validators/nir-key.js';

const SEP = '[ .\\u00a0]?';
/** sex, year, month, department (2A/2B for Corsica), commune, order, key: grouped or not. */
const CANDIDATE = new RegExp(
  `(?<![\\dA-Za-z])[12378]${SEP}\\d{2}${SEP}\\d{2}${SEP}(?:\\d{2}|2[AaBb])${SEP}\\d{3}${SEP}\\d{3}[ .\\u00a0-]{0,3}\\d{2}(?![\\dA-Za-z])`,
  'g',
);

/** French social-security numbers (NIR), checked against their key. */
export const frNirDetector: Detector = {
  name: 'fr-nir',
  type: 'FR_NIR',
  detect(text) {
    const spans: Span[] = [];
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const compact = m[0].replace(/[ .\u00a0-]/g, '').toUpperCase();
      if (isValidNir(compact)) spans.push({ type: 'FR_NIR', start: m.index, end: m.index + m[0].length, detector: 'fr-nir' });
    }
    return spans;
  },
};
