import { hashRange, mixHash } from './feature-hash.js';

/** Bump when hashing, tokenising or feature namespaces change: shipped weights no longer apply. */
export const FEATURIZER_VERSION = 2;

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

/** A text's features, hashed once; windows then only gather them (overlapping windows cost no rehash). */
export interface TextFeatures {
  readonly length: number;
  /** Distinct buckets of `[start, end)`: char n-grams starting and ending inside, words and bigrams wholly inside. */
  window(start: number, end: number): Int32Array;
}

export interface Featurizer {
  /** Hashes every feature of a normalised text. */
  read(text: string): TextFeatures;
}

/**
 * One featuriser per scorer: it keeps a scratch stamp array of 2^hashBits entries, so collecting
 * the distinct buckets of a window allocates nothing per feature.
 */
export function createFeaturizer(settings: FeaturizerSettings): Featurizer {
  const mask = 2 ** settings.hashBits - 1;
  const stamp = new Uint32Array(mask + 1);
  let generation = 0;
  return {
    read(text) {
      const wordStarts: number[] = [];
      const wordEnds: number[] = [];
      const wordHashes: number[] = [];
      let wordStart = -1;
      for (let i = 0; i <= text.length; i++) {
        const inWord = i < text.length && isWordChar(text.charCodeAt(i));
        if (inWord && wordStart === -1) wordStart = i;
        if (!inWord && wordStart !== -1) {
          wordStarts.push(wordStart);
          wordEnds.push(i);
          wordHashes.push(hashRange(text, wordStart, i, SEED_WORD));
          wordStart = -1;
        }
      }
      const grams = settings.charNgrams.map((n) => {
        const out = new Int32Array(Math.max(0, text.length - n + 1));
        for (let i = 0; i < out.length; i++) out[i] = mixHash(hashRange(text, i, i + n, SEED_CHAR + n), n) & mask;
        return { n, buckets: out };
      });
      return {
        length: text.length,
        window(start, end) {
          generation = (generation + 1) >>> 0;
          if (generation === 0) {
            stamp.fill(0);
            generation = 1;
          }
          const found: number[] = [];
          const add = (b: number) => {
            if (stamp[b] !== generation) {
              stamp[b] = generation;
              found.push(b);
            }
          };
          let previous = -1;
          for (let w = lowerBound(wordStarts, start); w < wordStarts.length && (wordEnds[w] as number) <= end; w++) {
            const h = wordHashes[w] as number;
            add(h & mask);
            if (settings.wordBigrams && previous !== -1) add(mixHash(previous, h ^ SEED_BIGRAM) & mask);
            previous = h;
          }
          for (const { n, buckets } of grams) for (let i = start; i + n <= end; i++) add(buckets[i] as number);
          return Int32Array.from(found).sort();
        },
      };
    },
  };
}

/** First index whose value is >= `value` in an ascending list. */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Letters and digits of any script (code units: surrogate halves count as word characters). */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return c !== 0xa0 && !(c >= 0x2000 && c <= 0x206f) && c !== 0x3000;
}
