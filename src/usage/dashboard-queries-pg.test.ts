import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshPgDatabase } from '../../test/helpers/pg-database.js';
import { createAuditLog } from '../audit/audit-log.js';
import { createRequestRecorder, type RequestOutcome } from '../audit/request-outcome.js';
import { MASTER_PRINCIPAL, type KeyPrincipal } from '../auth/principal.js';
import type { SqlClient } from '../store/sql.js';
import { migratePg, openPgClient, openStore, type Store } from '../store/store.js';
import { alice, SEED as CONTRACT_SEED, HOUR, outcome, SINCE, WINDOW } from '../../test/helpers/dashboard-seed.js';
import { createSqliteDashboardQueries, type DashboardQueries, type DashboardWindow } from './dashboard-queries.js';
import { createPgDashboardQueries } from './dashboard-queries-pg.js';
import { createRequestLog } from './request-log.js';
import { createUsageLog } from './usage-log.js';

// The dashboard's aggregates on PostgreSQL: the same requests recorded through the same recorder
// into a SQLite file and a fresh PostgreSQL database give the same answers, and those answers are
// the ones worked out by hand below.

const bob: KeyPrincipal = { ...MASTER_PRINCIPAL, kind: 'key', keyId: 'bbbbbbbbbbbb', name: 'bob' };

const upstreamFailure = (requestId: string, principal: KeyPrincipal): RequestOutcome =>
  outcome(requestId, {
    principal,
    provider: 'cloud',
    upstreamModel: 'cloud-upstream',
    locality: 'cloud',
    status: 502,
    errorCode: null,
    usage: null,
    latencyMs: 30,
    startedAt: SINCE + 3 * HOUR + 20,
    injection: [{ source: 'user', score: 0.8, signals: ['role_play'] }],
  });

const SEED: readonly RequestOutcome[] = [
  ...CONTRACT_SEED,
  outcome('r7', {
    principal: bob,
    route: 'fast',
    provider: 'engine',
    upstreamModel: null,
    locality: 'device',
    usage: { inputTokens: 10, outputTokens: 5, estimated: true },
    latencyMs: 50,
    startedAt: SINCE + 3 * HOUR + 10,
    privacy: { action: 'pseudonymize', findings: { IBAN: 1 } },
    injection: [
      { source: 'document', score: 0.7, signals: ['override'] },
      { source: 'document', score: 0.6, signals: ['exfiltration'] },
      { source: 'tool', score: 0.9, signals: ['override'] },
    ],
  }),
  upstreamFailure('r8', MASTER_PRINCIPAL),
  upstreamFailure('r9', alice),
];

interface Subject {
  queries: DashboardQueries;
  close(): Promise<void>;
}

/** Records SEED through the gateway's recorder (usage row, request log row, audit record per request). */
async function seed(sql: SqlClient): Promise<void> {
  let now = 0;
  const clock = () => now;
  const audit = createAuditLog({ sql, includeContent: true, clock });
  const recorder = createRequestRecorder({ usage: createUsageLog(sql), audit, requestLog: createRequestLog(sql), clock });
  for (const o of SEED) {
    now = o.startedAt;
    await recorder.recordRequestOutcome(o);
  }
}

let sqlite: Subject;
let postgres: Subject;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flambeau-dashboard-pg-'));
  const file: Store = openStore(join(dir, 'flambeau.db'));
  await seed(file.sql);
  sqlite = {
    queries: createSqliteDashboardQueries(file.db),
    close: async () => {
      await file.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const database = await freshPgDatabase('dashboard');
  const sql = openPgClient(database.url);
  await migratePg(sql);
  await seed(sql);
  postgres = {
    queries: createPgDashboardQueries(sql),
    close: async () => {
      await sql.close();
      await database.drop();
    },
  };
});
after(async () => {
  await sqlite?.close();
  await postgres?.close();
});

