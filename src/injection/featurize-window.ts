import { hashRange, mixHash } from './feature-hash.js';

/** Bump when hashing, tokenising or feature namespaces change: shipped weights no longer apply. */
export const FEATURIZER_VERSION = 1;

/** How texts become hashed features; stored in the weights file, so a scorer reads as it was trained. */
export interface FeaturizerSettings {
  /** 2^hashBits buckets. */
  hashBits: number;
  /** Character n-gram lengths, read over the normalised text (spaces included, so they span words). */
  charNgrams: number[];
  /** Word bigrams besides word unigrams. */
  wordBigrams: boolean;
  /** Window length and step in characters of normalised text (see text-windows.ts). */
  windowChars: number;
  strideChars: number;
}

export const DEFAULT_FEATURIZER: FeaturizerSettings = { hashBits: 18, charNgrams: [3, 5], wordBigrams: true, windowChars: 400, strideChars: 200 };

const SEED_WORD = 0x1f3d5b79;
const SEED_BIGRAM = 0x2c1b3c6d;
const SEED_CHAR = 0x3a8f05c5;

export interface Featurizer {
  /** The distinct buckets present in `text[start, end)` (normalised text), ascending. */
  buckets(text: string, start: number, end: number): Int32Array;
}

/**
 * One featuriser per scorer: it keeps a scratch mark array of 2^hashBits bytes so that collecting
 * the distinct buckets of a window costs no allocation per feature.
 */
export function createFeaturizer(settings: FeaturizerSettings): Featurizer {
  const mask = 2 ** settings.hashBits - 1;
  const seen = new Uint8Array(mask + 1);
  const found: number[] = [];
  const add = (h: number) => {
    const b = h & mask;
    if (seen[b] === 0) {
      seen[b] = 1;
      found.push(b);
    }
  };
  return {
    buckets(text, start, end) {
      found.length = 0;
      let previousWord = -1;
      let wordStart = -1;
      for (let i = start; i <= end; i++) {
        const inWord = i < end && isWordChar(text.charCodeAt(i));
        if (inWord && wordStart === -1) wordStart = i;
        if (!inWord && wordStart !== -1) {
          const w = hashRange(text, wordStart, i, SEED_WORD);
          add(w);
          if (settings.wordBigrams && previousWord !== -1) add(mixHash(previousWord, w ^ SEED_BIGRAM));
          previousWord = w;
          wordStart = -1;
        }
      }
      for (const n of settings.charNgrams) {
        const seed = SEED_CHAR + n;
        for (let i = start; i + n <= end; i++) add(mixHash(hashRange(text, i, i + n, seed), n));
      }
      const out = Int32Array.from(found).sort();
      for (const b of found) seen[b] = 0;
      return out;
    },
  };
}

/** Letters and digits of any script (code units: surrogate halves count as word characters). */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return c !== 0xa0 && !(c >= 0x2000 && c <= 0x206f) && c !== 0x3000;
}
