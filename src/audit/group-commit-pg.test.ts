import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshPgDatabase } from '../../test/helpers/pg-database.js';
import { createBudgetLedger, type Reservation } from '../auth/budget-ledger.js';
import { createKeyStore } from '../auth/key-store.js';
import type { KeyPrincipal } from '../auth/principal.js';
import { createTeamStore } from '../auth/team-store.js';
import { FlambeauError } from '../errors/index.js';
import type { SqlClient } from '../store/sql.js';
import { migratePg, openPgClient } from '../store/store.js';
import { createRequestLog } from '../usage/request-log.js';
import { createUsageLog } from '../usage/usage-log.js';
import { createAuditLog } from './audit-log.js';
import { createRequestRecorder, type RequestOutcome } from './request-outcome.js';

/**
 * The group commits (budget holds, request outcomes) on PostgreSQL, from several instances at
 * once: holds of several keys sharing a team never overspend nor deadlock, and outcomes written
 * in groups form one chain with one usage row each, a failing one undone alone.
 */
describe('group commits on PostgreSQL shared by several instances', () => {
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;
  let pools: SqlClient[] = [];
  let principals: KeyPrincipal[] = [];
  before(async () => {
    database = await freshPgDatabase('flambeau_group');
    pools = Array.from({ length: 3 }, () => openPgClient(database.url));
    await migratePg(pools[0] as SqlClient);
    const sql = pools[0] as SqlClient;
    const teams = createTeamStore(sql);
    await teams.upsert({ id: 'research', budget: { usd: 0.5, period: 'day' } });
    const keys = createKeyStore({ sql, teams, masterKey: null });
    for (const name of ['k1', 'k2', 'k3']) {
      const { token } = await keys.create({ name, team: 'research', budget: { usd: 0.2, period: 'day' } });
      principals.push(await keys.authenticate(`Bearer ${token}`));
    }
  });
  after(async () => {
    await Promise.allSettled(pools.map((p) => p.close()));
    await database.drop();
  });

  it('holds of three keys and their team from three instances: exactly what the budgets allow', async () => {
    const ledgers = pools.map((sql) => createBudgetLedger({ sql }));
    const held: Reservation[] = [];
    let refused = 0;
    // Asked in bursts (same tick: one group per instance), keys in every order.
    await Promise.all(
      Array.from({ length: 90 }, async (_, i) => {
        await sleep(i % 4);
        try {
          held.push(await (ledgers[i % 3] as (typeof ledgers)[number]).reserve(principals[(i * 7) % 3] as KeyPrincipal, { maxCostUsd: 0.01 }));
        } catch (error) {
          assert.ok(error instanceof FlambeauError && error.code === 'budget_exhausted', String(error));
          refused++;
        }
      }),
    );
    // Each key fits 20 holds of 0.01, the team 50: the team binds.
    assert.deepEqual([held.length, refused], [50, 40]);
    const use = await (ledgers[0] as (typeof ledgers)[number]).use({ team: 'research' }, 'day');
    assert.equal(use.reservedUsd, 0.5);
    for (const p of principals) assert.ok((await (ledgers[0] as (typeof ledgers)[number]).use({ keyId: p.keyId as string }, 'day')).reservedUsd <= 0.2);
    await Promise.all(held.map((r, i) => (ledgers[i % 3] as (typeof ledgers)[number]).release(r)));
  });

  it('writes outcomes in groups from three instances: one chain, one usage row each, a failing outcome undone alone', async () => {
    const recorders = pools.map((sql) =>
      createRequestRecorder({
        usage: createUsageLog(sql),
        audit: createAuditLog({ sql }),
        ledger: createBudgetLedger({ sql }),
        requestLog: createRequestLog(sql),
      }),
    );
    const ledger = createBudgetLedger({ sql: pools[0] as SqlClient });
    const outcome = (requestId: string, principal: KeyPrincipal): RequestOutcome => ({
      requestId,
      startedAt: Date.now(),
      principal,
      endpoint: 'chat',
      model: 'm',
      modelKnown: true,
      route: null,
      provider: 'p',
      upstreamModel: 'u',
      locality: 'cloud',
      privacy: null,
      status: 200,
      errorCode: null,
      usage: { inputTokens: 1, outputTokens: 1, estimated: false },
      costUsd: 0.001,
      latencyMs: 1,
      log: { ttftMs: null, streamed: false },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, async (_, i) => {
        const principal = principals[i % 3] as KeyPrincipal;
        const reservation = await ledger.reserve(principal, { maxCostUsd: 0.001 });
        await sleep(i % 3);
        // Every tenth carries a token count PostgreSQL refuses (not an integer): its usage row fails after its audit record.
        const given = outcome(`o${i}`, principal);
        if (i % 10 === 9) given.usage = { inputTokens: 1.5, outputTokens: 1, estimated: false };
        return (recorders[i % 3] as (typeof recorders)[number]).recordRequestOutcome(given, { reservation });
      }),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    assert.deepEqual(failed, [9, 19, 29, 39, 49, 59]);
    const sql = pools[1] as SqlClient;
    const usageIds = (await sql.all<{ request_id: string }>('SELECT request_id FROM usage_log')).map((r) => r.request_id);
    assert.equal(usageIds.length + failed.length, 60);
    for (const i of failed) assert.ok(!usageIds.includes(`o${i}`));
    const verdict = await createAuditLog({ sql }).verify();
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
    assert.equal(verdict.count, usageIds.length);
  });
});
