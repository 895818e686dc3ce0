import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshPgDatabase } from '../../test/helpers/pg-database.js';
import { createAuditLog } from '../audit/audit-log.js';
import { createBudgetLedger } from '../auth/budget-ledger.js';
import { createKeyStore } from '../auth/key-store.js';
import { createTeamStore } from '../auth/team-store.js';
import { FlambeauError } from '../errors/index.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import type { SqlClient } from './sql.js';
import { migratePg, openPgClient } from './store.js';

/**
 * Several gateway instances on one PostgreSQL, each with its own pool (as on separate hosts):
 * migrations applied once whatever the number starting together, a budget never overspent, one
 * audit chain.
 */
describe('PostgreSQL store shared by several instances', () => {
  let database: Awaited<ReturnType<typeof freshPgDatabase>>;
  let pools: SqlClient[] = [];
  before(async () => {
    database = await freshPgDatabase('flambeau_concurrency');
  });
  after(async () => {
    await Promise.allSettled(pools.map((p) => p.close()));
    await database.drop();
  });

  it('applies the migrations once when several instances start at once', async () => {
    pools = Array.from({ length: 4 }, () => openPgClient(database.url));
    await Promise.all([...pools, openPgClient(database.url)].map(async (sql, i) => (i < 4 ? migratePg(sql) : migratePg(sql).finally(() => sql.close()))));
    const applied = await (pools[0] as SqlClient).all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    assert.deepEqual(
      applied.map((r) => r.id),
      PG_MIGRATIONS.map((m) => m.id),
    );
  });

  it('grants 200 holds from 4 instances against one budget without ever exceeding it', async () => {
    const [first] = pools as [SqlClient];
    const keys = createKeyStore({ sql: first, teams: createTeamStore(first), masterKey: null });
    const { token } = await keys.create({ name: 'shared', team: 'research', budget: { usd: 1, period: 'day' } });
    await createTeamStore(first).upsert({ id: 'research', budget: { usd: 0.9, period: 'day' } });
    const principal = await createKeyStore({ sql: first, teams: createTeamStore(first), masterKey: null }).authenticate(`Bearer ${token}`);
    const ledgers = pools.map((sql) => createBudgetLedger({ sql }));
    let granted = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const ledger = ledgers[i % ledgers.length] as (typeof ledgers)[number];
        await sleep(i % 5);
        try {
          const hold = await ledger.reserve(principal, { maxCostUsd: 0.01 });
          granted++;
          await sleep(i % 3); // the upstream call
          await ledger.settle(hold, 0.01);
        } catch (error) {
          assert.ok(error instanceof FlambeauError && error.code === 'budget_exhausted', String(error));
          refused++;
        }
      }),
    );
    // The team's 0.90 binds first: exactly 90 holds of 0.01 fit, whichever instance asked.
    assert.deepEqual([granted, refused], [90, 110]);
    const use = await (ledgers[0] as (typeof ledgers)[number]).use({ team: 'research' }, 'day');
    assert.equal(use.spentUsd, 0.9);
    assert.equal(use.reservedUsd, 0);
  });

  it('serialises 120 concurrent audit appends from 4 instances into one chain that verifies', async () => {
    const logs = pools.map((sql) => createAuditLog({ sql }));
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        (logs[i % logs.length] as (typeof logs)[number]).append({
          type: 'admin',
          actor: { kind: 'master', keyId: null, team: null },
          action: 'key.created',
          target: { keyId: `k${i}` },
          details: {},
        }),
      ),
    );
    const result = await (logs[1] as (typeof logs)[number]).verify();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.count, 120);
    const seqs = await (pools[2] as SqlClient).all<{ seq: number }>('SELECT seq FROM audit_log ORDER BY seq');
    assert.deepEqual(
      seqs.map((r) => r.seq),
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
  });
});
