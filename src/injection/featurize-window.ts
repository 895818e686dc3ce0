import type { TextWindow } from './text-windows.js';

/** Bump when hashing, tokenising or feature namespaces change: shipped weights no longer apply. */
export const FEATURIZER_VERSION = 3;

/** How texts become hashed features; stored in the weights file, so a scorer reads as it was trained. */
export interface FeaturizerSettings {
  /** 2^hashBits buckets. */
  hashBits: number;
  /** Character n-gram lengths, read over the normalised text (spaces included, so they span words). */
  charNgrams: number[];
  /** Word bigrams besides word unigrams. */
  wordBigrams: boolean;
  /** Word pairs one word apart ("ignore * instructions"), besides bigrams. Absent: false. */
  wordSkipBigrams?: boolean;
  /** Window length and step in characters of normalised text (see text-windows.ts). */
  windowChars: number;
  strideChars: number;
}

export const DEFAULT_FEATURIZER: FeaturizerSettings = { hashBits: 18, charNgrams: [3, 5], wordBigrams: true, windowChars: 400, strideChars: 200 };

const SEED_WORD = 0x1f3d5b79;
const SEED_BIGRAM = 0x2c1b3c6d;
const SEED_CHAR = 0x3a8f05c5;
const SEED_SKIP = 0x4b7e1d93;
const FNV_PRIME = 0x01000193;
/** Told apart per n-gram length (the running hash of a 5-gram passes through its 3-gram's). */
const GRAM_SALT = [0x6a09e667, 0x3c6ef372, 0x510e527f, 0x1f83d9ab];

/**
 * A window's features are counted, not made distinct: every character n-gram starting and ending
 * inside it, every word and word bigram wholly inside it, each adding its bucket's weight; the sum
 * is divided by the square root of their number. Counting (rather than collecting distinct
 * buckets) is what makes a window's logit a difference of two prefix sums: a text is hashed once,
 * in one pass, and each window then costs O(1) whatever its size or overlap.
 */
export interface TextFeatures {
  readonly length: number;
  /** Every feature occurrence of `[start, end)` as its bucket, sorted (for training). */
  window(start: number, end: number): Int32Array;
}

export interface Featurizer {
  readonly settings: FeaturizerSettings;
  /** Hashes every feature of a normalised text and keeps the buckets (training). */
  read(codes: Uint16Array, length: number): TextFeatures;
  /**
   * The highest window logit `bias + sum / sqrt(n)` over `windows` of the normalised text
   * `codes[0, length)`, in one pass: no per-feature allocation (the scan path). Weights come as
   * 16-bit levels times `scale` (quantizeWeights): half the cache footprint of floats, and the
   * random reads of the weight table are most of a scan's time.
   */
  maxWindowLogit(codes: Uint16Array, length: number, windows: readonly TextWindow[], weights: QuantizedWeights, bias: number): number;
}

