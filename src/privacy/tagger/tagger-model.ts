import { scoreTokens as imported_scoreTokens, type TokenInfo } from './tagger-features.js';
import { relativeWeights, scoreTokensRelative as imported_scoreTokensRelative } from './tagger-relative-scores.js';

// Imported bindings copied once: under a module loader that compiles to CommonJS (tsx, in
// tests and the bench) every read of an imported binding is a getter call, in the hottest loops.
const scoreTokens = imported_scoreTokens;
const scoreTokensRelative = imported_scoreTokensRelative;

/** Token labels: outside, then begin/inside of a person name and of a postal address. */
export const LABELS = ['O', 'B-PER', 'I-PER', 'B-ADR', 'I-ADR'] as const;
export const O = 0;
export const B_PER = 1;
export const I_PER = 2;
export const B_ADR = 3;
export const I_ADR = 4;
export const LABEL_COUNT = LABELS.length;

/**
 * A linear-chain model: per feature bucket one weight per label, plus label-to-label transition
 * weights and start weights. Decoded with Viterbi; trained by train-tagger.ts (averaged perceptron).
 */
export interface TaggerModel {
  hashBits: number;
  /**
   * buckets × LABEL_COUNT, bucket-major. Shipped models hold their quantised weights (Int8Array,
   * in units of `step`): a table four times smaller stays in the CPU caches, and the sums are
   * exact in integers.
   */
  weights: Float32Array | Int8Array;
  /** Value of one unit of `weights` (1 for float weights). */
  step: number;
  /** previous × current. */
  transitions: Float32Array;
  start: Float32Array;
}

/** An "inside" label may only follow its own "begin" or "inside". */
export function allowed(previous: number, current: number): boolean {
  if (current === I_PER) return previous === B_PER || previous === I_PER;
  if (current === I_ADR) return previous === B_ADR || previous === I_ADR;
  return true;
}

const FORBIDDEN = -1e9;

/** The relative table of each quantised weight array (see relativeWeights), built on first use (quantised weights are never written after decoding). */
const relativeTables = new WeakMap<Int8Array, Int32Array>();

/**
 * Emission scores of tokens [from, to): (to - from) × LABEL_COUNT. `outsideBias` is added to O.
 * For quantised weights, each token's scores are less its outside score (scoreTokensRelative):
 * the same decisions, at a fraction of the memory reads.
 */
export function emissions(model: TaggerModel, info: TokenInfo, from: number, to: number, outsideBias: number, into?: Float32Array): Float32Array {
  const scores = into ?? new Float32Array((to - from) * LABEL_COUNT);
  if (to <= from) return scores;
  const mask = (1 << model.hashBits) - 1;
  if (model.weights instanceof Int8Array) {
    let relative = relativeTables.get(model.weights);
    if (relative === undefined) relativeTables.set(model.weights, (relative = relativeWeights(model.weights)));
    scoreTokensRelative(info, from, to, relative, model.weights, mask, model.step, outsideBias, scores);
  } else scoreTokens(info, from, to, model.weights, mask, model.step, outsideBias, scores);
  return scores;
}

/** Transition and start scores with the forbidden moves baked in (computed once per model). */
const constrained = new WeakMap<object, { transitions: Float64Array; start: Float64Array }>();

function constrain(model: Pick<TaggerModel, 'transitions' | 'start'>): { transitions: Float64Array; start: Float64Array } {
  let c = constrained.get(model);
  if (c !== undefined) return c;
  const L = LABEL_COUNT;
  c = { transitions: new Float64Array(L * L), start: new Float64Array(L) };
  for (let p = 0; p < L; p++) for (let l = 0; l < L; l++) c.transitions[p * L + l] = allowed(p, l) ? model.transitions[p * L + l]! : FORBIDDEN;
  for (let l = 0; l < L; l++) c.start[l] = allowed(O, l) ? model.start[l]! : FORBIDDEN;
  constrained.set(model, c);
  return c;
}

/**
 * The best label sequence for emission scores of n tokens. The model's transition arrays are
 * read once into constrained copies, cached per model object: callers that change the arrays in
 * place (the trainer) pass a fresh object each time.
 */
