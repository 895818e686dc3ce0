import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embeddingAgreement, scoreAgreement } from './score-agreement.js';

describe('scoreAgreement', () => {
  const cases: { name: string; a: string; b: string; score: number; method: string }[] = [
    { name: 'the same text', a: 'Paris', b: 'Paris', score: 1, method: 'exact' },
    { name: 'case, spacing and a final period do not count', a: '  The answer is  Paris.', b: 'the answer is paris', score: 1, method: 'exact' },
    { name: 'JSON with keys in another order', a: '{"city":"Paris","n":2}', b: '{"n":2,"city":"Paris"}', score: 1, method: 'json' },
    { name: 'fenced JSON against bare JSON', a: '```json\n{"a":[1,2]}\n```', b: '{"a":[1,2]}', score: 1, method: 'json' },
    { name: 'JSON with one of three leaves different', a: '{"a":1,"b":2,"c":3}', b: '{"a":1,"b":2,"c":4}', score: 2 / 4, method: 'json' },
    { name: 'text with no word in common', a: 'yes', b: 'no', score: 0, method: 'text' },
    {
      name: 'text with some words in common',
      a: 'the capital is Paris',
      b: 'Paris is the capital of France',
      score: (2 * 1 * (4 / 6)) / (1 + 4 / 6),
      method: 'text',
    },
    { name: 'one empty answer', a: '', b: 'something', score: 0, method: 'text' },
    { name: 'JSON against prose', a: '{"a":1}', b: 'a is 1', score: 0.8, method: 'text' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = scoreAgreement(c.a, c.b);
      assert.equal(got.method, c.method);
      assert.ok(Math.abs(got.score - c.score) < 1e-9, `score ${got.score}, expected ${c.score}`);
    });
  }

  it('is symmetric', () => {
    for (const c of cases) assert.equal(scoreAgreement(c.a, c.b).score.toFixed(12), scoreAgreement(c.b, c.a).score.toFixed(12));
  });
});

describe('embeddingAgreement', () => {
  it('is the cosine of the two vectors, clamped to 0..1', () => {
    assert.equal(embeddingAgreement(Float32Array.of(1, 2, 3), Float32Array.of(2, 4, 6)), 1);
    assert.equal(embeddingAgreement(Float32Array.of(1, 0), Float32Array.of(0, 1)), 0);
    assert.equal(embeddingAgreement(Float32Array.of(1, 0), Float32Array.of(-1, 0)), 0);
    assert.ok(Math.abs(embeddingAgreement(Float32Array.of(1, 1), Float32Array.of(1, 0)) - Math.SQRT1_2) < 1e-6);
    assert.equal(embeddingAgreement(Float32Array.of(0, 0), Float32Array.of(1, 0)), 0);
  });
});
