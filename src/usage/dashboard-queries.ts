import type { Db } from '../store/store.js';

/**
 * The dashboard's aggregate reads (docs/decisions/0014), one interface so that another store
 * (PostgreSQL) can answer them with its own SQL. Every method resolves; none writes. No prompt or
 * answer text is read: the request log and the usage rows hold none, and audit records are given
 * back without their optional `content`.
 */
export interface DashboardQueries {
  overview(window: DashboardWindow): Promise<OverviewFacts>;
  privacy(window: DashboardWindow): Promise<PrivacyFacts>;
  routing(window: DashboardWindow): Promise<RoutingFacts>;
  /** The last `limit` audit records, newest first, without content. */
  recentAudit(limit: number): Promise<AuditRecordSummary[]>;
}

/** A time window cut into buckets; `keyId` set (null: the master key) narrows to one key's rows. */
export interface DashboardWindow {
  /** Unix ms, inclusive. */
  since: number;
  /** Unix ms, exclusive. */
  until: number;
  bucketMs: number;
  keyId?: string | null;
}

export interface SeriesPoint {
  /** Unix ms the bucket starts. */
  t: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface OverviewFacts {
  series: SeriesPoint[];
  totals: Omit<SeriesPoint, 't'>;
  /** Requests that reached a model, by where it ran. */
  byLocality: Record<string, number>;
  /** Input and output tokens answered on device or LAN, by the route that chose the model (null: no route). */
  localTokensByRoute: Array<{ route: string | null; inputTokens: number; outputTokens: number; requests: number }>;
  /** Milliseconds over successful model calls; null when there were none. */
  latencyMs: { p50: number | null; p95: number | null };
  /** Time to first token of streamed answers (request log). */
  ttftMs: { p50: number | null; p95: number | null };
  errorsByCode: Array<{ code: string; count: number }>;
}

export interface PrivacyFacts {
  /** Personal data found, by type and the action the policy took (counts only, never values). */
  findings: Array<{ type: string; action: string; count: number }>;
  /** Findings over time, summed over types. */
  series: Array<{ t: number; findings: number; injections: number; blocked: number }>;
  /** Findings over time per type (same buckets as `series`), types by total, most found first. */
  seriesByType: Array<{ type: string; counts: number[] }>;
  /** Prompt injections reported, by source. */
  injections: Array<{ source: string; count: number }>;
  /** Requests refused by a policy (privacy block, injection block). */
  blocked: number;
  requests: number;
}

export interface RoutingFacts {
  /** Audited requests by routing rule and the target that answered. */
  decisions: Array<{ route: string | null; provider: string | null; locality: string | null; requests: number; errors: number }>;
}

export interface AuditRecordSummary {
  seq: number;
  at: number;
  type: string;
  event: Record<string, unknown>;
}

const LATENCY_SAMPLE = 20_000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The SQLite answers (the store's one connection; reads only). */
/** A window's bucket width in whole milliseconds (at least 1), and how many buckets cover it. */
export const bucketMsOf = (w: DashboardWindow): number => Math.max(1, Math.floor(w.bucketMs));
export const bucketCount = (w: DashboardWindow): number => Math.max(1, Math.ceil((w.until - w.since) / bucketMsOf(w)));

/** One bucket of the usage series as both stores' SQL returns it (cost in nano-USD). */
export interface SeriesRow {
  b: number;
  requests: number;
  errors: number;
  input: number;
  output: number;
  cost: number;
}

/** Every bucket of the window (an empty one as zeros), and their totals: the same on both stores. */
export function seriesOf(rows: readonly SeriesRow[], w: DashboardWindow): { series: SeriesPoint[]; totals: OverviewFacts['totals'] } {
  const bucket = bucketMsOf(w);
  const count = bucketCount(w);
  const byBucket = new Map(rows.map((r) => [r.b, r]));
  const series: SeriesPoint[] = [];
  const totals = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (let b = 0; b < count; b++) {
    const r = byBucket.get(b);
    const point = {
      t: w.since + b * bucket,
      requests: r?.requests ?? 0,
      errors: r?.errors ?? 0,
      inputTokens: r?.input ?? 0,
      outputTokens: r?.output ?? 0,
      costUsd: (r?.cost ?? 0) / 1e9,
    };
    series.push(point);
    totals.requests += point.requests;
    totals.errors += point.errors;
    totals.inputTokens += point.inputTokens;
    totals.outputTokens += point.outputTokens;
    totals.costUsd += point.costUsd;
  }
  return { series, totals };
}

export function createSqliteDashboardQueries(db: Db): DashboardQueries {
  // `key_id IS ?` matches NULL (the master key) too; a window without a key passes the flag 0.
  const keyFilter = 'AND (@anyKey = 1 OR key_id IS @keyId)';
  const series = db.prepare(`SELECT CAST((at - @since) / @bucket AS INTEGER) AS b, COUNT(*) AS requests, SUM(status >= 400) AS errors,
      COALESCE(SUM(input_tokens), 0) AS input, COALESCE(SUM(output_tokens), 0) AS output, SUM(cost_nusd) AS cost
    FROM usage_log WHERE at >= @since AND at < @until ${keyFilter} GROUP BY b ORDER BY b`);
  const locality = db.prepare(`SELECT locality, COUNT(*) AS n FROM usage_log
    WHERE at >= @since AND at < @until AND locality IS NOT NULL ${keyFilter} GROUP BY locality`);
  const localByRoute = db.prepare(`SELECT json_extract(a.body, '$.event.route') AS route, COUNT(*) AS n,
      COALESCE(SUM(u.input_tokens), 0) AS input, COALESCE(SUM(u.output_tokens), 0) AS output
    FROM usage_log u LEFT JOIN audit_log a ON a.seq = u.audit_seq
    WHERE u.at >= @since AND u.at < @until AND u.locality IN ('device', 'lan') AND u.status < 400
      AND (@anyKey = 1 OR u.key_id IS @keyId) GROUP BY route`);
  const latencies = db.prepare(`SELECT latency_ms AS v FROM usage_log
    WHERE at >= @since AND at < @until AND status < 400 AND provider IS NOT NULL ${keyFilter} ORDER BY at DESC LIMIT ${LATENCY_SAMPLE}`);
  const ttfts = db.prepare(`SELECT r.ttft_ms AS v FROM request_log r
    WHERE r.started_at >= @since AND r.started_at < @until AND r.ttft_ms IS NOT NULL AND r.status < 400
      AND (@anyKey = 1 OR EXISTS (SELECT 1 FROM usage_log u WHERE u.request_id = r.id AND u.key_id IS @keyId))
    ORDER BY r.started_at DESC LIMIT ${LATENCY_SAMPLE}`);
  const errors = db.prepare(`SELECT COALESCE(error_code, 'http_' || status) AS code, COUNT(*) AS n FROM usage_log
    WHERE at >= @since AND at < @until AND status >= 400 ${keyFilter} GROUP BY code ORDER BY n DESC`);
  // json_each has a column named `type`: the PII type is `pii_type`, grouped by its expression.
  const findings = db.prepare(`SELECT j.key AS pii_type, COALESCE(r.privacy_action, 'none') AS action, SUM(j.value) AS n
    FROM request_log r, json_each(r.privacy_findings) j
    WHERE r.started_at >= @since AND r.started_at < @until AND r.privacy_findings IS NOT NULL
    GROUP BY j.key, COALESCE(r.privacy_action, 'none') ORDER BY n DESC, pii_type`);
  const privacySeries = db.prepare(`SELECT CAST((started_at - @since) / @bucket AS INTEGER) AS b,
      COALESCE(SUM((SELECT SUM(j.value) FROM json_each(privacy_findings) j)), 0) AS findings,
      SUM(injection IS NOT NULL) AS injections, SUM(error_code = 'policy_denied') AS blocked
    FROM request_log WHERE started_at >= @since AND started_at < @until GROUP BY b ORDER BY b`);
  const findingsByBucket = db.prepare(`SELECT CAST((r.started_at - @since) / @bucket AS INTEGER) AS b, j.key AS pii_type, SUM(j.value) AS n
    FROM request_log r, json_each(r.privacy_findings) j
    WHERE r.started_at >= @since AND r.started_at < @until AND r.privacy_findings IS NOT NULL GROUP BY b, j.key`);
  const injections = db.prepare(`SELECT json_extract(j.value, '$.source') AS source, COUNT(*) AS n
    FROM request_log r, json_each(r.injection) j
    WHERE r.started_at >= @since AND r.started_at < @until AND r.injection IS NOT NULL GROUP BY source ORDER BY n DESC`);
  const blocked = db.prepare(`SELECT COUNT(*) AS requests, COALESCE(SUM(error_code = 'policy_denied'), 0) AS blocked
    FROM request_log WHERE started_at >= @since AND started_at < @until`);
  const decisions = db.prepare(`SELECT json_extract(body, '$.event.route') AS route, json_extract(body, '$.event.provider') AS provider,
      json_extract(body, '$.event.locality') AS locality, COUNT(*) AS n, SUM(json_extract(body, '$.event.outcome.status') >= 400) AS errors
    FROM audit_log WHERE type = 'request' AND at >= @since AND at < @until
      AND (json_extract(body, '$.event.route') IS NOT NULL OR json_extract(body, '$.event.provider') IS NOT NULL)
    GROUP BY route, provider, locality ORDER BY n DESC`);
  const recent = db.prepare('SELECT seq, at, type, body FROM audit_log ORDER BY seq DESC LIMIT ?');

  const params = (w: DashboardWindow) => ({
    since: w.since,
    until: w.until,
    bucket: bucketMsOf(w),
    anyKey: w.keyId === undefined ? 1 : 0,
    keyId: w.keyId ?? null,
  });
  const sortedValues = (rows: unknown[]) => (rows as { v: number }[]).map((r) => r.v).sort((a, b) => a - b);

  return {
    async overview(w) {
      const p = params(w);
      const { series: points, totals } = seriesOf(series.all(p) as SeriesRow[], w);
      const lat = sortedValues(latencies.all(p));
      const ttft = sortedValues(ttfts.all(p));
      return {
        series: points,
        totals,
        byLocality: Object.fromEntries((locality.all(p) as { locality: string; n: number }[]).map((r) => [r.locality, r.n])),
        localTokensByRoute: (localByRoute.all(p) as { route: string | null; n: number; input: number; output: number }[]).map((r) => ({
          route: r.route,
          requests: r.n,
          inputTokens: r.input,
          outputTokens: r.output,
        })),
        latencyMs: { p50: percentile(lat, 50), p95: percentile(lat, 95) },
        ttftMs: { p50: percentile(ttft, 50), p95: percentile(ttft, 95) },
        errorsByCode: (errors.all(p) as { code: string; n: number }[]).map((r) => ({ code: r.code, count: r.n })),
      };
    },
    async privacy(w) {
      const p = params(w);
      const rows = privacySeries.all(p) as { b: number; findings: number; injections: number; blocked: number | null }[];
      const byBucket = new Map(rows.map((r) => [r.b, r]));
      const points = [];
      for (let b = 0; b < bucketCount(w); b++) {
        const r = byBucket.get(b);
        points.push({ t: w.since + b * p.bucket, findings: r?.findings ?? 0, injections: r?.injections ?? 0, blocked: r?.blocked ?? 0 });
      }
      const total = blocked.get(p) as { requests: number; blocked: number };
      const byType = new Map<string, number[]>();
      for (const r of findingsByBucket.all(p) as { b: number; pii_type: string; n: number }[]) {
        const counts = byType.get(r.pii_type) ?? new Array<number>(bucketCount(w)).fill(0);
        if (r.b >= 0 && r.b < counts.length) counts[r.b] = r.n;
        byType.set(r.pii_type, counts);
      }
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      return {
        findings: (findings.all(p) as { pii_type: string; action: string; n: number }[]).map((r) => ({ type: r.pii_type, action: r.action, count: r.n })),
        series: points,
        seriesByType: [...byType].map(([type, counts]) => ({ type, counts })).sort((a, b) => sum(b.counts) - sum(a.counts) || a.type.localeCompare(b.type)),
        injections: (injections.all(p) as { source: string | null; n: number }[]).map((r) => ({ source: r.source ?? 'unknown', count: r.n })),
        blocked: total.blocked,
        requests: total.requests,
      };
    },
    async routing(w) {
      const p = params(w);
      return {
        decisions: (decisions.all(p) as { route: string | null; provider: string | null; locality: string | null; n: number; errors: number | null }[]).map(
          (r) => ({ route: r.route, provider: r.provider, locality: r.locality, requests: r.n, errors: r.errors ?? 0 }),
        ),
      };
    },
    async recentAudit(limit) {
      return (recent.all(Math.max(1, Math.min(500, Math.floor(limit)))) as { seq: number; at: number; type: string; body: string }[]).map((r) => {
        let event: Record<string, unknown> = {};
        try {
          const parsed = JSON.parse(r.body) as { event?: unknown };
          if (parsed.event !== null && typeof parsed.event === 'object' && !Array.isArray(parsed.event))
            event = { ...(parsed.event as Record<string, unknown>) };
        } catch {
          event = { unreadable: true };
        }
        delete event.content;
        return { seq: r.seq, at: r.at, type: r.type, event };
      });
    },
  };
}
