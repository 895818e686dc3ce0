import { FlambeauError } from '../../errors/index.js';
import { oracleRouterMetrics, randomRouterMetrics, routerMetrics, type RouterMetrics } from './metrics.js';
import type { RoutingRow } from './routing-rows-wire.js';

/** Metrics of one group of rows for the router under test and the two reference routers. */
export interface RouterEvalGroup {
  name: string;
  count: number;
  router: RouterMetrics;
  /** Expected metrics of random routing (APGR 0.5). */
  random: RouterMetrics;
  /** Routing by the true gain (strong - weak): the ceiling of any threshold router. */
  oracle: RouterMetrics;
}

export interface RouterEvaluation {
  groups: RouterEvalGroup[];
}

function group(name: string, rows: readonly RoutingRow[], scores: readonly number[]): RouterEvalGroup {
  return {
    name,
    count: rows.length,
    router: routerMetrics(scores, rows),
    random: randomRouterMetrics(rows),
    oracle: oracleRouterMetrics(rows),
  };
}

/**
 * Evaluates router scores (one per row, higher = strong model) per bench, plus 'all' when there
 * are several benches. As in RouteLLM, each bench is swept on its own.
 */
export function evaluateScores(rows: readonly RoutingRow[], scores: ArrayLike<number>): RouterEvaluation {
  if (scores.length !== rows.length) {
    throw new FlambeauError('invalid_request', 'One score per routing row is needed.', {
      details: { rows: rows.length, scores: scores.length },
    });
  }
  const all = Array.from(scores);
  const benches = [...new Set(rows.map((r) => r.bench))].sort();
  const groups = benches.map((bench) => {
    const index = rows.map((_, i) => i).filter((i) => rows[i]?.bench === bench);
    return group(
      bench,
      index.map((i) => rows[i] as RoutingRow),
      index.map((i) => all[i] ?? 0),
    );
  });
  if (benches.length > 1) groups.push(group('all', rows, all));
  return { groups };
}
