import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAuditLog } from '../audit/audit-log.js';
import { createRequestRecorder, type RequestOutcome } from '../audit/request-outcome.js';
import { freshPgDatabase } from '../../test/helpers/pg-database.js';
import type { SqlClient } from '../store/sql.js';
import { migratePg, openPgClient, openStore, type Store } from '../store/store.js';
import { alice, HOUR, SEED, SINCE, WINDOW } from '../../test/helpers/dashboard-seed.js';
import { createSqliteDashboardQueries, percentile, type DashboardQueries } from './dashboard-queries.js';
import { createPgDashboardQueries } from './dashboard-queries-pg.js';
import { createRequestLog } from './request-log.js';
import { createUsageLog } from './usage-log.js';

/**
 * What any DashboardQueries must answer for SEED (SQLite here; a PostgreSQL store runs the same
 * suite with its own `make`). Each audit record is written at its request's `startedAt`.
 */
export function describeDashboardQueriesContract(
  name: string,
  make: (seed: readonly RequestOutcome[]) => Promise<{ queries: DashboardQueries; close(): Promise<void> }>,
): void {
  describe(`DashboardQueries contract: ${name}`, () => {
    let queries: DashboardQueries;
    let close: () => Promise<void>;
    before(async () => {
      ({ queries, close } = await make(SEED));
    });
    after(async () => close());

    it('counts requests, errors, tokens and cost per bucket, in the window only', async () => {
      const o = await queries.overview(WINDOW);
      assert.deepEqual(
        o.series.map((p) => [p.t, p.requests, p.errors]),
        [
          [SINCE, 1, 0],
          [SINCE + HOUR, 1, 0],
          [SINCE + 2 * HOUR, 2, 0],
          [SINCE + 3 * HOUR, 1, 1],
        ],
      );
      assert.deepEqual(o.totals, { requests: 5, errors: 1, inputTokens: 400, outputTokens: 80, costUsd: 0.5 });
      assert.deepEqual(o.byLocality, { lan: 3, cloud: 1 });
      assert.deepEqual(o.localTokensByRoute, [{ route: 'default', requests: 3, inputTokens: 300, outputTokens: 60 }]);
      assert.deepEqual(o.latencyMs, { p50: 200, p95: 400 });
      assert.deepEqual(o.ttftMs, { p50: 40, p95: 60 });
      assert.deepEqual(o.errorsByCode, [{ code: 'policy_denied', count: 1 }]);
    });

    it('narrows the overview to one key (null: the master key)', async () => {
      const own = await queries.overview({ ...WINDOW, keyId: alice.keyId });
      assert.equal(own.totals.requests, 1);
      assert.deepEqual(own.byLocality, { lan: 1 });
      assert.deepEqual(own.ttftMs, { p50: null, p95: null });
      const master = await queries.overview({ ...WINDOW, keyId: null });
      assert.equal(master.totals.requests, 4);
      assert.deepEqual(master.ttftMs, { p50: 40, p95: 60 });
    });

    it('counts privacy findings by type and action, injections by source, blocked requests', async () => {
      const p = await queries.privacy(WINDOW);
      assert.deepEqual(
        [...p.findings].sort((a, b) => a.type.localeCompare(b.type)),
        [
          { type: 'EMAIL', action: 'redact', count: 3 },
          { type: 'PHONE', action: 'redact', count: 1 },
        ],
      );
      assert.deepEqual(p.seriesByType, [
        { type: 'EMAIL', counts: [0, 0, 3, 0] },
        { type: 'PHONE', counts: [0, 0, 1, 0] },
      ]);
      assert.deepEqual(p.injections, [{ source: 'user', count: 1 }]);
      assert.equal(p.blocked, 1);
      assert.equal(p.requests, 5);
      assert.deepEqual(
        p.series.map((s) => [s.findings, s.injections, s.blocked]),
        [
          [0, 0, 0],
          [0, 0, 0],
          [4, 0, 0],
          [0, 1, 1],
        ],
      );
    });

    it('groups audited requests by rule and target', async () => {
      const r = await queries.routing(WINDOW);
      const rows = r.decisions.map((d) => [d.route, d.provider, d.locality, d.requests, d.errors]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
      // A request the route chose for but a policy refused counts under its rule, with no target.
      assert.deepEqual(rows, [
        [null, 'cloud', 'cloud', 1, 0],
        ['default', null, null, 1, 1],
        ['default', 'office', 'lan', 3, 0],
      ]);
    });

    it('gives the last audit records newest first, without their content', async () => {
      const records = await queries.recentAudit(3);
      assert.equal(records.length, 3);
      assert.ok((records[0] as { seq: number }).seq > (records[1] as { seq: number }).seq);
      for (const r of records) assert.equal('content' in r.event, false);
    });
  });
}

describe('percentile (nearest rank)', () => {
  it('picks the value at ceil(p × n)', () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([1, 2, 3, 4], 95), 4);
  });
});

/** Records `seed` through the gateway's recorder: each request's usage row, request log row and audit record. */
async function record(sql: SqlClient, seed: readonly RequestOutcome[]): Promise<void> {
  let now = 0;
  const audit = createAuditLog({ sql, includeContent: true, clock: () => now });
  const recorder = createRequestRecorder({ usage: createUsageLog(sql), audit, requestLog: createRequestLog(sql), clock: () => now });
  for (const o of seed) {
    now = o.startedAt;
    await recorder.recordRequestOutcome(o);
  }
}

describeDashboardQueriesContract('SQLite', async (seed) => {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-dashboard-queries-'));
  const store: Store = openStore(join(dir, 'flambeau.db'));
  await record(store.sql, seed);
  return {
    queries: createSqliteDashboardQueries(store.db),
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// A fresh database on the PostgreSQL of these machines (test/helpers/pg-database.ts).
describeDashboardQueriesContract('PostgreSQL', async (seed) => {
  const database = await freshPgDatabase('dashboard_contract');
  const sql = openPgClient(database.url);
  await migratePg(sql);
  await record(sql, seed);
  return {
    queries: createPgDashboardQueries(sql),
    close: async () => {
      await sql.close();
      await database.drop();
    },
  };
});
