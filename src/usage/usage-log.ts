import { fromNano, toNano } from '../auth/budget-columns.js';
import { guardStore } from '../auth/store-guard.js';
import type { Dialect, SqlClient, SqlExecutor } from '../store/sql.js';

/** One request's usage: who, what, how much. Never prompt or answer text. */
export interface UsageRecord {
  requestId: string;
  /** Unix ms the request started. */
  at: number;
  /** Null for the master key. */
  keyId: string | null;
  team: string | null;
  endpoint: string;
  /** The name the client asked for. */
  model: string | null;
  provider: string | null;
  upstreamModel: string | null;
  locality: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** True when flambeau estimated the counts (the upstream reported none). */
  tokensEstimated: boolean;
  costUsd: number;
  latencyMs: number;
  status: number;
  errorCode: string | null;
  /** The audit record that carries this row's cost and tokens (`audit verify` cross-checks them). */
  auditSeq?: number | null;
}

export type UsageGrouping = 'key' | 'team' | 'model' | 'day';
export const USAGE_GROUPINGS: readonly UsageGrouping[] = ['key', 'team', 'model', 'day'];

export interface UsageTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Requests whose counts were estimated. */
  estimated: number;
  costUsd: number;
}

export interface UsageSummaryRow extends UsageTotals {
  /** The key id (`master` for the master key), team (`-` for none), model, or UTC day `2026-11-15`. */
  group: string;
  /** The key's name, when grouping by key. */
  label: string | null;
}

export interface UsageSummary {
  by: UsageGrouping;
  since: number | null;
  rows: UsageSummaryRow[];
  total: UsageTotals;
}

export interface UsageLog {
  /** Inserts one row; runs inside the caller's transaction when there is one (see recordRequestOutcome). */
  append(record: UsageRecord, tx?: SqlExecutor): Promise<void>;
  summarize(options: { by: UsageGrouping; since?: number }): Promise<UsageSummary>;
  /** The rows of one request id (clients may reuse an id, hence several). */
  forRequest(requestId: string): Promise<UsageRecord[]>;
}

const GROUP_SQL = (by: UsageGrouping, dialect: Dialect): string =>
  ({
    key: "COALESCE(u.key_id, 'master')",
    team: "COALESCE(u.team, '-')",
    model: "COALESCE(u.model, '-')",
    day: dialect === 'sqlite' ? "strftime('%Y-%m-%d', u.at / 1000, 'unixepoch')" : "to_char(to_timestamp(u.at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
  })[by];

const TOTALS_SQL = `COUNT(*) AS requests, COALESCE(SUM(CASE WHEN u.status >= 400 THEN 1 ELSE 0 END), 0) AS errors, COALESCE(SUM(u.input_tokens), 0) AS input_tokens,
  COALESCE(SUM(u.output_tokens), 0) AS output_tokens, COALESCE(SUM(u.tokens_estimated), 0) AS estimated, COALESCE(SUM(u.cost_nusd), 0) AS cost_nusd`;

interface TotalsRow {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  estimated: number;
  cost_nusd: number;
}

export function createUsageLog(sql: SqlClient): UsageLog {
  const INSERT = `INSERT INTO usage_log (request_id, at, key_id, team, endpoint, model, provider, upstream_model, locality, input_tokens, output_tokens, tokens_estimated, cost_nusd, latency_ms, status, error_code, audit_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const grouped = new Map(
    USAGE_GROUPINGS.map((by) => [
      by,
      `SELECT ${GROUP_SQL(by, sql.dialect)} AS grp, ${by === 'key' ? 'MAX(k.name)' : 'NULL'} AS label, ${TOTALS_SQL}
        FROM usage_log u ${by === 'key' ? 'LEFT JOIN api_keys k ON k.id = u.key_id' : ''} WHERE u.at >= ? GROUP BY grp ORDER BY ${by === 'day' ? 'grp' : 'cost_nusd DESC, requests DESC, grp'}`,
    ]),
  );

  return {
    async append(r, tx) {
      await (tx ?? sql).run(INSERT, [
        r.requestId,
        r.at,
        r.keyId,
        r.team,
        r.endpoint,
        r.model,
        r.provider,
        r.upstreamModel,
        r.locality,
        r.inputTokens,
        r.outputTokens,
        r.tokensEstimated ? 1 : 0,
        toNano(r.costUsd),
        r.latencyMs,
        r.status,
        r.errorCode,
        r.auditSeq ?? null,
      ]);
    },
    async summarize({ by, since }) {
      const from = since ?? 0;
      return guardStore(sql, 'summarising usage', async () => ({
        by,
        since: since ?? null,
        rows: (await sql.all<TotalsRow & { grp: string; label: string | null }>(grouped.get(by) as string, [from])).map((row) => ({
          group: row.grp,
          label: row.label,
          ...totalsOf(row),
        })),
        total: totalsOf((await sql.get<TotalsRow>(`SELECT ${TOTALS_SQL} FROM usage_log u WHERE u.at >= ?`, [from])) as TotalsRow),
      }));
    },
    async forRequest(requestId) {
      return (await guardStore(sql, 'reading usage', () => sql.all('SELECT * FROM usage_log WHERE request_id = ? ORDER BY id', [requestId]))).map(recordOf);
    },
  };
}

function totalsOf(row: TotalsRow): UsageTotals {
  return {
    requests: row.requests,
    errors: row.errors,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    estimated: row.estimated,
    costUsd: fromNano(row.cost_nusd),
  };
}

function recordOf(row: Record<string, unknown>): UsageRecord {
  return {
    requestId: row.request_id as string,
    at: row.at as number,
    keyId: row.key_id as string | null,
    team: row.team as string | null,
    endpoint: row.endpoint as string,
    model: row.model as string | null,
    provider: row.provider as string | null,
    upstreamModel: row.upstream_model as string | null,
    locality: row.locality as string | null,
    inputTokens: row.input_tokens as number | null,
    outputTokens: row.output_tokens as number | null,
    tokensEstimated: row.tokens_estimated === 1,
    costUsd: fromNano(row.cost_nusd as number),
    latencyMs: row.latency_ms as number,
    status: row.status as number,
    errorCode: row.error_code as string | null,
  };
}

/** A usage row as `audit verify` cross-checks it against the audit record it names. */
export interface UsageLink {
  /** usage_log.id: how verify names the row. */
  id: number;
  auditSeq: number;
  requestId: string;
  costNusd: number;
  inputTokens: number | null;
  outputTokens: number | null;
}

/**
 * The usage rows linked to audit records, in audit order, a page at a time; null when the
 * database predates the link (no `audit_seq` column: verify reads files without migrating them).
 */
export async function usageLinkPages(sql: SqlExecutor): Promise<((afterSeq: number, afterId: number, limit: number) => Promise<UsageLink[]>) | null> {
  if (sql.dialect === 'sqlite') {
    const columns = (await sql.all<{ name: string }>("SELECT name FROM pragma_table_info('usage_log')")).map((row) => row.name);
    if (!columns.includes('audit_seq')) return null;
  }
  const PAGE = `SELECT id, audit_seq AS "auditSeq", request_id AS "requestId", cost_nusd AS "costNusd", input_tokens AS "inputTokens", output_tokens AS "outputTokens"
    FROM usage_log WHERE audit_seq IS NOT NULL AND (audit_seq > ? OR (audit_seq = ? AND id > ?)) ORDER BY audit_seq, id LIMIT ?`;
  return (afterSeq, afterId, limit) => sql.all<UsageLink>(PAGE, [afterSeq, afterSeq, afterId, limit]);
}
