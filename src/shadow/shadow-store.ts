import { z } from 'zod';
import { fromNano, toNano } from '../auth/budget-columns.js';
import type { SqlClient } from '../store/sql.js';
import type { AgreementMethod } from './score-agreement.js';

export type ShadowOutcome = 'agree' | 'disagree' | 'error' | 'denied';

/** One stored comparison: never text unless the rule asked for it. */
export interface ShadowComparison {
  createdAt: number;
  rule: string;
  route: string;
  localModel: string;
  referenceModel: string;
  servedModel: string;
  outcome: ShadowOutcome;
  agreement: number | null;
  method: AgreementMethod | null;
  judgeVerdict: 'pass' | 'fail' | null;
  judgeReason: string | null;
  localAsGood: boolean | null;
  localLatencyMs: number | null;
  referenceLatencyMs: number | null;
  localCostUsd: number | null;
  referenceCostUsd: number | null;
  shadowCostUsd: number;
  errorCode: string | null;
  /** The prompt's hashed complexity features (see storedFeatures), for `router train --from-shadow`. */
  features: StoredFeatures | null;
  localText: string | null;
  referenceText: string | null;
}

/** Complexity features as stored: featurizer version and hash bits, prompt kind, sparse buckets. */
export interface StoredFeatures {
  version: number;
  hashBits: number;
  kind: 'choice' | 'open';
  indices: number[];
  values: number[];
}

const storedFeaturesSchema = z.object({
  version: z.number().int(),
  hashBits: z.number().int().min(1).max(30),
  kind: z.enum(['choice', 'open']),
  indices: z.array(z.number().int().nonnegative()),
  values: z.array(z.number()),
});

export interface ShadowStore {
  insert(row: ShadowComparison): Promise<void>;
  /** USD spent by a rule's shadow calls since `since` (unix ms). */
  spentSince(rule: string, since: number): Promise<number>;
  /** Comparisons since `since` (unix ms), oldest first. */
  list(since: number): Promise<ShadowComparison[]>;
}

interface Row {
  created_at: number;
  rule: string;
  route: string;
  local_model: string;
  reference_model: string;
  served_model: string;
  outcome: string;
  agreement: number | null;
  method: string | null;
  judge_verdict: string | null;
  judge_reason: string | null;
  local_as_good: number | null;
  local_latency_ms: number | null;
  reference_latency_ms: number | null;
  local_cost_nusd: number | null;
  reference_cost_nusd: number | null;
  shadow_cost_nusd: number;
  error_code: string | null;
  features: string | null;
  local_text: string | null;
  reference_text: string | null;
}

/** A stored features column: a row written by another version, or damaged, reads as null. */
function featuresOf(text: string | null): StoredFeatures | null {
  if (text === null) return null;
  try {
    const parsed = storedFeaturesSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.indices.length === parsed.data.values.length ? parsed.data : null;
  } catch {
    return null;
  }
}

function fromRow(r: Row): ShadowComparison {
  return {
    createdAt: r.created_at,
    rule: r.rule,
    route: r.route,
    localModel: r.local_model,
    referenceModel: r.reference_model,
    servedModel: r.served_model,
    outcome: r.outcome as ShadowOutcome,
    agreement: r.agreement,
    method: r.method as AgreementMethod | null,
    judgeVerdict: r.judge_verdict === 'pass' || r.judge_verdict === 'fail' ? r.judge_verdict : null,
    judgeReason: r.judge_reason,
    localAsGood: r.local_as_good === null ? null : r.local_as_good === 1,
    localLatencyMs: r.local_latency_ms,
    referenceLatencyMs: r.reference_latency_ms,
    localCostUsd: r.local_cost_nusd === null ? null : fromNano(r.local_cost_nusd),
    referenceCostUsd: r.reference_cost_nusd === null ? null : fromNano(r.reference_cost_nusd),
    shadowCostUsd: fromNano(r.shadow_cost_nusd),
    errorCode: r.error_code,
    features: featuresOf(r.features),
    localText: r.local_text,
    referenceText: r.reference_text,
  };
}

/** The `shadow_comparisons` table (migration 17). */
export function createShadowStore(sql: SqlClient): ShadowStore {
  return {
    async insert(row) {
      await sql.run(
        `INSERT INTO shadow_comparisons (created_at, rule, route, local_model, reference_model, served_model, outcome, agreement, method,
          judge_verdict, judge_reason, local_as_good, local_latency_ms, reference_latency_ms, local_cost_nusd, reference_cost_nusd,
          shadow_cost_nusd, error_code, features, local_text, reference_text)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          row.createdAt,
          row.rule,
          row.route,
          row.localModel,
          row.referenceModel,
          row.servedModel,
          row.outcome,
          row.agreement,
          row.method,
          row.judgeVerdict,
          row.judgeReason,
          row.localAsGood === null ? null : row.localAsGood ? 1 : 0,
          row.localLatencyMs,
          row.referenceLatencyMs,
          row.localCostUsd === null ? null : toNano(row.localCostUsd),
          row.referenceCostUsd === null ? null : toNano(row.referenceCostUsd),
          toNano(row.shadowCostUsd),
          row.errorCode,
          row.features === null ? null : JSON.stringify(row.features),
          row.localText,
          row.referenceText,
        ],
      );
    },
    spentSince: async (rule, from) =>
      fromNano(
        (
          await sql.get<{ n: number }>('SELECT COALESCE(SUM(shadow_cost_nusd), 0) AS n FROM shadow_comparisons WHERE rule = ? AND created_at >= ?', [
            rule,
            from,
          ])
        )?.n ?? 0,
      ),
    list: async (from) => (await sql.all<Row>('SELECT * FROM shadow_comparisons WHERE created_at >= ? ORDER BY id', [from])).map(fromRow),
  };
}
