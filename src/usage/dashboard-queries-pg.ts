import type { SqlClient } from '../store/sql.js';
import {
  bucketCount,
  bucketMsOf,
  percentile,
  seriesOf,
  type SeriesRow,
  type AuditRecordSummary,
  type DashboardQueries,
  type DashboardWindow,
  type OverviewFacts,
  type PrivacyFacts,
  type RoutingFacts,
} from './dashboard-queries.js';

const LATENCY_SAMPLE = 20_000;

/**
 * The dashboard's aggregate reads on the PostgreSQL store (`store.url`), where usage, the request
 * log and the audit chain live when several instances share them: the same answers as
 * `createSqliteDashboardQueries` over the same rows (the DashboardQueries contract suite and
 * dashboard-queries-pg.test.ts run both).
 * JSON columns are TEXT in both schemas (pg-migrations.ts), read here as `jsonb`
 * (`->`, `->>`, `jsonb_each_text`, `jsonb_array_elements`) where SQLite uses json_extract and
 * json_each. Reads only; no prompt or answer text is read, and audit records come back without
 * their optional `content`.
 */
export function createPgDashboardQueries(sql: SqlClient): DashboardQueries {
  // Parameters are positional (`?`): every statement takes [since, until, bucket?, anyKey, keyId] in the order it names them.
  // `IS NOT DISTINCT FROM` matches NULL (the master key) as SQLite's `IS` does.
  const keyFilter = (column: string) => `AND (?::boolean OR ${column} IS NOT DISTINCT FROM ?::text)`;
  const SERIES = `SELECT (at - ?::bigint) / ?::bigint AS b, COUNT(*) AS requests, COUNT(*) FILTER (WHERE status >= 400) AS errors,
      COALESCE(SUM(input_tokens), 0) AS input, COALESCE(SUM(output_tokens), 0) AS output, COALESCE(SUM(cost_nusd), 0) AS cost
    FROM usage_log WHERE at >= ? AND at < ? ${keyFilter('key_id')} GROUP BY b ORDER BY b`;
  const LOCALITY = `SELECT locality, COUNT(*) AS n FROM usage_log
    WHERE at >= ? AND at < ? AND locality IS NOT NULL ${keyFilter('key_id')} GROUP BY locality ORDER BY locality`;
  const LOCAL_BY_ROUTE = `SELECT a.body::jsonb -> 'event' ->> 'route' AS route, COUNT(*) AS n,
      COALESCE(SUM(u.input_tokens), 0) AS input, COALESCE(SUM(u.output_tokens), 0) AS output
    FROM usage_log u LEFT JOIN audit_log a ON a.seq = u.audit_seq
    WHERE u.at >= ? AND u.at < ? AND u.locality IN ('device', 'lan') AND u.status < 400 ${keyFilter('u.key_id')}
    GROUP BY 1 ORDER BY (a.body::jsonb -> 'event' ->> 'route') COLLATE "C" NULLS FIRST`;
  const LATENCIES = `SELECT latency_ms AS v FROM usage_log
    WHERE at >= ? AND at < ? AND status < 400 AND provider IS NOT NULL ${keyFilter('key_id')} ORDER BY at DESC LIMIT ${LATENCY_SAMPLE}`;
  const TTFTS = `SELECT r.ttft_ms AS v FROM request_log r
    WHERE r.started_at >= ? AND r.started_at < ? AND r.ttft_ms IS NOT NULL AND r.status < 400
      AND (?::boolean OR EXISTS (SELECT 1 FROM usage_log u WHERE u.request_id = r.id AND u.key_id IS NOT DISTINCT FROM ?::text))
    ORDER BY r.started_at DESC LIMIT ${LATENCY_SAMPLE}`;
  const ERRORS = `SELECT COALESCE(error_code, 'http_' || status) AS code, COUNT(*) AS n FROM usage_log
    WHERE at >= ? AND at < ? AND status >= 400 ${keyFilter('key_id')} GROUP BY 1 ORDER BY n DESC, COALESCE(error_code, 'http_' || status) COLLATE "C"`;
  // Counts are JSON numbers: summed as numeric (int8 and numeric come back as JS numbers, pg-client.ts).
  const FINDINGS = `SELECT j.key AS pii_type, COALESCE(r.privacy_action, 'none') AS action, SUM(j.value::numeric) AS n
    FROM request_log r CROSS JOIN LATERAL jsonb_each_text(r.privacy_findings::jsonb) j
    WHERE r.started_at >= ? AND r.started_at < ? AND r.privacy_findings IS NOT NULL
    GROUP BY 1, 2 ORDER BY n DESC, j.key COLLATE "C", COALESCE(r.privacy_action, 'none') COLLATE "C"`;
  const PRIVACY_SERIES = `SELECT (r.started_at - ?::bigint) / ?::bigint AS b, COALESCE(SUM(f.n), 0) AS findings,
      COUNT(*) FILTER (WHERE r.injection IS NOT NULL) AS injections, COUNT(*) FILTER (WHERE r.error_code = 'policy_denied') AS blocked
    FROM request_log r
      LEFT JOIN LATERAL (SELECT SUM(j.value::numeric) AS n FROM jsonb_each_text(r.privacy_findings::jsonb) j) f ON true
    WHERE r.started_at >= ? AND r.started_at < ? GROUP BY b ORDER BY b`;
  const FINDINGS_BY_BUCKET = `SELECT (r.started_at - ?::bigint) / ?::bigint AS b, j.key AS pii_type, SUM(j.value::numeric) AS n
    FROM request_log r CROSS JOIN LATERAL jsonb_each_text(r.privacy_findings::jsonb) j
    WHERE r.started_at >= ? AND r.started_at < ? AND r.privacy_findings IS NOT NULL GROUP BY 1, 2`;
  const INJECTIONS = `SELECT j.value ->> 'source' AS source, COUNT(*) AS n
    FROM request_log r CROSS JOIN LATERAL jsonb_array_elements(r.injection::jsonb) j
    WHERE r.started_at >= ? AND r.started_at < ? AND r.injection IS NOT NULL GROUP BY 1 ORDER BY n DESC, (j.value ->> 'source') COLLATE "C"`;
  const BLOCKED = `SELECT COUNT(*) AS requests, COUNT(*) FILTER (WHERE error_code = 'policy_denied') AS blocked
    FROM request_log WHERE started_at >= ? AND started_at < ?`;
  // Each audit body parsed once (jsonb_to_record): naming `body::jsonb` per field parsed it per use, ×8 the time.
  const DECISIONS = `SELECT e.route, e.provider, e.locality, COUNT(*) AS n,
      COUNT(*) FILTER (WHERE CASE WHEN jsonb_typeof(e.outcome -> 'status') = 'number' THEN (e.outcome ->> 'status')::numeric >= 400 ELSE false END) AS errors
    FROM audit_log a CROSS JOIN LATERAL jsonb_to_record(a.body::jsonb -> 'event') AS e(route text, provider text, locality text, outcome jsonb)
    WHERE a.type = 'request' AND a.at >= ? AND a.at < ? AND (e.route IS NOT NULL OR e.provider IS NOT NULL)
    GROUP BY 1, 2, 3 ORDER BY n DESC, e.route COLLATE "C" NULLS FIRST, e.provider COLLATE "C" NULLS FIRST, e.locality COLLATE "C" NULLS FIRST`;
  const RECENT = 'SELECT seq, at, type, body FROM audit_log ORDER BY seq DESC LIMIT ?';

  // BIGINT columns compare with whole milliseconds: a fractional bound would not parse as bigint.
  const range = (w: DashboardWindow) => [Math.ceil(w.since), Math.ceil(w.until)];
  const keyed = (w: DashboardWindow) => [w.keyId === undefined, w.keyId ?? null];
  const sortedValues = (rows: { v: number }[]) => rows.map((r) => r.v).sort((a, b) => a - b);

  return {
    async overview(w): Promise<OverviewFacts> {
      const bucket = bucketMsOf(w);
      const [rows, localities, localRows, latencies, ttfts, errors] = await Promise.all([
        sql.all<SeriesRow>(SERIES, [Math.ceil(w.since), bucket, ...range(w), ...keyed(w)]),
        sql.all<{ locality: string; n: number }>(LOCALITY, [...range(w), ...keyed(w)]),
        sql.all<{ route: string | null; n: number; input: number; output: number }>(LOCAL_BY_ROUTE, [...range(w), ...keyed(w)]),
        sql.all<{ v: number }>(LATENCIES, [...range(w), ...keyed(w)]),
        sql.all<{ v: number }>(TTFTS, [...range(w), ...keyed(w)]),
        sql.all<{ code: string; n: number }>(ERRORS, [...range(w), ...keyed(w)]),
      ]);
      const { series, totals } = seriesOf(rows, w);
      const lat = sortedValues(latencies);
      const ttft = sortedValues(ttfts);
      return {
        series,
        totals,
        byLocality: Object.fromEntries(localities.map((r) => [r.locality, r.n])),
        localTokensByRoute: localRows.map((r) => ({ route: r.route, requests: r.n, inputTokens: r.input, outputTokens: r.output })),
        latencyMs: { p50: percentile(lat, 50), p95: percentile(lat, 95) },
        ttftMs: { p50: percentile(ttft, 50), p95: percentile(ttft, 95) },
        errorsByCode: errors.map((r) => ({ code: r.code, count: r.n })),
      };
    },
    async privacy(w): Promise<PrivacyFacts> {
      const bucket = bucketMsOf(w);
      const cut = [Math.ceil(w.since), bucket, ...range(w)];
      const [rows, byTypeRows, findings, injections, total] = await Promise.all([
        sql.all<{ b: number; findings: number; injections: number; blocked: number }>(PRIVACY_SERIES, cut),
        sql.all<{ b: number; pii_type: string; n: number }>(FINDINGS_BY_BUCKET, cut),
        sql.all<{ pii_type: string; action: string; n: number }>(FINDINGS, range(w)),
        sql.all<{ source: string | null; n: number }>(INJECTIONS, range(w)),
        sql.get<{ requests: number; blocked: number }>(BLOCKED, range(w)),
      ]);
      const byBucket = new Map(rows.map((r) => [r.b, r]));
      const series: PrivacyFacts['series'] = [];
      for (let b = 0; b < bucketCount(w); b++) {
        const r = byBucket.get(b);
        series.push({ t: w.since + b * bucket, findings: r?.findings ?? 0, injections: r?.injections ?? 0, blocked: r?.blocked ?? 0 });
      }
      const byType = new Map<string, number[]>();
      for (const r of byTypeRows) {
        const counts = byType.get(r.pii_type) ?? new Array<number>(bucketCount(w)).fill(0);
        if (r.b >= 0 && r.b < counts.length) counts[r.b] = r.n;
        byType.set(r.pii_type, counts);
      }
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      return {
        findings: findings.map((r) => ({ type: r.pii_type, action: r.action, count: r.n })),
        series,
        seriesByType: [...byType].map(([type, counts]) => ({ type, counts })).sort((a, b) => sum(b.counts) - sum(a.counts) || a.type.localeCompare(b.type)),
        injections: injections.map((r) => ({ source: r.source ?? 'unknown', count: r.n })),
        blocked: total?.blocked ?? 0,
        requests: total?.requests ?? 0,
      };
    },
    async routing(w): Promise<RoutingFacts> {
      const rows = await sql.all<{ route: string | null; provider: string | null; locality: string | null; n: number; errors: number }>(DECISIONS, range(w));
      return { decisions: rows.map((r) => ({ route: r.route, provider: r.provider, locality: r.locality, requests: r.n, errors: r.errors })) };
    },
    async recentAudit(limit): Promise<AuditRecordSummary[]> {
      const rows = await sql.all<{ seq: number; at: number; type: string; body: string }>(RECENT, [Math.max(1, Math.min(500, Math.floor(limit)))]);
      return rows.map((r) => ({ seq: r.seq, at: r.at, type: r.type, event: eventWithoutContent(r.body) }));
    },
  };
}

/** A stored audit body's event, without `content`; `{ unreadable: true }` for a body that is not the JSON we write. */
function eventWithoutContent(body: string): Record<string, unknown> {
  let event: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(body) as { event?: unknown };
    if (parsed.event !== null && typeof parsed.event === 'object' && !Array.isArray(parsed.event)) event = { ...(parsed.event as Record<string, unknown>) };
  } catch {
    event = { unreadable: true };
  }
  delete event.content;
  return event;
}
