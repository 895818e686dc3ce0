import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apgr,
  binnedRoutingCurve,
  callPerformanceThreshold,
  callsAvoidedAt,
  oracleRouterMetrics,
  randomRouterMetrics,
  routerMetrics,
  routingCurve,
  type Outcome,
} from './metrics.js';

// Four prompts: weak quality 2/4, strong quality 3/4, gap 0.25.
const outcomes: Outcome[] = [
  { weak: 0, strong: 1 },
  { weak: 0, strong: 1 },
  { weak: 1, strong: 1 },
  { weak: 1, strong: 0 },
];
// Routing order by score: prompt 0, 2, 3, 1.
const scores = [0.9, 0.1, 0.5, 0.3];

function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
}

describe('routingCurve', () => {
  it('adds prompts to the strong model from the highest score down', () => {
    assert.deepEqual(routingCurve(scores, outcomes), [
      { strongShare: 0, quality: 0.5 },
      { strongShare: 0.25, quality: 0.75 },
      { strongShare: 0.5, quality: 0.75 },
      { strongShare: 0.75, quality: 0.5 },
      { strongShare: 1, quality: 0.75 },
    ]);
  });

  it('moves tied scores together, so a constant score is a straight line', () => {
    assert.deepEqual(routingCurve([0.3, 0.3, 0.3, 0.3], outcomes), [
      { strongShare: 0, quality: 0.5 },
      { strongShare: 1, quality: 0.75 },
    ]);
  });
});

describe('router metrics on a hand-computed example', () => {
  it('APGR is the trapezoid average of the gap recovered', () => {
    // PGR at the five points: 0, 1, 1, 0, 1; each step is 0.25 wide.
    near(apgr(routingCurve(scores, outcomes), 0.5, 0.75), 0.625);
  });

  it('CPT interpolates the first crossing of the target quality', () => {
    const curve = routingCurve(scores, outcomes);
    near(callPerformanceThreshold(curve, 0.5, 0.75, 0.5), 0.125); // target 0.625 on the first segment
    near(callPerformanceThreshold(curve, 0.5, 0.75, 0.8), 0.2); // target 0.7
  });

  it('calls avoided at 95% of the strong quality', () => {
    // target 0.7125, reached at share 0.2125 on the first segment
    near(callsAvoidedAt(routingCurve(scores, outcomes), 0.75, 0.95), 0.7875);
  });

  it('routerMetrics gathers them', () => {
    const m = routerMetrics(scores, outcomes);
    assert.equal(m.count, 4);
    near(m.weakQuality, 0.5);
    near(m.strongQuality, 0.75);
    near(m.apgr, 0.625);
    near(m.cpt50, 0.125);
    near(m.cpt80, 0.2);
    near(m.avoidedAt95, 0.7875);
  });

  it('random routing recovers the gap linearly', () => {
    const m = randomRouterMetrics(outcomes);
    near(m.apgr, 0.5);
    near(m.cpt50, 0.5);
    near(m.cpt80, 0.8);
    near(m.avoidedAt95, 0.15);
  });

  it('the oracle sends strong-only wins first and weak-only wins last', () => {
    // Curve: (0, .5), (.5, 1), (.75, 1), (1, .75); PGR 0, 2, 2, 1.
    const m = oracleRouterMetrics(outcomes);
    near(m.apgr, 1.375);
    near(m.cpt50, 0.125);
    near(m.avoidedAt95, 1 - 0.2125);
  });

  it('is undefined (NaN) when the strong model is no better', () => {
    const flat = [
      { weak: 1, strong: 1 },
      { weak: 0, strong: 0 },
    ];
    assert.ok(Number.isNaN(routerMetrics([1, 0], flat).apgr));
    assert.ok(Number.isNaN(routerMetrics([1, 0], flat).cpt50));
  });
});

describe('binnedRoutingCurve (RouteLLM sampling)', () => {
  it('uses quantile thresholds, ">=" except the top one', () => {
    // Quantiles of [.1, .3, .5, .9] at 0, .5, 1: .1, .4, .9.
    const curve = binnedRoutingCurve(scores, outcomes, 2);
    assert.deepEqual(curve, [
      { strongShare: 0, quality: 0.5 },
      { strongShare: 0.5, quality: 0.75 },
      { strongShare: 1, quality: 0.75 },
    ]);
    near(apgr(curve, 0.5, 0.75), 0.75);
  });
});