/** Lists SQLite gives in no defined order (ties, GROUP BY without ORDER BY), sorted; series keep their order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    const timed = items.every((x) => x !== null && typeof x === 'object' && 't' in x);
    return timed ? items : [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
  return value;
}

const WINDOWS: Array<[string, DashboardWindow]> = [
  ['the whole window', WINDOW],
  ["alice's rows", { ...WINDOW, keyId: alice.keyId }],
  ["the master key's rows", { ...WINDOW, keyId: null }],
  ['a key with no rows', { ...WINDOW, keyId: 'cccccccccccc' }],
  ['unaligned 7-minute buckets', { since: SINCE + 30 * 60_000, until: SINCE + 3 * HOUR + 15, bucketMs: 7 * 60_000 }],
  ['an empty window', { since: SINCE + 10 * HOUR, until: SINCE + 11 * HOUR, bucketMs: 60_000 }],
];

describe('DashboardQueries: PostgreSQL answers as SQLite does', () => {
  for (const [name, window] of WINDOWS) {
    it(`overview, privacy and routing agree for ${name}`, async () => {
      const [lite, pg] = [await sqlite.queries.overview(window), await postgres.queries.overview(window)];
      assert.deepEqual(canonical(pg), canonical(lite));
      assert.deepEqual(canonical(await postgres.queries.privacy(window)), canonical(await sqlite.queries.privacy(window)));
      assert.deepEqual(canonical(await postgres.queries.routing(window)), canonical(await sqlite.queries.routing(window)));
    });
  }

  it('gives the same last audit records, newest first, without content', async () => {
    const [lite, pg] = [await sqlite.queries.recentAudit(4), await postgres.queries.recentAudit(4)];
    assert.deepEqual(pg, lite);
    assert.deepEqual(
      pg.map((r) => r.seq),
      [9, 8, 7, 6],
    );
    for (const r of pg) assert.equal('content' in r.event, false);
    assert.equal(pg[0]?.event.requestId, 'r9');
  });
});

describe('DashboardQueries on PostgreSQL: the figures', () => {
  it('counts requests, errors, tokens and cost per bucket, in the window only', async () => {
    const o = await postgres.queries.overview(WINDOW);
    assert.deepEqual(
      o.series.map((p) => [p.t, p.requests, p.errors, p.inputTokens, p.outputTokens]),
      [
        [SINCE, 1, 0, 100, 20],
        [SINCE + HOUR, 1, 0, 100, 20],
        [SINCE + 2 * HOUR, 2, 0, 200, 40],
        [SINCE + 3 * HOUR, 4, 3, 10, 5],
      ],
    );
    assert.deepEqual(o.totals, { requests: 8, errors: 3, inputTokens: 410, outputTokens: 85, costUsd: 0.5 });
    assert.deepEqual(o.byLocality, { lan: 3, cloud: 3, device: 1 });
    assert.deepEqual(o.localTokensByRoute, [
      { route: 'default', requests: 3, inputTokens: 300, outputTokens: 60 },
      { route: 'fast', requests: 1, inputTokens: 10, outputTokens: 5 },
    ]);
    assert.deepEqual(o.latencyMs, { p50: 200, p95: 400 });
    assert.deepEqual(o.ttftMs, { p50: 40, p95: 60 });
    assert.deepEqual(o.errorsByCode, [
      { code: 'http_502', count: 2 },
      { code: 'policy_denied', count: 1 },
    ]);
  });

  it('narrows the overview to one key (null: the master key)', async () => {
    const own = await postgres.queries.overview({ ...WINDOW, keyId: alice.keyId });
    assert.deepEqual(own.totals, { requests: 2, errors: 1, inputTokens: 100, outputTokens: 20, costUsd: 0 });
    assert.deepEqual(own.byLocality, { lan: 1, cloud: 1 });
    assert.deepEqual(own.ttftMs, { p50: null, p95: null });
    const master = await postgres.queries.overview({ ...WINDOW, keyId: null });
    assert.equal(master.totals.requests, 5);
    assert.deepEqual(master.ttftMs, { p50: 40, p95: 60 });
    const nobody = await postgres.queries.overview({ ...WINDOW, keyId: 'cccccccccccc' });
    assert.deepEqual(nobody.totals, { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    assert.deepEqual(nobody.latencyMs, { p50: null, p95: null });
  });

  it('counts privacy findings by type and action, injections by source, blocked requests', async () => {
    const p = await postgres.queries.privacy(WINDOW);
    assert.deepEqual(p.findings, [
      { type: 'EMAIL', action: 'redact', count: 3 },
      { type: 'IBAN', action: 'pseudonymize', count: 1 },
      { type: 'PHONE', action: 'redact', count: 1 },
    ]);
    assert.deepEqual(p.seriesByType, [
      { type: 'EMAIL', counts: [0, 0, 3, 0] },
      { type: 'IBAN', counts: [0, 0, 0, 1] },
      { type: 'PHONE', counts: [0, 0, 1, 0] },
    ]);
    assert.deepEqual(p.injections, [
      { source: 'user', count: 3 },
      { source: 'document', count: 2 },
      { source: 'tool', count: 1 },
    ]);
    assert.equal(p.blocked, 1);
    assert.equal(p.requests, 8);
    assert.deepEqual(
      p.series.map((s) => [s.findings, s.injections, s.blocked]),
      [
        [0, 0, 0],
        [0, 0, 0],
        [4, 0, 0],
        [1, 4, 1],
      ],
    );
  });

  it('groups audited requests by rule and target, most first', async () => {
    const r = await postgres.queries.routing(WINDOW);
    // A request the route chose for but a policy refused counts under its rule, with no target.
    assert.deepEqual(
      r.decisions.map((d) => [d.route, d.provider, d.locality, d.requests, d.errors]),
      [
        ['default', 'office', 'lan', 3, 0],
        ['default', 'cloud', 'cloud', 2, 2],
        [null, 'cloud', 'cloud', 1, 0],
        ['default', null, null, 1, 1],
        ['fast', 'engine', 'device', 1, 0],
      ],
    );
  });
});
