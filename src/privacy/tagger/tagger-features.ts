import { foldedHash as imported_foldedHash } from '../detectors/folded-word-table.js';
import {
  FOLDED_CODES as imported_FOLDED_CODES,
  GLUES as imported_GLUES,
  IN_WORD as imported_IN_WORD,
  LETTER_CLASSES as imported_LETTER_CLASSES,
  LOWER as imported_LOWER,
  TABLE_SIZE as imported_TABLE_SIZE,
  UPPER as imported_UPPER,
} from '../detectors/letter-classes.js';
import { ADDRESS_WORD, NAME_CUE, STREET_SUFFIX } from '../lexicons/cue-words.js';
import {
  AMBIGUOUS,
  FIRST_NAME,
  GREETING,
  LABEL_CUE,
  NON_NAME,
  personLexicon,
  PLACE_AFTER,
  SHAPE_HYPHEN as imported_SHAPE_HYPHEN,
  SHAPE_LOWER as imported_SHAPE_LOWER,
  TITLE,
} from '../detectors/person-lexicon.js';
import {
  NEWLINE as imported_NEWLINE,
  NUMBER as imported_NUMBER,
  PUNCT as imported_PUNCT,
  tokenEnd as imported_tokenEnd,
  tokenKind as imported_tokenKind,
  tokenStart as imported_tokenStart,
  WORD as imported_WORD,
  type TaggerTokens,
} from './tagger-tokens.js';

// Imported bindings copied once: under a module loader that compiles to CommonJS (tsx, in
// tests and the bench) every read of an imported binding is a getter call, in the hottest loops.
const LETTER_CLASSES = imported_LETTER_CLASSES;
const GLUES = imported_GLUES;
const IN_WORD = imported_IN_WORD;
const FOLDED_CODES = imported_FOLDED_CODES;
const LOWER = imported_LOWER;
const TABLE_SIZE = imported_TABLE_SIZE;
const UPPER = imported_UPPER;
const NEWLINE = imported_NEWLINE;
const NUMBER = imported_NUMBER;
const PUNCT = imported_PUNCT;
const WORD = imported_WORD;
const tokenEnd = imported_tokenEnd;
const tokenKind = imported_tokenKind;
const tokenStart = imported_tokenStart;
const foldedHash = imported_foldedHash;
const SHAPE_HYPHEN = imported_SHAPE_HYPHEN;
const SHAPE_LOWER = imported_SHAPE_LOWER;

/** Bump when tokens, features or hashing change: shipped weights record the version they expect. */
export const FEATURES_VERSION = 4;

/** Features per token (see featuresAt). */
export const FEATURES_PER_TOKEN = 14;

/** Lexicon bits used as features (person lexicon bits plus the cue words' bits). */
export { ADDRESS_WORD, NAME_CUE, STREET_SUFFIX };
/** Every bit of the shared table, the cue words' included. */
const ALL_BITS = -1;
const KEPT_BITS = FIRST_NAME | AMBIGUOUS | NON_NAME | TITLE | LABEL_CUE | GREETING | PLACE_AFTER | ADDRESS_WORD | NAME_CUE | STREET_SUFFIX;

/** Per-token values computed once per text; features combine them. */
export interface TokenInfo {
  count: number;
  text: string;
  tokens: TaggerTokens;
  word: Int32Array;
  shape: Int32Array;
  /** Affix hashes per token, 3 per token (suffix3, suffix2, prefix3), allocated on first use; 0 = none or not yet. */
  affixes: Int32Array | null;
  lexicon: Int32Array;
  /** bit 1: first token of its line; bit 2: letters beyond ASCII. */
  flags: Int32Array;
}

/**
 * Describes the tokens of a text. `reuse` (the TokenInfo of an earlier call, no longer needed)
 * lends its arrays when they are large enough: a detector scanning many small texts then
 * allocates nothing here.
 */
