import { hashRange, hashString, mixHash } from './feature-hash.js';
import { textCues, type PromptKind } from './text-cues.js';

/** Bump when tokenisation or hashing changes: shipped weights record the version they expect. */
export const FEATURIZER_VERSION = 1;

export interface FeaturizerOptions {
  /** Feature space size is 2^hashBits. */
  hashBits: number;
  /** Characters of the prompt looked at (head and tail kept); bounds the cost of a score. */
  maxChars: number;
  /** Word bigrams besides unigrams. */
  bigrams: boolean;
  /** Tokens of the answer choices hash apart from tokens of the question stem. */
  choiceNamespace: boolean;
  /** Every n-gram is also emitted once more, namespaced by prompt kind (choice / open). */
  kindNgrams: boolean;
  /** Character trigrams of words (robust to inflections and rare words). */
  charTrigrams: boolean;
  /**
   * Numbers up to 12 also count by value, larger ones as round or not: n-grams see only a
   * number's shape, yet word problems with small round numbers are the easy ones.
   */
  numberValues: boolean;
}

export const DEFAULT_FEATURIZER_OPTIONS: Readonly<FeaturizerOptions> = Object.freeze({
  hashBits: 18,
  maxChars: 2000,
  bigrams: true,
  choiceNamespace: true,
  kindNgrams: false,
  charTrigrams: false,
  numberValues: true,
});

/** Sparse feature vector: bucket indices (distinct) and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** A prompt's features and its kind (models may keep one part per kind). */
export interface Features extends SparseVector {
  kind: PromptKind;
}

export interface Featurizer {
  readonly options: Readonly<FeaturizerOptions>;
  featurize(text: string): Features;
}

const SEED_STEM = 0x51;
const SEED_CHOICE = 0x7c3;
const SEED_BIGRAM = 0x2b9;
const SEED_CUE = 0x1f3d;
const SEED_TRIGRAM = 0x3a1;
const SEED_NUMBER = 0x4e7;
const NUMBER_VALUE = /\b\d+(?:\.\d+)?\b/g;
const MAX_TOKENS = 1024;

/** Keeps the head and the tail: MMLU-style prompts put the question and choices at the end. */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * 0.4);
  return `${text.slice(0, head)}\n${text.slice(text.length - (maxChars - head))}`;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && (c < 0x2000 || c > 0x2bff));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// Numbers are replaced by their shape: the value rarely matters, the digit count sometimes does.
const NUMBER_SHAPES = ['#1', '#2', '#3', '#4', '#5+', '#.'].map((s) => hashString(s));

/**
 * Splits lowercased text into token hashes: words, number shapes and single punctuation marks
 * (commas, periods and quotes are dropped as noise). Returns how many were written.
 */
function tokenHashes(text: string, out: Uint32Array, starts: Int32Array): number {
  let count = 0;
  let i = 0;
  while (i < text.length && count < out.length) {
    const c = text.charCodeAt(i);
    let j = i + 1;
    if (isWordChar(c)) {
      while (j < text.length && (isWordChar(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
      out[count] = hashRange(text, i, j);
    } else if (isDigit(c)) {
      let decimal = false;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (isDigit(d)) j++;
        else if ((d === 46 || d === 44) && j + 1 < text.length && isDigit(text.charCodeAt(j + 1))) {
          decimal ||= d === 46;
          j += 2;
        } else break;
      }
      out[count] = NUMBER_SHAPES[decimal ? 5 : Math.min(j - i, 5) - 1] ?? 0;
    } else if (c <= 32 || c === 44 || c === 46 || c === 39 || c === 34 || c === 0x2019) {
      i = j;
      continue;
    } else {
      out[count] = hashRange(text, i, j);
    }
    starts[count] = i;
    count++;
    i = j;
  }
  return count;
}

class HashingFeaturizer implements Featurizer {
  readonly options: Readonly<FeaturizerOptions>;
  readonly #mask: number;
  readonly #stamp: Uint32Array;
  #generation = 0;
  readonly #tokens = new Uint32Array(MAX_TOKENS);
  readonly #starts = new Int32Array(MAX_TOKENS);
  #found: number[] = [];

  constructor(options: Readonly<FeaturizerOptions>) {
    this.options = Object.freeze({ ...options });
    this.#mask = 2 ** options.hashBits - 1;
    this.#stamp = new Uint32Array(2 ** options.hashBits);
  }

  /** Records a bucket once per text (binary features): the stamp array avoids a sort or a Set. */
  #add(hash: number): void {
    const index = hash & this.#mask;
    if (this.#stamp[index] === this.#generation) return;
    this.#stamp[index] = this.#generation;
    this.#found.push(index);
  }

  featurize(text: string): Features {
    this.#generation = (this.#generation + 1) >>> 0 || 1;
    if (this.#generation === 1) this.#stamp.fill(0);
    this.#found = [];
    const capped = capText(text, this.options.maxChars);
    const cues = textCues(capped, text.length);
    const kindSeed = cues.kind === 'choice' ? 0x11 : 0x22;
    this.#ngrams(capped.toLowerCase(), cues.choiceStart, kindSeed);
    if (this.options.numberValues) this.#numberValues(capped);
    const textCount = this.#found.length;
    for (const name of cues.names) this.#add(hashString(`${cues.kind}:${name}`, SEED_CUE));
    const indices = Int32Array.from(this.#found);
    const values = new Float32Array(indices.length);
    // n-grams are scaled to unit norm so long prompts do not shout; cue bins stay at 1.
    values.fill(1 / Math.sqrt(Math.max(1, textCount)), 0, textCount);
    values.fill(1, textCount);
    return { indices, values, kind: cues.kind };
  }

  #emit(hash: number, kindSeed: number): void {
    this.#add(hash);
    if (this.options.kindNgrams) this.#add(mixHash(hash, kindSeed));
  }

  #ngrams(lower: string, choiceStart: number, kindSeed: number): void {
    const count = tokenHashes(lower, this.#tokens, this.#starts);
    let previous = 0;
    for (let t = 0; t < count; t++) {
      const inChoices = this.options.choiceNamespace && choiceStart >= 0 && (this.#starts[t] ?? 0) > choiceStart;
      const token = mixHash(this.#tokens[t] ?? 0, inChoices ? SEED_CHOICE : SEED_STEM);
      this.#emit(token, kindSeed);
      if (this.options.bigrams && t > 0) this.#emit(mixHash(previous, token ^ SEED_BIGRAM), kindSeed);
      previous = token;
    }
    if (this.options.charTrigrams) this.#trigrams(lower);
  }

  #numberValues(text: string): void {
    NUMBER_VALUE.lastIndex = 0;
    for (let m = NUMBER_VALUE.exec(text); m !== null; m = NUMBER_VALUE.exec(text)) {
      const value = Number(m[0]);
      const name = value <= 12 ? m[0] : value % 10 === 0 ? 'round' : 'other';
      this.#add(hashString(name, SEED_NUMBER));
    }
  }

  #trigrams(lower: string): void {
    for (let i = 0; i + 3 <= lower.length; i++) {
      if (!isWordChar(lower.charCodeAt(i + 1))) continue;
      this.#add(hashRange(lower, i, i + 3, SEED_TRIGRAM));
    }
  }
}

/**
 * Builds a featurizer. Not safe for concurrent use by two callers at once (it reuses scratch
 * buffers), which is fine in Node's single thread; make one per worker otherwise.
 */
export function createFeaturizer(options: Partial<FeaturizerOptions> = {}): Featurizer {
  return new HashingFeaturizer({ ...DEFAULT_FEATURIZER_OPTIONS, ...options });
}
