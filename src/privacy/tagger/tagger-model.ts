import { FEATURES_PER_TOKEN as imported_FEATURES_PER_TOKEN, featuresAt as imported_featuresAt, type TokenInfo } from './tagger-features.js';

// Imported bindings copied once: under a module loader that compiles to CommonJS (tsx, in
// tests and the bench) every read of an imported binding is a getter call, in the hottest loops.
const FEATURES_PER_TOKEN = imported_FEATURES_PER_TOKEN;
const featuresAt = imported_featuresAt;

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

/** Emission scores of tokens [from, to): (to - from) × LABEL_COUNT. `outsideBias` is added to O. */
export function emissions(
  model: TaggerModel,
  info: TokenInfo,
  from: number,
  to: number,
  outsideBias: number,
  scratch: Int32Array,
  into?: Float32Array,
): Float32Array {
  const mask = (1 << model.hashBits) - 1;
  const scores = into ?? new Float32Array((to - from) * LABEL_COUNT);
  const w = model.weights;
  const features = featuresAt; // one module binding read, not one per token
  for (let i = from; i < to; i++) {
    features(info, i, mask, scratch);
    const at = (i - from) * LABEL_COUNT;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let f = 0; f < FEATURES_PER_TOKEN; f++) {
      const b = scratch[f]! * LABEL_COUNT;
      s0 += w[b]!;
      s1 += w[b + 1]!;
      s2 += w[b + 2]!;
      s3 += w[b + 3]!;
      s4 += w[b + 4]!;
    }
    const step = model.step;
    scores[at] = s0 * step + outsideBias;
    scores[at + 1] = s1 * step;
    scores[at + 2] = s2 * step;
    scores[at + 3] = s3 * step;
    scores[at + 4] = s4 * step;
  }
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
  const { transitions, start } = constrain(model);
  const best = buffers?.best ?? new Float64Array(n * L);
  const back = buffers?.back ?? new Uint8Array(n * L);
  for (let l = 0; l < L; l++) best[l] = scores[l]! + start[l]!;
  for (let i = 1; i < n; i++) {
    const prev = (i - 1) * L;
    for (let l = 0; l < L; l++) {
      let top = best[prev]! + transitions[l]!;
      let arg = 0;
      for (let p = 1; p < L; p++) {
        const s = best[prev + p]! + transitions[p * L + l]!;
        if (s > top) {
          top = s;
          arg = p;
        }
      }
      best[i * L + l] = top + scores[i * L + l]!;
      back[i * L + l] = arg;
    }
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
  features: Int32Array;
  scores: Float32Array;
  best: Float64Array;
  back: Uint8Array;
  labels: Uint8Array;
}

export function taggerBuffers(tokens = 256): TaggerBuffers {
  return {
    features: new Int32Array(FEATURES_PER_TOKEN),
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
  return viterbi(model, emissions(model, info, from, to, outsideBias, b.features, b.scores), n, b);
}
