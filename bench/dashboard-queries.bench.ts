// The dashboard's aggregate reads on the two stores: the same requests recorded through the
// gateway's recorder into a SQLite file and a fresh PostgreSQL database (127.0.0.1:5432, or
// FLAMBEAU_TEST_PG_URL), then overview / privacy / routing for a 24 h window, interleaved rounds.
// Wall time per call (PostgreSQL works in its own processes, so the gateway's CPU alone would
// hide its part); the ratio is what the run measures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog } from '../src/audit/audit-log.js';
import { createRequestRecorder, type RequestOutcome } from '../src/audit/request-outcome.js';
import { MASTER_PRINCIPAL, type KeyPrincipal } from '../src/auth/principal.js';
import type { SqlClient } from '../src/store/sql.js';
import { migratePg, openPgClient, openStore } from '../src/store/store.js';
import { createSqliteDashboardQueries, type DashboardQueries, type DashboardWindow } from '../src/usage/dashboard-queries.js';
import { createPgDashboardQueries } from '../src/usage/dashboard-queries-pg.js';
import { createRequestLog } from '../src/usage/request-log.js';
import { createUsageLog } from '../src/usage/usage-log.js';
import { freshPgDatabase } from '../test/helpers/pg-database.js';
import { fmt, percentile, table } from './stats.js';

const HOUR = 3_600_000;
const UNTIL = Date.UTC(2026, 10, 16, 0);
const WINDOW: DashboardWindow = { since: UNTIL - 24 * HOUR, until: UNTIL, bucketMs: HOUR };
const KEYS: KeyPrincipal[] = ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc'].map((keyId) => ({ ...MASTER_PRINCIPAL, kind: 'key', keyId, name: keyId }));

/** Request `i` of `n`, spread over the window: a mix of routes, localities, errors, findings and injections. */
function outcomeOf(i: number, n: number): RequestOutcome {
  const local = i % 3 !== 0;
  return {
    requestId: `req-${i}`,
    startedAt: WINDOW.since + Math.floor((i * (WINDOW.until - WINDOW.since)) / n),
    principal: KEYS[i % KEYS.length] as KeyPrincipal,
    endpoint: '/v1/chat/completions',
    model: 'auto',
    route: i % 5 === 0 ? null : `route-${i % 4}`,
    provider: local ? 'office' : 'cloud',
    upstreamModel: local ? 'office-upstream' : 'cloud-upstream',
    locality: local ? 'lan' : 'cloud',
    privacy: i % 4 === 0 ? { action: 'redact', findings: { EMAIL: 1 + (i % 2), PHONE: i % 3 } } : null,
    ...(i % 7 === 0 ? { injection: [{ source: 'user' as const, score: 0.9, signals: ['override'] }] } : {}),
    status: i % 11 === 0 ? 502 : 200,
    errorCode: i % 11 === 0 ? 'upstream_failed' : null,
    usage: i % 11 === 0 ? null : { inputTokens: 100 + (i % 50), outputTokens: 20 + (i % 30), estimated: false },
    costUsd: local ? 0 : 0.0004,
    latencyMs: 20 + (i % 200),
    log: { ttftMs: i % 2 === 0 ? 5 + (i % 40) : null, streamed: i % 2 === 0 },
  };
}

async function seed(sql: SqlClient, n: number): Promise<void> {
  let now = 0;
  const recorder = createRequestRecorder({
    usage: createUsageLog(sql),
    audit: createAuditLog({ sql, clock: () => now }),
    requestLog: createRequestLog(sql),
    clock: () => now,
  });
  for (let i = 0; i < n; i++) {
    const o = outcomeOf(i, n);
    now = o.startedAt;
    await recorder.recordRequestOutcome(o);
  }
}

export async function run(): Promise<void> {
  const n = Number(process.env.BENCH_ROWS ?? 5000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
  console.log(`\n## Dashboard aggregates: SQLite vs PostgreSQL (${n} requests in a 24 h window, ${rounds} interleaved rounds, wall time per call)\n`);
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-bench-dashboard-'));
  const file = openStore(join(dir, 'flambeau.db'));
  const database = await freshPgDatabase('bench_dashboard');
  const pg = openPgClient(database.url);
  try {
    await migratePg(pg);
    await seed(file.sql, n);
    await seed(pg, n);
    const stores: Array<[string, DashboardQueries]> = [
      ['sqlite', createSqliteDashboardQueries(file.db)],
      ['postgres', createPgDashboardQueries(pg)],
    ];
    const calls: Array<[string, (q: DashboardQueries) => Promise<unknown>]> = [
      ['overview', (q) => q.overview(WINDOW)],
      ['overview, one key', (q) => q.overview({ ...WINDOW, keyId: 'aaaaaaaaaaaa' })],
      ['privacy', (q) => q.privacy(WINDOW)],
      ['routing', (q) => q.routing(WINDOW)],
      ['recent audit (50)', (q) => q.recentAudit(50)],
    ];
    const times = new Map<string, number[]>();
    for (let round = -3; round < rounds; round++) {
      // Alternate which store goes first, so that neither always runs on a warmer machine.
      const order = round % 2 === 0 ? stores : [...stores].reverse();
      for (const [call, f] of calls)
        for (const [store, q] of order) {
          const t0 = performance.now();
          await f(q);
          const ms = performance.now() - t0;
          if (round < 0) continue; // warm-up
          const key = `${call}|${store}`;
          times.set(key, [...(times.get(key) ?? []), ms]);
        }
    }
    table(
      ['call', 'sqlite p50 (ms)', 'postgres p50 (ms)', 'postgres / sqlite'],
      calls.map(([call]) => {
        const lite = percentile(times.get(`${call}|sqlite`) ?? [], 50);
        const pgMs = percentile(times.get(`${call}|postgres`) ?? [], 50);
        return [call, fmt(lite, 2), fmt(pgMs, 2), `×${fmt(pgMs / lite, 2)}`];
      }),
    );
  } finally {
    await pg.close();
    await database.drop();
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
