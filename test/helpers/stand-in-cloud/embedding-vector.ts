// Deterministic embeddings: the same input always gives the same unit vector, different inputs
// almost surely different ones, so retrieval tests can assert on similarity without a model.
import { createHash } from 'node:crypto';

/**
 * A unit vector of `dimensions` float32 values derived from SHA-256 of the input. Values are
 * rounded to float32 so the JSON (`float`) and the `base64` encodings carry exactly the same numbers.
 */
export function embeddingVector(input: string, dimensions: number): Float32Array {
  const raw = new Float64Array(dimensions);
  for (let block = 0; block * 8 < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\u0000${input}`).digest();
    for (let i = 0; i < 8 && block * 8 + i < dimensions; i++) {
      // Map each 32-bit word to [-1, 1).
      raw[block * 8 + i] = digest.readUInt32LE(i * 4) / 2 ** 31 - 1;
    }
  }
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return Float32Array.from(raw, (v) => v / norm);
}

/** OpenAI's `encoding_format: 'base64'`: the float32 little-endian bytes, base64-encoded. */
export function toBase64Float32(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}
