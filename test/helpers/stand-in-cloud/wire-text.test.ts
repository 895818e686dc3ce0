import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embeddingVector, toBase64Float32 } from './embedding-vector.js';
import { countTokens, splitArguments, splitDeltas } from './wire-text.js';

describe('stand-in cloud text helpers', () => {
  it('splits deltas that join back to the text, by word or by size, never inside a code point', () => {
    const cases = ['Hello from the stand-in cloud.', '  leading and trailing  ', 'one', 'é 🎉 ok 🎉🎉', ''];
    for (const text of cases) {
      for (const size of [undefined, 1, 3]) assert.equal(splitDeltas(text, size).join(''), text, `${JSON.stringify(text)} / ${size}`);
    }
    assert.deepEqual(splitDeltas('Hello from  here', undefined), ['Hello', ' from', '  here']);
    assert.deepEqual(splitDeltas('🎉🎉🎉', 2), ['🎉🎉', '🎉']);
    assert.deepEqual(splitArguments('{"city":"Paris"}', undefined), ['{"city":', '"Paris"}']);
  });

  it('counts tokens as runs of non-space characters', () => {
    assert.deepEqual(['', '  ', 'a', ' a  b\nc '].map(countTokens), [0, 0, 1, 3]);
  });

  it('derives unit vectors from the input and encodes them as float32 little-endian base64', () => {
    const v = embeddingVector('alpha', 20);
    assert.equal(v.length, 20);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6);
    assert.deepEqual(embeddingVector('alpha', 20), v);
    assert.notDeepEqual(embeddingVector('alphb', 20), v);
    const bytes = Buffer.from(toBase64Float32(v), 'base64');
    assert.deepEqual(
      Array.from({ length: 20 }, (_, i) => bytes.readFloatLE(i * 4)),
      Array.from(v),
    );
  });
});
