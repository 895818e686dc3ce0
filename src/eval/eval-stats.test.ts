import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mcnemarExact, percentile, wilsonInterval } from './eval-stats.js';

const near = (actual: number, expected: number, digits = 4) => assert.equal(actual.toFixed(digits), expected.toFixed(digits));

describe('eval statistics', () => {
  it('gives the Wilson 95% interval of published examples', () => {
    // Newcombe (1998), table I: 81/263 -> 0.2553..0.3662; 15/148 -> 0.0624..0.1605.
    const a = wilsonInterval(81, 263);
    near(a.low, 0.2553);
    near(a.high, 0.3662);
    const b = wilsonInterval(15, 148);
    near(b.low, 0.0624);
    near(b.high, 0.1605);
  });

  it('keeps the interval inside [0, 1] at the extremes and for no trial', () => {
    const all = wilsonInterval(10, 10);
    near(all.low, 0.7225);
    assert.equal(all.high, 1);
    const none = wilsonInterval(0, 10);
    assert.equal(none.low, 0);
    near(none.high, 0.2775);
    assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
  });

  it('takes nearest-rank percentiles that are always one of the values', () => {
    const values = [15, 20, 35, 40, 50];
    assert.equal(percentile(values, 50), 35);
    assert.equal(percentile(values, 95), 50);
    assert.equal(percentile(values, 0), 15);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([3, 1, 2], 50), 2, 'unsorted input');
  });

  it("computes McNemar's exact two-sided p-value", () => {
    assert.equal(mcnemarExact(0, 0), 1);
    near(mcnemarExact(0, 5), 0.0625); // 2 * (1/2)^5
    near(mcnemarExact(1, 9), 0.021484375, 6); // 2 * (1 + 10) / 1024
    assert.equal(mcnemarExact(5, 5), 1);
    const large = mcnemarExact(4_000, 4_300);
    assert.ok(large > 0 && large < 0.05, `n in the thousands neither underflows nor overflows (${large})`);
  });
});
