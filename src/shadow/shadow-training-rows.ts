import { DEFAULT_FEATURIZER_OPTIONS, FEATURIZER_VERSION, type Features } from '../router/complexity/featurize.js';
import type { RoutingRow } from '../router/complexity/routing-rows-wire.js';
import type { ShadowComparison } from './shadow-store.js';

/** Labelled rows for the complexity score, with their features in place of the prompts. */
export interface ShadowTrainingSet {
  rows: RoutingRow[];
  features: Features[];
  /** Comparisons left out: no verdict (error, denied) or features from another featurizer. */
  skipped: number;
}

/**
 * Turns stored comparisons into routing labels: `weak` = the local answer was as good (judge,
 * else agreement), `strong` = 1 (the reference is the yardstick). Rows carry no prompt: the
 * stored hashed features stand in for it, so training never needs the text. Grouped by route
 * (`bench`), as `router eval` reports per group.
 */
export function shadowTrainingSet(comparisons: readonly ShadowComparison[]): ShadowTrainingSet {
  const rows: RoutingRow[] = [];
  const features: Features[] = [];
  let skipped = 0;
  for (const [i, c] of comparisons.entries()) {
    const f = c.features;
    if (c.localAsGood === null || f === null || f.version !== FEATURIZER_VERSION || f.hashBits !== DEFAULT_FEATURIZER_OPTIONS.hashBits) {
      skipped++;
      continue;
    }
    rows.push({ id: `shadow-${i}`, bench: c.route, subject: '', prompt: '', weak: c.localAsGood ? 1 : 0, strong: 1 });
    features.push({ kind: f.kind, indices: Int32Array.from(f.indices), values: Float32Array.from(f.values) });
  }
  return { rows, features, skipped };
}
