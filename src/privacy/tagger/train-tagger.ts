import { FEATURES_PER_TOKEN, featuresAt, type TokenInfo } from './tagger-features.js';
import { LABEL_COUNT, viterbi, type TaggerModel } from './tagger-model.js';

/** One training sentence: its tokens described, and the gold label of each. */
export interface TrainingSentence {
  info: TokenInfo;
  gold: Uint8Array;
}

export interface TrainTaggerOptions {
  hashBits: number;
  epochs: number;
  /** Seed of the order in which sentences are visited each epoch. */
  seed: number;
}

export const DEFAULT_TAGGER_TRAINING: Readonly<TrainTaggerOptions> = Object.freeze({ hashBits: 16, epochs: 10, seed: 14 });

/** A small seeded generator (mulberry32): the same order on every run and platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Averaged structured perceptron (Collins 2002): decode each sentence with Viterbi under the
 * current weights; where the decoded labels differ from the gold ones, add the gold features'
 * weights and subtract the decoded ones. The averaged weights are returned (the usual lazy
 * average: w - u / c). Deterministic given the sentences and the seed.
 */
export function trainTagger(sentences: readonly TrainingSentence[], options: TrainTaggerOptions = DEFAULT_TAGGER_TRAINING): TaggerModel {
  const buckets = 1 << options.hashBits;
  const mask = buckets - 1;
  const L = LABEL_COUNT;
  const w = new Float64Array(buckets * L);
  const u = new Float64Array(buckets * L);
  const tw = new Float64Array(L * L);
  const tu = new Float64Array(L * L);
  const sw = new Float64Array(L);
  const su = new Float64Array(L);
  const features = sentences.map((s) => {
    const f = new Int32Array(s.info.count * FEATURES_PER_TOKEN);
    const scratch = new Int32Array(FEATURES_PER_TOKEN);
    for (let i = 0; i < s.info.count; i++) {
      featuresAt(s.info, i, mask, scratch);
      f.set(scratch, i * FEATURES_PER_TOKEN);
    }
    return f;
  });
  const random = seededRandom(options.seed);
  const order = sentences.map((_, k) => k);
  let c = 1;
  const transitions = new Float32Array(L * L);
  const start = new Float32Array(L);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (const k of order) {
      const sentence = sentences[k]!;
      const f = features[k]!;
      const n = sentence.info.count;
      if (n === 0) continue;
      const scores = new Float32Array(n * L);
      for (let i = 0; i < n; i++) {
        for (let x = 0; x < FEATURES_PER_TOKEN; x++) {
          const b = f[i * FEATURES_PER_TOKEN + x]! * L;
          for (let l = 0; l < L; l++) scores[i * L + l]! += w[b + l]!;
        }
      }
      for (let l = 0; l < L * L; l++) transitions[l] = tw[l]!;
      for (let l = 0; l < L; l++) start[l] = sw[l]!;
      const predicted = viterbi({ transitions, start }, scores, n); // a fresh object: viterbi caches per object
      const gold = sentence.gold;
      for (let i = 0; i < n; i++) {
        const g = gold[i]!;
        const p = predicted[i]!;
        if (g !== p) {
          for (let x = 0; x < FEATURES_PER_TOKEN; x++) {
            const b = f[i * FEATURES_PER_TOKEN + x]! * L;
            w[b + g]! += 1;
            u[b + g]! += c;
            w[b + p]! -= 1;
            u[b + p]! -= c;
          }
        }
        const gPrev = i === 0 ? -1 : gold[i - 1]!;
        const pPrev = i === 0 ? -1 : predicted[i - 1]!;
        if (g !== p || gPrev !== pPrev) {
          if (i === 0) {
            sw[g]! += 1;
            su[g]! += c;
            sw[p]! -= 1;
            su[p]! -= c;
          } else {
            tw[gPrev * L + g]! += 1;
            tu[gPrev * L + g]! += c;
            tw[pPrev * L + p]! -= 1;
            tu[pPrev * L + p]! -= c;
          }
        }
      }
      c++;
    }
  }
  const average = (weights: Float64Array, sums: Float64Array) => {
    const out = new Float32Array(weights.length);
    for (let j = 0; j < weights.length; j++) out[j] = weights[j]! - sums[j]! / c;
    return out;
  };
  return { hashBits: options.hashBits, weights: average(w, u), step: 1, transitions: average(tw, tu), start: average(sw, su) };
}
