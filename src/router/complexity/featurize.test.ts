import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capText, createFeaturizer } from './featurize.js';

const question = 'Find the order of the factor group (Z_11 x Z_15)/(<1, 1>)\nA. 1\nB. 2\nC. 5\nD. 11\nAnswer:';
const wordProblem = 'James runs 3 sprints 3 times a week. He runs 60 meters each sprint. How many meters does he run a week?';

describe('featurize', () => {
  it('gives the same features for the same text, from any featurizer instance', () => {
    const a = createFeaturizer().featurize(question);
    const b = createFeaturizer().featurize(question);
    const again = createFeaturizer();
    again.featurize(wordProblem);
    const c = again.featurize(question);
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
  });

  it('returns distinct in-range buckets with unit-norm n-grams', () => {
    const f = createFeaturizer({ hashBits: 12 });
    const { indices, values } = f.featurize(wordProblem);
    assert.equal(new Set(indices).size, indices.length);
    for (const i of indices) assert.ok(i >= 0 && i < 4096);
    const ngrams = [...values].filter((v) => v < 1);
    const norm = Math.sqrt(ngrams.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
  });

  it('tells multiple-choice prompts from open ones', () => {
    const f = createFeaturizer();
    assert.equal(f.featurize(question).kind, 'choice');
    assert.equal(f.featurize(wordProblem).kind, 'open');
    assert.equal(f.featurize('').kind, 'open');
  });

  it('depends on words, not on letter case or extra spaces', () => {
    const f = createFeaturizer();
    assert.deepEqual(f.featurize('How  many Meters?'), f.featurize('how many meters?'));
    assert.notDeepEqual(f.featurize('how many meters?'), f.featurize('how many miles?'));
  });

  it('looks at the head and tail of a long prompt only, whatever its middle', () => {
    const head = 'Passage start. '.repeat(50);
    const tail = `${' Question part.'.repeat(50)} Which is right?\nA. x\nB. y\nC. z\nD. w\nAnswer:`;
    const one = `${head}${'alpha beta '.repeat(2000)}${tail}`;
    const two = `${head}${'gamma zeta '.repeat(2000)}${tail}`;
    assert.equal(one.length, two.length);
    const f = createFeaturizer({ maxChars: 1000 });
    assert.deepEqual(f.featurize(two), f.featurize(one));
    assert.equal(capText(one, 1000).length, 1001);
    assert.ok(capText(one, 1000).startsWith(head.slice(0, 400)));
    assert.ok(capText(one, 1000).endsWith(tail.slice(-599)));
  });
});
