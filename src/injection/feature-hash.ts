/**
 * 32-bit hashing for the feature-hashing trick. The shipped weights are indexed by these values:
 * changing either function invalidates them (bump `FEATURIZER_VERSION` in featurize-window.ts).
 * A copy of the router's (router/complexity/feature-hash.ts) on purpose: the two weight files
 * must not break each other when one of them changes its hashing.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units of `text[start, end)`, seeded so namespaces do not collide. */
export function hashRange(text: string, start: number, end: number, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Combines two hashes (murmur3's finaliser): FNV alone spreads its low bits poorly. */
export function mixHash(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
