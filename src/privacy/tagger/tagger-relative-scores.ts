import { affixes as imported_affixes, BOUNDARY as imported_BOUNDARY, bucket as imported_bucket, type TokenInfo } from './tagger-features.js';

// Imported bindings copied once: under a module loader that compiles to CommonJS (tsx, in
// tests and the bench) every read of an imported binding is a getter call, in the hottest loops.
const affixes = imported_affixes;
const BOUNDARY = imported_BOUNDARY;
const bucket = imported_bucket;

/** The first step of bucket() for each template of featuresAt, computed once (bucket() is written out inline below). */
const SEED_1 = Math.imul(1 + 1, 0x9e3779b1);
const SEED_2 = Math.imul(2 + 1, 0x9e3779b1);
const SEED_3 = Math.imul(3 + 1, 0x9e3779b1);
const SEED_6 = Math.imul(6 + 1, 0x9e3779b1);
const SEED_7 = Math.imul(7 + 1, 0x9e3779b1);
const SEED_8 = Math.imul(8 + 1, 0x9e3779b1);
const SEED_11 = Math.imul(11 + 1, 0x9e3779b1);
const SEED_13 = Math.imul(13 + 1, 0x9e3779b1);
const SEED_14 = Math.imul(14 + 1, 0x9e3779b1);
const SEED_15 = Math.imul(15 + 1, 0x9e3779b1);
const SEED_17 = Math.imul(17 + 1, 0x9e3779b1);
const SEED_18 = Math.imul(18 + 1, 0x9e3779b1);
const SEED_19 = Math.imul(19 + 1, 0x9e3779b1);

/**
 * Per bucket of quantised weights, the four labels' weights less the outside label's (B-PER,
 * I-PER, B-ADR, I-ADR), each plus 128 in one byte of one 32-bit word; 0 where one of them does
 * not fit in [-127, 127] (a handful of buckets: scoreTokensRelative reads those from the weights).
 * A constant per token changes no decision of Viterbi, so the outside label's own weight is not
 * needed: one aligned read per feature instead of five bytes, a table of 256 KB instead of 320.
 */
export function relativeWeights(w: Int8Array): Int32Array {
  const buckets = w.length / 5;
  const packed = new Int32Array(buckets);
  for (let b = 0; b < buckets; b++) {
    const o = w[5 * b]!;
    let word = 0;
    let fits = true;
    for (let l = 1; l < 5; l++) {
      const d = w[5 * b + l]! - o;
      if (d < -127 || d > 127) fits = false;
      word |= (d + 128) << (8 * (l - 1));
    }
    packed[b] = fits ? word : 0;
  }
  return packed;
}

/**
 * Emission scores as scoreTokens gives them, less the outside label's score of each token (the
 * outside label then scores `outsideBias`): Viterbi picks the same label sequences. The four
 * other labels are summed two by two in 32-bit words (B-PER and B-ADR, I-PER and I-ADR, one in
 * each 16-bit half: fourteen bytes of at most 255 stay below 2^16), one read of `relative` per
 * feature (see relativeWeights); the few buckets that did not fit are read from the weights.
 */
export function scoreTokensRelative(
  info: TokenInfo,
  from: number,
  to: number,
  relative: Int32Array,
  w: Int8Array,
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
  const LOW = 0x00ff00ff;
  // The constant feature's share, the same for every token.
  const k0 = bucket(0, 0, 0, mask);
  const r0 = relative[k0]!;
  const o0 = w[5 * k0]!;
  const a0 = r0 !== 0 ? r0 & LOW : 0;
  const b0 = r0 !== 0 ? (r0 >>> 8) & LOW : 0;
  const missed0 = r0 !== 0 ? 0 : 1;
  const y1 = r0 !== 0 ? 0 : w[5 * k0 + 1]! - o0;
  const y2 = r0 !== 0 ? 0 : w[5 * k0 + 2]! - o0;
  const y3 = r0 !== 0 ? 0 : w[5 * k0 + 3]! - o0;
  const y4 = r0 !== 0 ? 0 : w[5 * k0 + 4]! - o0;
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
    const affix = affixes(info, i);
    let a = a0;
    let b = b0;
    let missed = missed0;
    let x1 = y1;
    let x2 = y2;
    let x3 = y3;
    let x4 = y4;
    let k = 0;
    let h = 0;
    let v = 0;
    let o = 0;
    // The thirteen features below are written out one by one on purpose: looping over their seeds
    // and inputs (or calling a helper, which cannot add to seven local sums) scored 73–77 ns per
    // token, this 43–56. tagger.test.ts holds the sums equal to scoreTokens' (tagger-features.ts).
    h = SEED_1 ^ w0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_2 ^ wm1;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_3 ^ wp1;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_6 ^ s0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_7 ^ sm1;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ s0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_8 ^ s0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ sp1;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_11 ^ affix[3 * i]!;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_13 ^ affix[3 * i + 2]!;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_14 ^ l0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ s0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_15 ^ lm1;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ lm2;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_17 ^ wm1;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ s0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_18 ^ wp1;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ s0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    h = SEED_19 ^ flags[i]!;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ s0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    k = (h ^ (h >>> 16)) & mask;
    v = relative[k]!;
    if (v !== 0) {
      a += v & LOW;
      b += (v >>> 8) & LOW;
    } else {
      missed++;
      o = w[5 * k]!;
      x1 += w[5 * k + 1]! - o;
      x2 += w[5 * k + 2]! - o;
      x3 += w[5 * k + 3]! - o;
      x4 += w[5 * k + 4]! - o;
    }
    const bias = 128 * (14 - missed);
    const at = (i - from) * 5;
    scores[at] = outsideBias;
    scores[at + 1] = ((a & 0xffff) - bias + x1) * step;
    scores[at + 2] = ((b & 0xffff) - bias + x2) * step;
    scores[at + 3] = ((a >>> 16) - bias + x3) * step;
    scores[at + 4] = ((b >>> 16) - bias + x4) * step;
    lm2 = lm1;
    lm1 = l0;
    wm1 = w0;
    sm1 = s0;
    w0 = wp1;
    s0 = sp1;
  }
}
