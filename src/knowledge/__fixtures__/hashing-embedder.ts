import type { Embedder } from '../embedder.js';

/** A deterministic bag-of-words embedder for unit tests: each folded word adds 1 to a hashed dimension. */
export function hashingEmbedder(dimensions = 64, model = 'test-hashing'): Embedder & { calls: number } {
  const embedder = {
    model,
    calls: 0,
    async embed(texts: string[]) {
      embedder.calls += 1;
      return texts.map((text) => {
        const vector = new Float32Array(dimensions);
        for (const word of text
          .normalize('NFD')
          .replace(/\p{M}/gu, '')
          .toLowerCase()
          .match(/[a-z0-9]+/g) ?? []) {
          let h = 2166136261;
          for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
          vector[(h >>> 0) % dimensions]! += 1;
        }
        vector[dimensions - 1]! += 0.01; // never the zero vector (cosine of it is undefined)
        return vector;
      });
    },
  };
  return embedder;
}