export function describeTokens(text: string, t: TaggerTokens, reuse?: TokenInfo): TokenInfo {
  const n = t.count;
  const fits = reuse !== undefined && reuse.word.length >= n;
  const info: TokenInfo = {
    count: n,
    text,
    tokens: t,
    word: fits ? reuse.word : new Int32Array(n),
    shape: fits ? reuse.shape : new Int32Array(n),
    affixes: fits && reuse.affixes !== null && reuse.affixes.length >= 3 * n ? reuse.affixes.fill(0, 0, 3 * n) : null,
    lexicon: fits ? reuse.lexicon : new Int32Array(n),
    flags: fits ? reuse.flags : new Int32Array(n),
  };
  const people = personLexicon();
  const table = people.words;
  const classes = LETTER_CLASSES;
  const folded = FOLDED_CODES;
  const letterClass = (c: number) => (c < TABLE_SIZE ? classes[c]! : 0);
  let lineStart = true;
  for (let i = 0; i < n; i++) {
    const start = tokenStart(t, i);
    const end = tokenEnd(t, i);
    const kind = tokenKind(t, i);
    let flags = lineStart ? 1 : 0;
    lineStart = kind === NEWLINE;
    if (kind === WORD) {
      // One pass over the word: its folded hash (as foldedHash) and its shape.
      let hash = 0x811c9dc5;
      let upper = 0;
      let lower = 0;
      let hyphen = 0;
      let apostrophe = 0;
      for (let k = start; k < end; k++) {
        const c = text.charCodeAt(k);
        hash = Math.imul(hash ^ (c < TABLE_SIZE ? folded[c]! : c), 0x01000193);
        const cls = letterClass(c);
        if ((cls & UPPER) !== 0) upper++;
        else if ((cls & LOWER) !== 0) lower++;
        if (c === 45) hyphen = 1;
        else if (c === 39 || c === 0x2019) apostrophe = 1;
        if (c > 127) flags |= 2;
      }
      hash = (hash & 0x3fffffff) | 1;
      const capital = (letterClass(text.charCodeAt(start)) & UPPER) !== 0 ? 1 : 0;
      const allCaps = upper > 1 && lower === 0 ? 1 : 0;
      const length = end - start;
      const lengthBucket = length === 1 ? 0 : length === 2 ? 1 : length === 3 ? 2 : length < 8 ? 3 : 4;
      info.word[i] = hash;
      info.shape[i] = 1 + capital + 2 * allCaps + 4 * hyphen + 8 * apostrophe + 16 * lengthBucket;
      // One probe of the shared table; the person lexicon's own lookup only for hyphenated words (compound first names).
      const bits = hyphen ? people.lookup(text, start, end, hash, (lower > 0 ? SHAPE_LOWER : 0) | SHAPE_HYPHEN, ALL_BITS) : table.get(text, start, end, hash);
      info.lexicon[i] = bits & KEPT_BITS;
    } else if (kind === NUMBER) {
      info.lexicon[i] = 0; // a lent array holds the last text's values
      let digits = 0;
      while (digits < end - start && text.charCodeAt(start + digits) <= 57) digits++;
      info.shape[i] = 100 + Math.min(digits, 6) + (digits < end - start ? 10 : 0);
      info.word[i] = info.shape[i]!;
    } else if (kind === PUNCT) {
      info.lexicon[i] = 0;
      info.shape[i] = 200;
      info.word[i] = 1000 + text.charCodeAt(start);
    } else {
      info.lexicon[i] = 0;
      info.shape[i] = 300;
      info.word[i] = 300;
    }
    info.flags[i] = flags;
  }
  return info;
}

/** Blanks between tokens (as the tokenizer's isBlank). */
function isBlankCode(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 0x200b;
}

/**
 * tokenizeForTagger and describeTokens in one pass over the text: each character is read once,
 * its class and folded code looked up once. What it returns is what the two would return (a
 * test compares them on the evaluation texts); the two stay for training, which needs tokens
 * without descriptions.
 */
