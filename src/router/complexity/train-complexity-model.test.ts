import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { decodeComplexityModel, encodeComplexityModel } from './complexity-weights-wire.js';
import { evaluateScores } from './evaluate-scores.js';
import { createComplexityScorer } from './load-complexity-scorer.js';
import type { RoutingRow } from './routing-rows-wire.js';
import { jointTargets, trainComplexityModel } from './train-complexity-model.js';

const FILLER = ['apple', 'river', 'stone', 'cloud', 'paper', 'glass', 'tiger', 'piano', 'maple', 'sugar', 'north', 'lemon'];

/** Deterministic synthetic prompts: those mentioning "theorem" are won only by the strong model. */
function synthetic(count: number, seed: number, choice: boolean): RoutingRow[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 8 }, () => FILLER[Math.floor(next() * FILLER.length)] ?? 'x');
    const hard = next() < 0.3;
    if (hard) words.splice(Math.floor(next() * words.length), 0, 'theorem');
    const stem = `${words.join(' ')}?`;
    const prompt = choice ? `${stem}\nA. one\nB. two\nC. three\nD. four\nAnswer:` : stem;
    const weak = hard ? 0 : next() < 0.9 ? 1 : 0;
    return { id: `${seed}-${i}`, bench: choice ? 'quiz' : 'chat', subject: '', prompt, weak, strong: hard ? 1 : weak };
  });
}

const small = { featurizer: { hashBits: 12 }, minRowsPerKind: 50, maxIterations: 100 } as const;

describe('trainComplexityModel', () => {
  const train = [...synthetic(300, 1, false), ...synthetic(300, 2, true)];
  const test = [...synthetic(200, 3, false), ...synthetic(200, 4, true)];
  const model = trainComplexityModel(train, small);
  const scorer = createComplexityScorer(model);

  it('learns a separable signal: routes like the oracle on unseen prompts', () => {
    const evaluation = evaluateScores(
      test,
      test.map((r) => scorer.score(r.prompt)),
    );
    assert.deepEqual(
      evaluation.groups.map((g) => g.name),
      ['chat', 'quiz', 'all'],
    );
    for (const g of evaluation.groups) {
      assert.ok(g.router.apgr > 0.97 * g.oracle.apgr, `${g.name}: ${g.router.apgr} vs oracle ${g.oracle.apgr}`);
      assert.ok(g.router.apgr > g.random.apgr + 0.3);
    }
  });

  it('fits one part per prompt kind, or one shared part when a kind is rare', () => {
    assert.notEqual(model.parts.choice, model.parts.open);
    const shared = trainComplexityModel(train, { ...small, minRowsPerKind: 10_000 });
    assert.equal(shared.parts.choice, shared.parts.open);
  });

  it('is deterministic', () => {
    const again = trainComplexityModel(train, small);
    assert.deepEqual(again.parts.open.weights, model.parts.open.weights);
    assert.deepEqual(again.scoreQuantiles, model.scoreQuantiles);
  });

  it('works with each objective', () => {
    for (const objective of ['joint', 'two-head', 'gain'] as const) {
      const part = { objective, l2: 1e-3, minDocumentFrequency: 1, subjectSmoothing: 0 };
      const m = createComplexityScorer(trainComplexityModel(train, { ...small, choice: part, open: part }));
      const hard = m.score('apple river theorem stone?');
      const easy = m.score('apple river sugar stone?');
      assert.ok(hard > easy, `${objective}: ${hard} <= ${easy}`);
    }
  });

  it('turns a cloud share into a threshold from the training score distribution', () => {
    const scores = train.map((r) => scorer.score(r.prompt));
    const threshold = scorer.thresholdForCloudShare(0.3);
    const share = scores.filter((s) => s >= threshold).length / scores.length;
    assert.ok(Math.abs(share - 0.3) < 0.05, `share ${share}`);
    assert.equal(scorer.thresholdForCloudShare(0), Number.POSITIVE_INFINITY);
    assert.equal(scorer.thresholdForCloudShare(1), 0);
  });

  it('survives a round trip through the weights file', () => {
    const decoded = createComplexityScorer(decodeComplexityModel(encodeComplexityModel(model, 'test notice')));
    // Weights are quantised in the file: scores move a little, never by much.
    for (const r of test.slice(0, 50)) assert.ok(Math.abs(decoded.score(r.prompt) - scorer.score(r.prompt)) < 5e-3);
    assert.deepEqual(decoded.model.featurizer, model.featurizer);
  });

  it('rejects empty training data and corrupt weights with typed errors', () => {
    assert.throws(
      () => trainComplexityModel([]),
      (e: unknown) => e instanceof FlambeauError && e.code === 'invalid_request',
    );
    const file = JSON.parse(encodeComplexityModel(model, 'n')) as { parts: { packed: string }[] };
    for (const p of file.parts) p.packed = p.packed.slice(0, 12);
    assert.throws(
      () => decodeComplexityModel(JSON.stringify(file)),
      (e: unknown) => e instanceof FlambeauError && e.code === 'internal',
    );
    assert.throws(
      () => decodeComplexityModel('{"format": "other"}'),
      (e: unknown) => e instanceof FlambeauError && e.code === 'internal',
    );
  });
});

describe('jointTargets', () => {
  it('shrinks a row toward the average of the other rows of its subject', () => {
    const rows: RoutingRow[] = Array.from({ length: 7 }, (_, i) => ({
      id: String(i),
      bench: 'b',
      subject: 's',
      prompt: '',
      weak: i === 0 ? 0 : 1,
      strong: 1,
    }));
    const [neither, strongOnly, weakOnly, both] = jointTargets(rows, 0.5);
    // Row 0 is strong-only; the six others are all "both right".
    assert.equal(strongOnly?.[0], 0.5);
    assert.equal(both?.[0], 0.5);
    assert.ok(Math.abs((strongOnly?.[1] ?? 0) - 0.5 / 6) < 1e-6);
    assert.equal(neither?.[0], 0);
    assert.equal(weakOnly?.[0], 0);
    const plain = jointTargets(rows, 0);
    assert.equal(plain[1]?.[0], 1);
  });
});
