import type { Detector, Span } from '../pii-types.js';

export interface WordListSpec {
  type: string;
  /** Words or phrases (client names, project code names). Matched whole-word. */
  words: string[];
  /** Case-sensitive matching; default false. */
  caseSensitive?: boolean;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}_]/u;

/**
 * Whole-word matches of a list of words or phrases. One regex alternation (longest first, so
 * "Projet Aurora Nord" wins over "Projet Aurora"), whose first characters V8 scans for quickly;
 * whole-word boundaries are checked by hand to stay correct for accented letters.
 */
export function createWordListDetector(spec: WordListSpec): Detector {
  const words = [...new Set(spec.words.map((w) => w.trim()).filter((w) => w.length > 0))].sort((a, b) => b.length - a.length);
  const name = `custom-words:${spec.type}`;
  if (words.length === 0) return { name, type: spec.type, detect: () => [] };
  const source = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')).join('|');
  const regex = new RegExp(source, spec.caseSensitive === true ? 'g' : 'gi');
  return {
    name,
    type: spec.type,
    detect(text) {
      const spans: Span[] = [];
      const re = regex; // reset, not copied: a list of many words makes a large regex (see Detector)
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const end = m.index + m[0].length;
        if (LETTER_OR_DIGIT.test(text[m.index - 1] ?? '') || LETTER_OR_DIGIT.test(text[end] ?? '')) {
          re.lastIndex = m.index + 1; // a rejected match may hide a whole word starting inside it
          continue;
        }
        spans.push({ type: spec.type, start: m.index, end, detector: name });
      }
      return spans;
    },
  };
}
