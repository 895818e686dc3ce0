import type { EvalResult } from './eval-run.js';

/** The USD the gateway charged for a request id, null when it has no record of it. */
export type CostOf = (requestId: string) => number | null;

/**
 * Fills each result's cost (and its judge call's) from the gateway's own accounting, so an eval's
 * cost is the figure budgets were charged, priced by the model's `price`, and never a number a
 * client claims. Unknown stays null (audit off, or a call that never reached the gateway).
 */
export function withGatewayCosts(results: readonly EvalResult[], costOf: CostOf): EvalResult[] {
  return results.map((r) => ({
    ...r,
    costUsd: r.requestId === null ? null : costOf(r.requestId),
    judgeCostUsd: r.judgeRequestId === null ? null : costOf(r.judgeRequestId),
  }));
}
