/**
 * Router quality metrics as the RouteLLM paper defines them (Ong et al. 2024, "RouteLLM: Learning
 * to Route LLMs with Preference Data", section 5 and routellm/evals/evaluate.py). A router gives
 * every prompt a score; sweeping a threshold from "nothing to the strong model" to "everything to
 * the strong model" traces quality against the share of strong calls.
 *
 * - PGR(s) = (quality(s) - weak) / (strong - weak): share of the weak-to-strong gap recovered.
 * - APGR: area under PGR over the strong-call share, divided by the share range swept (so the
 *   average PGR over the sweep). A random router scores 0.5 in expectation.
 * - CPT(x): the smallest strong-call share whose quality recovers x of the gap.
 * - Calls avoided at 95%: 1 - the smallest strong-call share whose quality reaches 95% of the
 *   strong model's own quality.
 *
 * Where RouteLLM samples 10 quantile thresholds (`binnedRoutingCurve`), `routingCurve` sweeps every
 * distinct score; ties move together, and the straight segment across a tie is the expected
 * quality of breaking it at random.
 */

/** Whether (or how well, in [0, 1]) each model answered one prompt. */
export interface Outcome {
  weak: number;
  strong: number;
}

/** One point of the sweep: share of prompts sent to the strong model, mean quality then. */
export interface CurvePoint {
  strongShare: number;
  quality: number;
}

export interface RouterMetrics {
  count: number;
  weakQuality: number;
  strongQuality: number;
  apgr: number;
  /** Strong-call share needed to recover 50% of the gap. */
  cpt50: number;
  /** Strong-call share needed to recover 80% of the gap. */
  cpt80: number;
  /** Share of strong calls avoided while keeping 95% of the strong model's quality. */
  avoidedAt95: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

/** Exact sweep over every distinct score, highest scores routed to the strong model first. */
export function routingCurve(scores: ArrayLike<number>, outcomes: readonly Outcome[]): CurvePoint[] {
  const n = outcomes.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  let total = 0;
  for (const o of outcomes) total += o.weak;
  const points: CurvePoint[] = [{ strongShare: 0, quality: total / Math.max(1, n) }];
  for (let i = 0; i < n;) {
    const score = scores[order[i] ?? 0];
    while (i < n && scores[order[i] ?? 0] === score) {
      const o = outcomes[order[i] ?? 0] as Outcome;
      total += o.strong - o.weak;
      i++;
    }
    points.push({ strongShare: i / n, quality: total / n });
  }
  return points;
}

/** numpy's default (linear) quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return (sorted[low] ?? 0) + (position - low) * ((sorted[high] ?? 0) - (sorted[low] ?? 0));
}

/**
 * RouteLLM's own sampling of the sweep: thresholds at the `bins`+1 quantiles of the scores,
 * "score >= threshold" goes strong (">" for the top one). Kept to compare with published numbers.
 */
export function binnedRoutingCurve(scores: ArrayLike<number>, outcomes: readonly Outcome[], bins = 10): CurvePoint[] {
  const sorted = Array.from(scores).sort((a, b) => a - b);
  const points: CurvePoint[] = [];
  for (let b = 0; b <= bins; b++) {
    const threshold = quantile(sorted, b / bins);
    let strong = 0;
    let quality = 0;
    outcomes.forEach((o, i) => {
      const score = scores[i] ?? 0;
      const routed = b === bins ? score > threshold : score >= threshold;
      if (routed) strong++;
      quality += routed ? o.strong : o.weak;
    });
    points.push({ strongShare: strong / outcomes.length, quality: quality / outcomes.length });
  }
  return points.sort((a, b) => a.strongShare - b.strongShare);
}

/** Share of the weak-to-strong gap recovered at `quality` (NaN when there is no gap). */
export function gapRecovered(quality: number, weakQuality: number, strongQuality: number): number {
  const gap = strongQuality - weakQuality;
  return gap > 0 ? (quality - weakQuality) / gap : Number.NaN;
}

/** Average PGR over the swept share range (trapezoid rule), as in RouteLLM's evaluate.py. */
export function apgr(curve: readonly CurvePoint[], weakQuality: number, strongQuality: number): number {
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1] as CurvePoint;
    const b = curve[i] as CurvePoint;
    const pgrA = gapRecovered(a.quality, weakQuality, strongQuality);
    const pgrB = gapRecovered(b.quality, weakQuality, strongQuality);
    area += ((pgrA + pgrB) / 2) * (b.strongShare - a.strongShare);
  }
  const first = curve[0]?.strongShare ?? 0;
  const range = (curve.at(-1)?.strongShare ?? 0) - first;
  return range > 0 ? area / range : Number.NaN;
}

/** Smallest strong share where the curve (linear between points) first reaches `targetQuality`. */
export function shareForQuality(curve: readonly CurvePoint[], targetQuality: number): number {
  const first = curve[0];
  if (first === undefined) return Number.NaN;
  if (first.quality >= targetQuality) return first.strongShare;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1] as CurvePoint;
    const b = curve[i] as CurvePoint;
    if (b.quality >= targetQuality) {
      const t = (targetQuality - a.quality) / (b.quality - a.quality);
      return a.strongShare + t * (b.strongShare - a.strongShare);
    }
  }
  return Number.NaN;
}

/** CPT(x): strong-call share needed to recover `fraction` of the gap. */
export function callPerformanceThreshold(curve: readonly CurvePoint[], weakQuality: number, strongQuality: number, fraction: number): number {
  if (!(strongQuality > weakQuality)) return Number.NaN;
  return shareForQuality(curve, weakQuality + fraction * (strongQuality - weakQuality));
}

/** Share of strong calls saved, versus always calling it, at `relative` of its quality. */
export function callsAvoidedAt(curve: readonly CurvePoint[], strongQuality: number, relative = 0.95): number {
  return 1 - shareForQuality(curve, relative * strongQuality);
}

function metricsOfCurve(curve: readonly CurvePoint[], outcomes: readonly Outcome[]): RouterMetrics {
  const weakQuality = mean(outcomes.map((o) => o.weak));
  const strongQuality = mean(outcomes.map((o) => o.strong));
  return {
    count: outcomes.length,
    weakQuality,
    strongQuality,
    apgr: apgr(curve, weakQuality, strongQuality),
    cpt50: callPerformanceThreshold(curve, weakQuality, strongQuality, 0.5),
    cpt80: callPerformanceThreshold(curve, weakQuality, strongQuality, 0.8),
    avoidedAt95: callsAvoidedAt(curve, strongQuality, 0.95),
  };
}

/** Metrics of a router's scores (higher = send to the strong model). */
export function routerMetrics(scores: ArrayLike<number>, outcomes: readonly Outcome[]): RouterMetrics {
  return metricsOfCurve(routingCurve(scores, outcomes), outcomes);
}

/** Expected metrics of random routing: quality grows linearly with the strong share. */
export function randomRouterMetrics(outcomes: readonly Outcome[]): RouterMetrics {
  const weak = mean(outcomes.map((o) => o.weak));
  const strong = mean(outcomes.map((o) => o.strong));
  return metricsOfCurve(
    [
      { strongShare: 0, quality: weak },
      { strongShare: 1, quality: strong },
    ],
    outcomes,
  );
}

/** The best any threshold router can do: prompts ranked by their true gain, strong - weak. */
export function oracleRouterMetrics(outcomes: readonly Outcome[]): RouterMetrics {
  return routerMetrics(
    outcomes.map((o) => o.strong - o.weak),
    outcomes,
  );
}