export function describeText(text: string, reuse?: TokenInfo): TokenInfo {
  const n = text.length;
  // Arrays of `capacity` tokens (data: three numbers per token), lent by the previous call when large enough.
  const wanted = Math.max(64, Math.ceil(n / 4));
  const fits = reuse !== undefined && reuse.word.length >= wanted && reuse.tokens.data.length >= 3 * reuse.word.length;
  let capacity = fits ? reuse.word.length : wanted;
  let data = fits ? reuse.tokens.data : new Int32Array(3 * capacity);
  let word = fits ? reuse.word : new Int32Array(capacity);
  let shape = fits ? reuse.shape : new Int32Array(capacity);
  let lexicon = fits ? reuse.lexicon : new Int32Array(capacity);
  let flagsOf = fits ? reuse.flags : new Int32Array(capacity);
  const people = personLexicon();
  const table = people.words;
  const classes = LETTER_CLASSES;
  const folded = FOLDED_CODES;
  let count = 0;
  let lineStart = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlankCode(c)) {
      i++;
      continue;
    }
    if (count === capacity) {
      capacity *= 2;
      const grow = (a: Int32Array) => {
        const g = new Int32Array(capacity);
        g.set(a);
        return g;
      };
      word = grow(word);
      shape = grow(shape);
      lexicon = grow(lexicon);
      flagsOf = grow(flagsOf);
      const g = new Int32Array(3 * capacity);
      g.set(data);
      data = g;
    }
    const at = 3 * count;
    let flags = lineStart ? 1 : 0;
    const cls0 = c < TABLE_SIZE ? classes[c]! : c === 0x2019 ? IN_WORD : 0;
    if (c === 10) {
      data[at] = i;
      data[at + 1] = i + 1;
      data[at + 2] = NEWLINE;
      lexicon[count] = 0;
      shape[count] = 300;
      word[count] = 300;
      lineStart = true;
      i++;
    } else if ((cls0 & IN_WORD) !== 0 && c !== 39 && c !== 45 && c !== 0x2019) {
      // A word: read while the characters are in a word. What follows its last letter (a
      // trailing hyphen or apostrophe, rare) is not part of it: the word is then read again.
      let hash = 0x811c9dc5;
      let upper = 0;
      let lower = 0;
      let hyphen = 0;
      let apostrophe = 0;
      let beyond = 0;
      let k = i;
      for (; k < n; k++) {
        const d = text.charCodeAt(k);
        const cls = d < TABLE_SIZE ? classes[d]! : 0;
        if ((cls & IN_WORD) === 0 && d !== 0x2019) break;
        hash = Math.imul(hash ^ (d < TABLE_SIZE ? folded[d]! : d), 0x01000193);
        if ((cls & UPPER) !== 0) upper++;
        else if ((cls & LOWER) !== 0) lower++;
        if (d > 127) beyond = 2;
        if (d === 45) hyphen = 1;
        else if (d === 39 || d === 0x2019) apostrophe = 1;
      }
      let end = k;
      let last = text.charCodeAt(end - 1);
      if (last === 45 || last === 39 || last === 0x2019) {
        while (last === 45 || last === 39 || last === 0x2019) last = text.charCodeAt(--end - 1);
        hash = 0x811c9dc5;
        upper = lower = hyphen = apostrophe = beyond = 0;
        for (k = i; k < end; k++) {
          const d = text.charCodeAt(k);
          const cls = d < TABLE_SIZE ? classes[d]! : 0;
          hash = Math.imul(hash ^ (d < TABLE_SIZE ? folded[d]! : d), 0x01000193);
          if ((cls & UPPER) !== 0) upper++;
          else if ((cls & LOWER) !== 0) lower++;
          if (d > 127) beyond = 2;
          if (d === 45) hyphen = 1;
          else if (d === 39 || d === 0x2019) apostrophe = 1;
        }
      }
      const keptHash = hash;
      const keptUpper = upper;
      const keptLower = lower;
      const keptHyphen = hyphen;
      const keptApostrophe = apostrophe;
      const keptBeyond = beyond;
      data[at] = i;
      data[at + 1] = end;
      data[at + 2] = WORD;
      flags |= keptBeyond;
      const h = (keptHash & 0x3fffffff) | 1;
      const capital = (classes[c]! & UPPER) !== 0 ? 1 : 0; // c is a letter below TABLE_SIZE
      const allCaps = keptUpper > 1 && keptLower === 0 ? 1 : 0;
      const length = end - i;
      const lengthBucket = length === 1 ? 0 : length === 2 ? 1 : length === 3 ? 2 : length < 8 ? 3 : 4;
      word[count] = h;
      shape[count] = 1 + capital + 2 * allCaps + 4 * keptHyphen + 8 * keptApostrophe + 16 * lengthBucket;
      const bits = keptHyphen ? people.lookup(text, i, end, h, (keptLower > 0 ? SHAPE_LOWER : 0) | SHAPE_HYPHEN, ALL_BITS) : table.get(text, i, end, h);
      lexicon[count] = bits & KEPT_BITS;
      lineStart = false;
      i = end;
    } else if (c >= 48 && c <= 57) {
      let end = i + 1;
      while (end < n && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
      const digits = end - i;
      let letters = end;
      while (letters < n && letters - end < 4 && isLetterCode(text.charCodeAt(letters))) letters++;
      // "221B", "12bis", "1er": glued letters (at most three) belong to the number.
      if (letters - end <= 3 && (letters === n || (glueClass(text.charCodeAt(letters)) & GLUES) === 0 || !isLetterCode(text.charCodeAt(letters))))
        end = letters;
      data[at] = i;
      data[at + 1] = end;
      data[at + 2] = NUMBER;
      lexicon[count] = 0;
      shape[count] = 100 + Math.min(digits, 6) + (digits < end - i ? 10 : 0);
      word[count] = shape[count]!;
      lineStart = false;
      i = end;
    } else {
      data[at] = i;
      data[at + 1] = i + 1;
      data[at + 2] = PUNCT;
      lexicon[count] = 0;
      shape[count] = 200;
      word[count] = 1000 + c;
      lineStart = false;
      i++;
    }
    flagsOf[count] = flags;
    count++;
  }
  const tokens: TaggerTokens = { count, data };
  const affixStore = fits && reuse.affixes !== null && reuse.affixes.length >= 3 * count ? reuse.affixes.fill(0, 0, 3 * count) : null;
  return { count, text, tokens, word, shape, affixes: affixStore, lexicon, flags: flagsOf };
}

