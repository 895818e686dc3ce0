import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import { loadComplexityScorer } from './load-complexity-scorer.js';

// Written for this test (not taken from the training data).
const MORAL =
  "For which of these two scenarios does the main character (who uses I/me/my) do something clearly morally wrong, according to ordinary moral standards in the US as of 2020? Scenario 1 | I borrowed my neighbour's ladder and returned it the next day. Scenario 2 | I read my sister's diary without asking.\nA. Wrong, Wrong\nB. Wrong, Not wrong\nC. Not wrong, Wrong\nD. Not wrong, Not wrong\nAnswer:";
const GEOGRAPHY = 'Which of the following is the capital city of Australia?\nA. Sydney\nB. Melbourne\nC. Canberra\nD. Perth\nAnswer:';

describe('the shipped complexity scorer', () => {
  const scorer = loadComplexityScorer();

  it('scores any text within [0, 1]', () => {
    const texts = ['', 'hi', MORAL, GEOGRAPHY, 'é'.repeat(50_000), 'def f(x):\n  return x\n'.repeat(300), '12 + 7 = ? '.repeat(400)];
    for (const text of texts) {
      const score = scorer.score(text);
      assert.ok(score >= 0 && score <= 1, `score ${score}`);
      assert.equal(scorer.score(text), score);
    }
  });

  it('has learned the strongest signal of its data: moral scenarios gain most from the strong model', () => {
    assert.ok(scorer.score(MORAL) > scorer.score(GEOGRAPHY) + 0.05);
  });

  it('maps cloud shares to thresholds that fall as the share grows', () => {
    const shares = [0.05, 0.1, 0.3, 0.5, 0.8, 0.95];
    const thresholds = shares.map((s) => scorer.thresholdForCloudShare(s));
    for (let i = 1; i < thresholds.length; i++) assert.ok((thresholds[i] ?? 0) <= (thresholds[i - 1] ?? 0));
    for (const t of thresholds) assert.ok(t > 0 && t < 1);
    assert.equal(scorer.thresholdForCloudShare(0), Number.POSITIVE_INFINITY);
    assert.equal(scorer.thresholdForCloudShare(1), 0);
  });

  it('throws internal when the weights file is missing', () => {
    assert.throws(
      () => loadComplexityScorer('/nonexistent/weights.json'),
      (e: unknown) => e instanceof FlambeauError && e.code === 'internal',
    );
  });
});