/** murmur3's finaliser: FNV's low bits are poorly spread. */
function fmix(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Letters and digits of any script (code units: surrogate halves count as word characters). */
function isWordChar(c: number): boolean {
  if (c < 128) return WORD_ASCII[c] === 1;
  return c !== 0xa0 && !(c >= 0x2000 && c <= 0x206f) && c !== 0x3000;
}
const WORD_ASCII = Uint8Array.from({ length: 128 }, (_, c) => ((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 ? 1 : 0));
/** isWordChar of every code unit, as a table: one read per character on the scan path. */
const WORD_CHAR = Uint8Array.from({ length: 65536 }, (_, c) => (isWordChar(c) ? 1 : 0));

/** Words of a text: start, end (exclusive) and the FNV-1a hash of their code units. */
interface Words {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  hashes: Int32Array;
}

/**
 * One featuriser per scorer: it keeps scratch arrays (prefix sums, word spans) that grow to the
 * largest text seen, so scoring allocates nothing per feature. Not safe for concurrent use.
 */
export function createFeaturizer(settings: FeaturizerSettings): Featurizer {
  const mask = 2 ** settings.hashBits - 1;
  const grams = [...settings.charNgrams].sort((a, b) => a - b);
  let words: Words = { count: 0, starts: new Int32Array(256), ends: new Int32Array(256), hashes: new Int32Array(256) };
  let prefix = grams.map(() => new Float64Array(1024));
  let wordPrefix = new Float64Array(256);
  let bigramPrefix = new Float64Array(256);
  let skipPrefix = new Float64Array(256);

  const gramBucket = (codes: Uint16Array, i: number, n: number): number => {
    let h = SEED_CHAR;
    for (let k = 0; k < n; k++) h = Math.imul(h ^ (codes[i + k] as number), FNV_PRIME);
    return fmix(h ^ (GRAM_SALT[grams.indexOf(n)] as number)) & mask;
  };
  const wordBucket = (hash: number): number => fmix(hash ^ SEED_WORD) & mask;
  const bigramBucket = (previous: number, hash: number): number => fmix(Math.imul(previous ^ SEED_BIGRAM, 0x9e3779b1) ^ hash) & mask;
  const skipBucket = (before: number, hash: number): number => fmix(Math.imul(before ^ SEED_SKIP, 0x85ebca77) ^ hash) & mask;
  const skips = settings.wordSkipBigrams === true;

  const splitWords = (codes: Uint16Array, length: number): Words => {
    // Room for the most words a text can hold (one letter, one separator), made once per size
    // rather than checked per word.
    const room = (length + 1) >> 1;
    if (words.starts.length < room) {
      const size = Math.max(room, 2 * words.starts.length);
      words.starts = new Int32Array(size);
      words.ends = new Int32Array(size);
      words.hashes = new Int32Array(size);
    }
    const starts = words.starts;
    const ends = words.ends;
    const hashes = words.hashes;
    let count = 0;
    let start = -1;
    let h = 0;
    for (let i = 0; i < length; i++) {
      const c = codes[i] as number;
      if (WORD_CHAR[c] === 1) {
        if (start === -1) {
          start = i;
          h = 0x811c9dc5;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
      } else if (start !== -1) {
        starts[count] = start;
        ends[count] = i;
        hashes[count] = h;
        count++;
        start = -1;
      }
    }
    if (start !== -1) {
      starts[count] = start;
      ends[count] = length;
      hashes[count] = h;
      count++;
    }
    words.count = count;
    return words;
  };

  return {
    settings,
    read(codes, length) {
      const w = splitWords(codes, length);
      const wordStarts = w.starts.slice(0, w.count);
      const wordEnds = w.ends.slice(0, w.count);
      const wordBuckets = Int32Array.from(w.hashes.subarray(0, w.count), wordBucket);
      const bigramBuckets = new Int32Array(w.count);
      for (let k = 1; k < w.count; k++) bigramBuckets[k] = bigramBucket(w.hashes[k - 1] as number, w.hashes[k] as number);
      const skipBuckets = new Int32Array(w.count);
      for (let k = 2; k < w.count; k++) skipBuckets[k] = skipBucket(w.hashes[k - 2] as number, w.hashes[k] as number);
      const gramBuckets = grams.map((n) => {
        const out = new Int32Array(Math.max(0, length - n + 1));
        for (let i = 0; i < out.length; i++) out[i] = gramBucket(codes, i, n);
        return out;
      });
      return {
        length,
        window(start, end) {
          const found: number[] = [];
          const first = lowerBound(wordStarts, w.count, start);
          for (let k = first; k < w.count && (wordEnds[k] as number) <= end; k++) {
            found.push(wordBuckets[k] as number);
            if (settings.wordBigrams && k > first) found.push(bigramBuckets[k] as number);
            if (skips && k > first + 1) found.push(skipBuckets[k] as number);
          }
          grams.forEach((n, g) => {
            const buckets = gramBuckets[g] as Int32Array;
            for (let i = start; i + n <= end; i++) found.push(buckets[i] as number);
          });
          return Int32Array.from(found).sort();
        },
      };
    },
    maxWindowLogit(codes, length, windows, quantized, bias) {
      const weights = quantized.levels;
      const scale = quantized.scale;
      const w = splitWords(codes, length);
      if (wordPrefix.length < w.count + 1) {
        wordPrefix = new Float64Array(2 * (w.count + 1));
        bigramPrefix = new Float64Array(2 * (w.count + 1));
        skipPrefix = new Float64Array(2 * (w.count + 1));
      }
      let sum = 0;
      let sumBigrams = 0;
      let sumSkips = 0;
      wordPrefix[0] = 0;
      bigramPrefix[0] = 0;
      skipPrefix[0] = 0;
      const hashes = w.hashes;
      const wordBigrams = settings.wordBigrams;
      // Locals rather than the featuriser's fields: the loop reads no object property.
      const wp = wordPrefix;
      const bp = bigramPrefix;
      const sp = skipPrefix;
      let before = 0;
      let previous = 0;
      for (let k = 0; k < w.count; k++) {
        const h = hashes[k] as number;
        sum += weights[wordBucket(h)] as number;
        wp[k + 1] = sum;
        if (k > 0 && wordBigrams) sumBigrams += weights[bigramBucket(previous, h)] as number;
        bp[k + 1] = sumBigrams;
        if (k > 1 && skips) sumSkips += weights[skipBucket(before, h)] as number;
        sp[k + 1] = sumSkips;
        before = previous;
        previous = h;
      }
      if ((prefix[0]?.length ?? 0) < length + 1) prefix = grams.map(() => new Float64Array(2 * (length + 1)));
      // The scan's hot path: one running hash per position serves both n-gram lengths (at most
      // two, checked by the weights file's schema).
      const n1 = grams[0] ?? 0;
      const n2 = grams[1] ?? 0;
      const p1 = prefix[0] ?? new Float64Array(1);
      const p2 = prefix[1] ?? new Float64Array(length + 1);
      const salt1 = GRAM_SALT[0] as number;
      const salt2 = GRAM_SALT[1] as number;
      p1[0] = 0;
      p2[0] = 0;
      let s1 = 0;
      let s2 = 0;
      if (n1 === 3 && n2 === 5) sumGrams35(codes, length, weights, mask, p1, p2);
      else {
        for (let i = 0; i < length; i++) {
          let h = SEED_CHAR;
          let k = 0;
          for (; k < n1 && i + k < length; k++) h = Math.imul(h ^ (codes[i + k] as number), FNV_PRIME);
          if (k === n1 && n1 > 0) s1 += weights[fmix(h ^ salt1) & mask] as number;
          p1[i + 1] = s1;
          if (n2 === 0) continue;
          for (; k < n2 && i + k < length; k++) h = Math.imul(h ^ (codes[i + k] as number), FNV_PRIME);
          if (k === n2) s2 += weights[fmix(h ^ salt2) & mask] as number;
          p2[i + 1] = s2;
        }
      }
      // Sums of 16-bit levels are whole numbers far below 2^53, so every sum and difference below
      // is exact: the order of the additions cannot change a bit of the result.
      const bigrams = settings.wordBigrams;
      const starts = w.starts;
      const ends = w.ends;
      const wordCount = w.count;
      let best = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < windows.length; j++) {
        const window = windows[j] as TextWindow;
        const start = window.start;
        const end = window.end;
        let total = 0;
        let count = 0;
        const first = lowerBound(starts, wordCount, start);
        const last = lowerBound(ends, wordCount, end + 1); // words ending at or before `end`
        if (last > first) {
          total += (wordPrefix[last] as number) - (wordPrefix[first] as number);
          count += last - first;
          if (bigrams && last - first > 1) {
            total += (bigramPrefix[last] as number) - (bigramPrefix[first + 1] as number);
            count += last - first - 1;
          }
          if (skips && last - first > 2) {
            total += (skipPrefix[last] as number) - (skipPrefix[first + 2] as number);
            count += last - first - 2;
          }
        }
        if (n1 > 0 && end - n1 >= start) {
          total += (p1[end - n1 + 1] as number) - (p1[start] as number);
          count += end - n1 + 1 - start;
        }
        if (n2 > 0 && end - n2 >= start) {
          total += (p2[end - n2 + 1] as number) - (p2[start] as number);
          count += end - n2 + 1 - start;
        }
        const logit = count === 0 ? bias : bias + (scale * total) / Math.sqrt(count);
        best = Math.max(best, logit);
      }
      return best;
    },
  };
}

/**
 * Prefix sums of the weights of every 3-gram (`p3`) and 5-gram (`p5`) of `codes[0, length)`, the
 * shipped setting and the scan's hot loop: one running FNV hash per position serves both lengths
 * (the 5-gram's passes through its 3-gram's), the last five code units ride in locals, and the
 * loop over positions where both n-grams fit has no bounds tests (the tail is done apart).
 * `p3[i + 1]`, `p5[i + 1]`: sums over the n-grams starting at or before `i`.
 */
function sumGrams35(codes: Uint16Array, length: number, weights: Int16Array, mask: number, p3: Float64Array, p5: Float64Array): void {
  const salt3 = GRAM_SALT[0] as number;
  const salt5 = GRAM_SALT[1] as number;
  let s3 = 0;
  let s5 = 0;
  p3[0] = 0;
  p5[0] = 0;
  const full = length - 4; // positions with a whole 5-gram
  let i = 0;
  if (full > 0) {
    let c1 = codes[0] as number;
    let c2 = codes[1] as number;
    let c3 = codes[2] as number;
    let c4 = codes[3] as number;
    for (; i < full; i++) {
      const c0 = c1;
      c1 = c2;
      c2 = c3;
      c3 = c4;
      c4 = codes[i + 4] as number;
      let h = Math.imul(SEED_CHAR ^ c0, FNV_PRIME);
      h = Math.imul(h ^ c1, FNV_PRIME);
      h = Math.imul(h ^ c2, FNV_PRIME);
      s3 += weights[fmix(h ^ salt3) & mask] as number;
      h = Math.imul(h ^ c3, FNV_PRIME);
      h = Math.imul(h ^ c4, FNV_PRIME);
      s5 += weights[fmix(h ^ salt5) & mask] as number;
      p3[i + 1] = s3;
      p5[i + 1] = s5;
    }
  }
  for (; i < length; i++) {
    if (i + 3 <= length) {
      let h = Math.imul(SEED_CHAR ^ (codes[i] as number), FNV_PRIME);
      h = Math.imul(h ^ (codes[i + 1] as number), FNV_PRIME);
      h = Math.imul(h ^ (codes[i + 2] as number), FNV_PRIME);
      s3 += weights[fmix(h ^ salt3) & mask] as number;
    }
    p3[i + 1] = s3;
    p5[i + 1] = s5;
  }
}

/** A weight table as 16-bit levels: weight = level * scale. */
export interface QuantizedWeights {
  levels: Int16Array;
  scale: number;
}

/** Rounds weights to 16-bit levels of the largest one (error at most largest / 65534 per weight). */
export function quantizeWeights(weights: Float32Array): QuantizedWeights {
  let largest = 0;
  for (const w of weights) largest = Math.max(largest, Math.abs(w));
  const scale = largest > 0 ? largest / 32767 : 1;
  // A plain loop: `Int16Array.from` with a mapping callback took ~100 ms on the shipped table,
  // paid by the first request a server scanned.
  const levels = new Int16Array(weights.length);
  for (let i = 0; i < weights.length; i++) levels[i] = Math.round((weights[i] as number) / scale);
  return { levels, scale };
}

/** First index in `list[0, length)` (ascending) whose value is >= `value`. */
function lowerBound(list: Int32Array, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Code units of a string (training and tests; the scan path folds straight into code units). */
export function codesOf(text: string): Uint16Array {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}