function glueClass(c: number): number {
  return c < TABLE_SIZE ? LETTER_CLASSES[c]! : c === 0x2019 ? IN_WORD | GLUES : 0;
}

function isLetterCode(c: number): boolean {
  return (glueClass(c) & IN_WORD) !== 0 && c !== 39 && c !== 45 && c !== 0x2019;
}

/** Murmur3's finaliser over a template id and up to two values: the bucket of one feature. */
export function bucket(template: number, a: number, b: number, mask: number): number {
  let h = Math.imul(template + 1, 0x9e3779b1) ^ a;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

export const BOUNDARY = -7; // the word value before the first and after the last token

/** The affix hashes of token i (words of 4 letters or more; zeros otherwise), computed on first use: most tokens are never tagged. */
export function affixes(info: TokenInfo, i: number): Int32Array {
  const all = (info.affixes ??= new Int32Array(3 * info.count));
  if (all[3 * i] === 0 && tokenKind(info.tokens, i) === WORD) {
    const start = tokenStart(info.tokens, i);
    const end = tokenEnd(info.tokens, i);
    if (end - start >= 4) {
      all[3 * i] = foldedHash(info.text, end - 3, end);
      all[3 * i + 1] = foldedHash(info.text, end - 2, end);
      all[3 * i + 2] = foldedHash(info.text, start, start + 3);
    }
  }
  return all;
}

/**
 * Writes the feature buckets of token i into out[0..FEATURES_PER_TOKEN): the token itself and
 * its neighbours, shapes, word ending and beginning, lexicon bits (own, and the two before), and
 * a few conjunctions (neighbour word with own shape: "Dr" before a capitalised word, "rue" after
 * a number). Fourteen: each is a memory access per token tagged, the bulk of the tagger's cost
 * (twenty measured no better on the evaluation texts).
 */
export function featuresAt(info: TokenInfo, i: number, mask: number, out: Int32Array): void {
  const n = info.count;
  const word = info.word;
  const shape = info.shape;
  const lexicon = info.lexicon;
  const wm1 = i > 0 ? word[i - 1]! : BOUNDARY;
  const wp1 = i + 1 < n ? word[i + 1]! : BOUNDARY;
  const sm1 = i > 0 ? shape[i - 1]! : BOUNDARY;
  const sp1 = i + 1 < n ? shape[i + 1]! : BOUNDARY;
  const lm1 = i > 0 ? lexicon[i - 1]! : BOUNDARY;
  const lm2 = i > 1 ? lexicon[i - 2]! : BOUNDARY;
  const s0 = shape[i]!;
  const w0 = word[i]!;
  const affix = affixes(info, i);
  out[0] = bucket(0, 0, 0, mask);
  out[1] = bucket(1, w0, 0, mask);
  out[2] = bucket(2, wm1, 0, mask);
  out[3] = bucket(3, wp1, 0, mask);
  out[4] = bucket(6, s0, 0, mask);
  out[5] = bucket(7, sm1, s0, mask);
  out[6] = bucket(8, s0, sp1, mask);
  out[7] = bucket(11, affix[3 * i]!, 0, mask);
  out[8] = bucket(13, affix[3 * i + 2]!, 0, mask);
  out[9] = bucket(14, lexicon[i]!, s0, mask);
  out[10] = bucket(15, lm1, lm2, mask);
  out[11] = bucket(17, wm1, s0, mask);
  out[12] = bucket(18, wp1, s0, mask);
  out[13] = bucket(19, info.flags[i]!, s0, mask);
}

/**
 * Emission scores of tokens [from, to) into `scores` ((to - from) × 5: O, B-PER, I-PER, B-ADR,
 * I-ADR): the weights of the fourteen features of featuresAt summed per label, computed in one
 * loop without writing the buckets out (featuresAt stays for training; a test checks that both
 * give the same sums). The neighbours' values are carried from one token to the next.
 */
export function scoreTokens(
  info: TokenInfo,
  from: number,
  to: number,
  w: Int8Array | Float32Array,
  mask: number,
  step: number,
  outsideBias: number,
  scores: Float32Array,
): void {
  const n = info.count;
  const word = info.word;
  const shape = info.shape;
  const lexicon = info.lexicon;
  const flags = info.flags;
  const b0 = bucket(0, 0, 0, mask) * 5;
  const c0 = w[b0]!;
  const c1 = w[b0 + 1]!;
  const c2 = w[b0 + 2]!;
  const c3 = w[b0 + 3]!;
  const c4 = w[b0 + 4]!;
  let wm1 = from > 0 ? word[from - 1]! : BOUNDARY;
  let sm1 = from > 0 ? shape[from - 1]! : BOUNDARY;
  let lm1 = from > 0 ? lexicon[from - 1]! : BOUNDARY;
  let lm2 = from > 1 ? lexicon[from - 2]! : BOUNDARY;
  let w0 = word[from]!;
  let s0 = shape[from]!;
  for (let i = from; i < to; i++) {
    const wp1 = i + 1 < n ? word[i + 1]! : BOUNDARY;
    const sp1 = i + 1 < n ? shape[i + 1]! : BOUNDARY;
    const l0 = lexicon[i]!;
    let s0_ = c0;
    let s1 = c1;
    let s2 = c2;
    let s3 = c3;
    let s4 = c4;
    let b = bucket(1, w0, 0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(2, wm1, 0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(3, wp1, 0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(6, s0, 0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(7, sm1, s0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(8, s0, sp1, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    const affix = affixes(info, i);
    b = bucket(11, affix[3 * i]!, 0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(13, affix[3 * i + 2]!, 0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(14, l0, s0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(15, lm1, lm2, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(17, wm1, s0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(18, wp1, s0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    b = bucket(19, flags[i]!, s0, mask) * 5;
    s0_ += w[b]!;
    s1 += w[b + 1]!;
    s2 += w[b + 2]!;
    s3 += w[b + 3]!;
    s4 += w[b + 4]!;
    const at = (i - from) * 5;
    scores[at] = s0_ * step + outsideBias;
    scores[at + 1] = s1 * step;
    scores[at + 2] = s2 * step;
    scores[at + 3] = s3 * step;
    scores[at + 4] = s4 * step;
    lm2 = lm1;
    lm1 = l0;
    wm1 = w0;
    sm1 = s0;
    w0 = wp1;
    s0 = sp1;
  }
}
