import type { RouterMetrics } from './metrics.js';
import type { RouterEvaluation } from './evaluate-scores.js';

function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : 'n/a';
}

function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}

const HEADER = ['group', 'prompts', 'weak', 'strong', 'router', 'APGR', 'CPT(50%)', 'CPT(80%)', 'avoided@95%'];

function metricCells(m: RouterMetrics): string[] {
  return [ratio(m.apgr), percent(m.cpt50), percent(m.cpt80), percent(m.avoidedAt95)];
}

/**
 * The table `flambeau router eval` prints: per group, the router under test beside random and
 * oracle routing. CPT(x) is the share of cloud calls needed to recover x of the local-to-cloud
 * quality gap; avoided@95% is the share of cloud calls saved while keeping 95% of the cloud
 * model's quality.
 */
export function formatRouterEvaluation(evaluation: RouterEvaluation, routerName = 'complexity'): string {
  const lines: string[][] = [HEADER];
  for (const g of evaluation.groups) {
    const lead = [g.name, String(g.count), percent(g.router.weakQuality), percent(g.router.strongQuality)];
    lines.push([...lead, routerName, ...metricCells(g.router)]);
    lines.push(['', '', '', '', 'random', ...metricCells(g.random)]);
    lines.push(['', '', '', '', 'oracle', ...metricCells(g.oracle)]);
  }
  const widths = HEADER.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  return lines
    .map((l) =>
      l
        .map((cell, c) => (c === 0 || c === 4 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