export function viterbi(model: Pick<TaggerModel, 'transitions' | 'start'>, scores: Float32Array, n: number, buffers?: TaggerBuffers): Uint8Array {
  const L = LABEL_COUNT;
  if (L !== 5) throw new Error('viterbi: unrolled for five labels');
  const { transitions, start } = constrain(model);
  const best = buffers?.best ?? new Float64Array(n * L);
  const back = buffers?.back ?? new Uint8Array(n * L);
  // Unrolled for the five labels (LABEL_COUNT), the scores of the previous token in locals: the
  // same additions and comparisons in the same order as the loop it replaces.
  const T = transitions;
  const t00 = T[0]!,
    t01 = T[1]!,
    t02 = T[2]!,
    t03 = T[3]!,
    t04 = T[4]!;
  const t10 = T[5]!,
    t11 = T[6]!,
    t12 = T[7]!,
    t13 = T[8]!,
    t14 = T[9]!;
  const t20 = T[10]!,
    t21 = T[11]!,
    t22 = T[12]!,
    t23 = T[13]!,
    t24 = T[14]!;
  const t30 = T[15]!,
    t31 = T[16]!,
    t32 = T[17]!,
    t33 = T[18]!,
    t34 = T[19]!;
  const t40 = T[20]!,
    t41 = T[21]!,
    t42 = T[22]!,
    t43 = T[23]!,
    t44 = T[24]!;
  let b0 = scores[0]! + start[0]!,
    b1 = scores[1]! + start[1]!,
    b2 = scores[2]! + start[2]!,
    b3 = scores[3]! + start[3]!,
    b4 = scores[4]! + start[4]!;
  best[0] = b0;
  best[1] = b1;
  best[2] = b2;
  best[3] = b3;
  best[4] = b4;
  for (let i = 1; i < n; i++) {
    const at = i * 5;
    let top0 = b0 + t00;
    let arg0 = 0;
    if (b1 + t10 > top0) {
      top0 = b1 + t10;
      arg0 = 1;
    }
    if (b2 + t20 > top0) {
      top0 = b2 + t20;
      arg0 = 2;
    }
    if (b3 + t30 > top0) {
      top0 = b3 + t30;
      arg0 = 3;
    }
    if (b4 + t40 > top0) {
      top0 = b4 + t40;
      arg0 = 4;
    }
    let top1 = b0 + t01;
    let arg1 = 0;
    if (b1 + t11 > top1) {
      top1 = b1 + t11;
      arg1 = 1;
    }
    if (b2 + t21 > top1) {
      top1 = b2 + t21;
      arg1 = 2;
    }
    if (b3 + t31 > top1) {
      top1 = b3 + t31;
      arg1 = 3;
    }
    if (b4 + t41 > top1) {
      top1 = b4 + t41;
      arg1 = 4;
    }
    let top2 = b0 + t02;
    let arg2 = 0;
    if (b1 + t12 > top2) {
      top2 = b1 + t12;
      arg2 = 1;
    }
    if (b2 + t22 > top2) {
      top2 = b2 + t22;
      arg2 = 2;
    }
    if (b3 + t32 > top2) {
      top2 = b3 + t32;
      arg2 = 3;
    }
    if (b4 + t42 > top2) {
      top2 = b4 + t42;
      arg2 = 4;
    }
    let top3 = b0 + t03;
    let arg3 = 0;
    if (b1 + t13 > top3) {
      top3 = b1 + t13;
      arg3 = 1;
    }
    if (b2 + t23 > top3) {
      top3 = b2 + t23;
      arg3 = 2;
    }
    if (b3 + t33 > top3) {
      top3 = b3 + t33;
      arg3 = 3;
    }
    if (b4 + t43 > top3) {
      top3 = b4 + t43;
      arg3 = 4;
    }
    let top4 = b0 + t04;
    let arg4 = 0;
    if (b1 + t14 > top4) {
      top4 = b1 + t14;
      arg4 = 1;
    }
    if (b2 + t24 > top4) {
      top4 = b2 + t24;
      arg4 = 2;
    }
    if (b3 + t34 > top4) {
      top4 = b3 + t34;
      arg4 = 3;
    }
    if (b4 + t44 > top4) {
      top4 = b4 + t44;
      arg4 = 4;
    }
    b0 = top0 + scores[at + 0]!;
    best[at + 0] = b0;
    back[at + 0] = arg0;
    b1 = top1 + scores[at + 1]!;
    best[at + 1] = b1;
    back[at + 1] = arg1;
    b2 = top2 + scores[at + 2]!;
    best[at + 2] = b2;
    back[at + 2] = arg2;
    b3 = top3 + scores[at + 3]!;
    best[at + 3] = b3;
    back[at + 3] = arg3;
    b4 = top4 + scores[at + 4]!;
    best[at + 4] = b4;
    back[at + 4] = arg4;
  }
  const labels = buffers !== undefined ? buffers.labels.subarray(0, n) : new Uint8Array(n);
  if (n === 0) return labels;
  let last = 0;
  for (let l = 1; l < L; l++) if (best[(n - 1) * L + l]! > best[(n - 1) * L + last]!) last = l;
  labels[n - 1] = last;
  for (let i = n - 1; i > 0; i--) labels[i - 1] = back[i * L + labels[i]!]!;
  return labels;
}

/**
 * Work arrays of one tagging call, reused from window to window (grown when a window is longer):
 * an allocation per window cost more in garbage collection than the decoding. Numbers only,
 * dropped with the call.
 */
export interface TaggerBuffers {
  scores: Float32Array;
  best: Float64Array;
  back: Uint8Array;
  labels: Uint8Array;
}

export function taggerBuffers(tokens = 256): TaggerBuffers {
  return {
    scores: new Float32Array(tokens * LABEL_COUNT),
    best: new Float64Array(tokens * LABEL_COUNT),
    back: new Uint8Array(tokens * LABEL_COUNT),
    labels: new Uint8Array(tokens),
  };
}

/** Labels of tokens [from, to) of a text; the result is valid until the next call with the same buffers. */
export function tagRange(model: TaggerModel, info: TokenInfo, from: number, to: number, outsideBias = 0, buffers?: TaggerBuffers): Uint8Array {
  const n = to - from;
  let b = buffers;
  if (b === undefined || b.labels.length < n) {
    const grown = taggerBuffers(Math.max(n, 2 * (b?.labels.length ?? 0)));
    if (b !== undefined) Object.assign(b, grown);
    b = b ?? grown;
  }
  return viterbi(model, emissions(model, info, from, to, outsideBias, b.scores), n, b);
}
