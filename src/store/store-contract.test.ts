import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { freshPgDatabase } from '../../test/helpers/pg-database.js';
import { createAuditLog } from '../audit/audit-log.js';
import { createRequestRecorder } from '../audit/request-outcome.js';
import { createBudgetLedger } from '../auth/budget-ledger.js';
import { createKeyStore } from '../auth/key-store.js';
import { MASTER_PRINCIPAL } from '../auth/principal.js';
import { createTeamStore } from '../auth/team-store.js';
import { createEvalStore } from '../eval/eval-store.js';
import { FlambeauError } from '../errors/index.js';
import { createVersionRegistry } from '../models/versions/version-registry.js';
import { createResponseStore } from '../responses/response-store.js';
import { createShadowStore, type ShadowComparison } from '../shadow/shadow-store.js';
import { createRequestLog, type RequestRecord } from '../usage/request-log.js';
import { createUsageLog } from '../usage/usage-log.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import type { SqlClient } from './sql.js';
import { migratePg, openPgClient, openStore } from './store.js';

/** One store implementation under test: `open` gives an empty, migrated store; `close` ends it. */
interface StoreUnderTest {
  name: string;
  setUp(): Promise<void>;
  open(): Promise<SqlClient>;
  close(sql: SqlClient): Promise<void>;
  tearDown(): Promise<void>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 15, 12);
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function requestRecord(id: string, startedAt: number): RequestRecord {
  return {
    id,
    startedAt,
    endpoint: 'chat',
    model: 'gpt-small',
    provider: 'cloud',
    upstreamModel: 'gpt-4.1-mini',
    locality: 'cloud',
    status: 200,
    errorCode: null,
    inputTokens: 10,
    outputTokens: 5,
    tokensEstimated: true,
    latencyMs: 12.5,
    ttftMs: 3.25,
    streamed: true,
    privacyAction: 'pseudonymize',
    privacyFindings: { EMAIL: 2 },
    injection: [{ source: 'user', score: 0.9, signals: ['override'] }],
  };
}

function comparison(createdAt: number, rule: string, cost: number): ShadowComparison {
  return {
    createdAt,
    rule,
    route: 'auto',
    localModel: 'local',
    referenceModel: 'cloud',
    servedModel: 'local',
    outcome: 'agree',
    agreement: 0.75,
    method: 'text',
    judgeVerdict: null,
    judgeReason: null,
    localAsGood: true,
    localLatencyMs: 10,
    referenceLatencyMs: 20.5,
    localCostUsd: null,
    referenceCostUsd: 0.002,
    shadowCostUsd: cost,
    errorCode: null,
    features: { version: 1, hashBits: 12, kind: 'open', indices: [1, 7], values: [0.5, 0.25] },
    localText: null,
    referenceText: null,
  };
}

/** Every repository of the store, against one implementation: the same calls, the same answers. */
function describeStoreContract(subject: StoreUnderTest): void {
  describe(`store contract: ${subject.name}`, () => {
    let sql: SqlClient;
    let now: number;
    const clock = () => now;
    before(() => subject.setUp());
    after(() => subject.tearDown());
    beforeEach(async () => {
      now = T0;
      sql = await subject.open();
    });
    afterEach(() => subject.close(sql));

    it('keeps keys and teams: create, authenticate, list, revoke', async () => {
      const teams = createTeamStore(sql, clock);
      const keys = createKeyStore({ sql, teams, masterKey: { reveal: () => 'flm-master-0123456789' }, clock });
      assert.deepEqual((await teams.upsert({ id: 'research', budget: { usd: 10, period: 'week' }, rpm: 60 })).created, true);
      const { token, record } = await keys.create({ name: 'bot', team: 'research', budget: { usd: 2.5, period: 'month' }, tpm: 1000 });
      const principal = await keys.authenticate(`Bearer ${token}`);
      assert.equal(principal.keyId, record.id);
      assert.deepEqual(principal.team, { id: 'research', budget: { usd: 10, period: 'week' }, limits: { rpm: 60, tpm: null } });
      assert.deepEqual(principal.budget, { usd: 2.5, period: 'month' });
      assert.equal((await keys.get(record.id)).lastUsedAt, T0);
      now += 1;
      await keys.create({ name: 'second', team: 'ops' }); // names a team that did not exist
      assert.deepEqual(
        (await teams.list()).map((t) => t.id),
        ['ops', 'research'],
      );
      assert.deepEqual(
        (await keys.list()).map((k) => k.name),
        ['bot', 'second'],
      );
      assert.equal((await keys.revoke(record.id)).changed, true);
      assert.equal((await keys.revoke(record.id)).changed, false);
      await assert.rejects(() => keys.authenticate(`Bearer ${token}`), /revoked/);
      await assert.rejects(
        () => keys.get('nope'),
        (e: unknown) => e instanceof FlambeauError && e.code === 'not_found',
      );
      assert.equal(await teams.get('nobody'), null);
    });

    it('creates one team from concurrent upserts of a new name: one creation, the rest updates', async () => {
      const teams = createTeamStore(sql, clock);
      for (let round = 0; round < 10; round++) {
        const id = `racers-${round}`;
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => teams.upsert({ id, rpm: 10 + i })));
        assert.equal(results.filter((r) => r.created).length, 1, id);
        const final = (await teams.get(id))?.limits.rpm;
        assert.ok(
          results.some((r) => r.team.limits.rpm === final),
          'the row holds one of the writes, whole',
        );
      }
      assert.equal((await teams.list()).length, 10);
    });

    it('answers a unique violation as 409 conflict, naming the constraint and not the value', async () => {
      await sql.run('INSERT INTO teams (id, created_at, updated_at) VALUES (?, ?, ?)', ['dup-secretish', T0, T0]);
      await assert.rejects(
        () => sql.run('INSERT INTO teams (id, created_at, updated_at) VALUES (?, ?, ?)', ['dup-secretish', T0, T0]),
        (e: unknown) =>
          e instanceof FlambeauError &&
          e.code === 'conflict' &&
          e.status === 409 &&
          !e.message.includes('dup-secretish') &&
          /teams/.test(String(e.details.constraint)),
      );
      await assert.rejects(
        () => sql.transaction((tx) => tx.run('INSERT INTO teams (id, created_at, updated_at) VALUES (?, ?, ?)', ['dup-secretish', T0, T0])),
        (e: unknown) => e instanceof FlambeauError && e.code === 'conflict',
      );
      // An insert that returns its row is run as a query: the same answer.
      const returning = 'INSERT INTO teams (id, created_at, updated_at) VALUES (?, ?, ?) RETURNING id';
      for (const read of [() => sql.get(returning, ['dup-secretish', T0, T0]), () => sql.all(returning, ['dup-secretish', T0, T0])])
        await assert.rejects(read, (e: unknown) => e instanceof FlambeauError && e.code === 'conflict' && !e.message.includes('dup-secretish'));
    });

    it('holds, settles and releases budgets, and refuses what does not fit', async () => {
      const keys = createKeyStore({ sql, teams: createTeamStore(sql, clock), masterKey: null, clock });
      const { token } = await keys.create({ name: 'spender', budget: { usd: 1, period: 'day' } });
      const principal = await keys.authenticate(`Bearer ${token}`);
      const ledger = createBudgetLedger({ sql, clock });
      const a = await ledger.reserve(principal, { maxCostUsd: 0.6 });
      await assert.rejects(
        () => ledger.reserve(principal, { maxCostUsd: 0.5 }),
        (e: unknown) => e instanceof FlambeauError && e.code === 'budget_exhausted',
      );
      await ledger.settle(a, 0.25);
      await ledger.settle(a, 0.25); // idempotent
      const b = await ledger.reserve(principal, { maxCostUsd: 0.5 });
      assert.deepEqual(await ledger.use({ keyId: principal.keyId as string }, 'day'), {
        period: 'day',
        periodStart: Date.UTC(2026, 10, 15),
        resetsAt: Date.UTC(2026, 10, 16),
        spentUsd: 0.25,
        reservedUsd: 0.5,
      });
      await ledger.release(b);
      assert.equal((await ledger.use({ keyId: principal.keyId as string }, 'day')).reservedUsd, 0);
      const free = await ledger.reserve(MASTER_PRINCIPAL, { maxCostUsd: 5 });
      assert.equal(free.id, null);
    });

    it('records usage, the audit chain and the request log in one transaction, and verifies', async () => {
      const usage = createUsageLog(sql);
      const audit = createAuditLog({ sql, clock });
      const requestLog = createRequestLog(sql);
      const recorder = createRequestRecorder({ usage, audit, requestLog, clock });
      for (const [i, day] of [0, 0, 1].entries()) {
        await recorder.recordRequestOutcome({
          requestId: `r${i}`,
          startedAt: T0 + day * DAY,
          principal: MASTER_PRINCIPAL,
          endpoint: 'chat',
          model: 'gpt-small',
          modelKnown: true,
          route: null,
          provider: 'cloud',
          upstreamModel: 'gpt-4.1-mini',
          locality: 'cloud',
          privacy: null,
          status: i === 1 ? 502 : 200,
          errorCode: i === 1 ? 'upstream_failed' : null,
          usage: { inputTokens: 100, outputTokens: 20, estimated: i === 2 },
          costUsd: 0.001,
          latencyMs: 5,
          log: { ttftMs: 2, streamed: false },
        });
      }
      const byDay = await usage.summarize({ by: 'day' });
      assert.deepEqual(
        byDay.rows.map((r) => [r.group, r.requests, r.errors, r.inputTokens, r.estimated, r.costUsd]),
        [
          ['2026-11-15', 2, 1, 200, 0, 0.002],
          ['2026-11-16', 1, 0, 100, 1, 0.001],
        ],
      );
      assert.equal((await usage.summarize({ by: 'key' })).rows[0]?.group, 'master');
      assert.equal((await usage.forRequest('r1'))[0]?.errorCode, 'upstream_failed');
      assert.deepEqual(
        (await requestLog.recent(10)).map((r) => r.id),
        ['r2', 'r1', 'r0'],
      );
      const head = await audit.head();
      assert.equal(head?.seq, 3);
      assert.deepEqual(await audit.verify(), { ok: true, count: 3, head });
      const lines: string[] = [];
      for await (const line of audit.exportLines({ since: T0 })) lines.push(line);
      assert.equal(lines.length, 3);
      // A transaction that fails leaves nothing: the audit record and usage row roll back together.
      await assert.rejects(() =>
        audit.atomically(async (tx) => {
          await audit.append({ type: 'admin', actor: { kind: 'master', keyId: null, team: null }, action: 'key.revoked', target: {}, details: {} }, now, tx);
          throw new Error('boom');
        }),
      );
      assert.equal((await audit.head())?.seq, 3);
    });

    it('keeps the request log rows it batches, read back as written', async () => {
      const requestLog = createRequestLog(sql, { flushMs: 60_000 });
      requestLog.append(requestRecord('a', T0));
      requestLog.append(requestRecord('b', T0 + 1));
      assert.deepEqual(await requestLog.recent(5), [requestRecord('b', T0 + 1), requestRecord('a', T0)]);
    });

    it('keeps model versions and pointers: add, promote, canary, rollback, live, remove', async () => {
      const versions = createVersionRegistry(sql, clock);
      assert.equal((await versions.add('chat', SHA_A)).version, 1);
      assert.equal((await versions.add('chat', SHA_B, { context: 2048 })).version, 2);
      await versions.promote('chat', 2, { canaryPercent: 25 });
      const live = await versions.live();
      assert.deepEqual(live.get('chat')?.pointer, { name: 'chat', current: 1, previous: null, canary: 2, canaryPercent: 25, updatedAt: T0 });
      assert.deepEqual(
        live.get('chat')?.versions.map((v) => [v.version, v.settings]),
        [
          [1, {}],
          [2, { context: 2048 }],
        ],
      );
      assert.equal((await versions.pick('chat', 3))?.version, 2);
      assert.equal((await versions.rollback('chat')).canary, null);
      assert.equal((await versions.promote('chat', 2)).current, 2);
      assert.deepEqual(await versions.usersOf(SHA_B), ['chat']);
      await versions.removeName('chat');
      assert.deepEqual(await versions.names(), []);
    });

    it('keeps stored responses per key, within their retention', async () => {
      const responses = createResponseStore(sql, { retentionDays: 1 });
      await responses.save({ id: 'resp_1', keyId: 'k1', createdAt: T0, inputItems: [{ role: 'user', content: 'hi' }], response: { id: 'resp_1' } }, T0);
      assert.deepEqual((await responses.find('resp_1', 'k1', T0 + 1))?.inputItems, [{ role: 'user', content: 'hi' }]);
      assert.equal(await responses.find('resp_1', 'k2', T0 + 1), undefined);
      assert.equal(await responses.find('resp_1', 'k1', T0 + DAY), undefined);
      assert.equal(await responses.delete('resp_1', 'k1'), true);
    });

    it('keeps eval runs with their results, latest first', async () => {
      const evals = createEvalStore(sql);
      const result = {
        caseId: 'c1',
        model: 'm1',
        tags: ['t'],
        grader: 'equals',
        pass: true,
        score: null,
        reason: 'equal',
        errorCode: null,
        latencyMs: 12.5,
        inputTokens: 3,
        outputTokens: 4,
        costUsd: 0.0001,
        requestId: 'req1',
        judgeRequestId: null,
        judgeCostUsd: null,
        route: null,
        answer: null,
      };
      for (const [i, id] of ['ev_a', 'ev_b'].entries())
        await evals.save({
          id,
          kind: 'eval',
          source: 'builtin:smoke',
          suiteSha256: null,
          models: ['m1'],
          judge: null,
          startedAt: T0 + i,
          finishedAt: T0 + i + 5,
          cases: 1,
          includeContent: false,
          results: [result],
        });
      const list = await evals.list({ limit: 10 });
      assert.deepEqual(
        list.map((r) => [r.id, r.perModel]),
        [
          ['ev_b', [{ model: 'm1', cases: 1, passed: 1 }]],
          ['ev_a', [{ model: 'm1', cases: 1, passed: 1 }]],
        ],
      );
      assert.deepEqual((await evals.get('ev_a'))?.results, [result]);
      assert.equal(await evals.get('nope'), null);
    });

    it('keeps shadow comparisons and what each rule spent', async () => {
      const shadow = createShadowStore(sql);
      await shadow.insert(comparison(T0, 'r1', 0.01));
      await shadow.insert(comparison(T0 + 1, 'r1', 0.02));
      await shadow.insert(comparison(T0 + 2, 'r2', 0.5));
      assert.equal(await shadow.spentSince('r1', T0), 0.03);
      assert.deepEqual(await shadow.list(T0 + 1), [comparison(T0 + 1, 'r1', 0.02), comparison(T0 + 2, 'r2', 0.5)]);
    });

    it('answers 503 store_unavailable once the store is closed', async () => {
      const keys = createKeyStore({ sql, teams: createTeamStore(sql), masterKey: null });
      const { token } = await keys.create({ name: 'a' });
      await subject.close(sql);
      const fresh = createKeyStore({ sql, teams: createTeamStore(sql), masterKey: null });
      await assert.rejects(
        () => fresh.authenticate(`Bearer ${token}`),
        (e: unknown) => e instanceof FlambeauError && e.code === 'store_unavailable' && e.status === 503,
      );
      sql = await subject.open(); // afterEach closes this one
    });
  });
}

let home = '';
describeStoreContract({
  name: 'SQLite',
  setUp: async () => {
    home = mkdtempSync(join(tmpdir(), 'flambeau-contract-'));
  },
  open: async () => openStore(join(home, `${Math.random().toString(36).slice(2)}.db`)).sql,
  close: (sql) => sql.close(),
  tearDown: async () => rmSync(home, { recursive: true, force: true }),
});

let database: Awaited<ReturnType<typeof freshPgDatabase>> | undefined;
describeStoreContract({
  name: 'PostgreSQL',
  setUp: async () => {
    database = await freshPgDatabase('flambeau_contract');
  },
  async open() {
    const sql = openPgClient((database as { url: string }).url);
    await migratePg(sql);
    // Empty tables for each case, as a new SQLite file is.
    await sql.run(
      'TRUNCATE request_log, teams, api_keys, budget_spend, budget_reservations, usage_log, audit_log, model_versions, model_pointers, stored_responses, eval_runs, eval_results, shadow_comparisons RESTART IDENTITY CASCADE',
    );
    return sql;
  },
  close: (sql) => sql.close().catch(() => undefined),
  tearDown: async () => database?.drop(),
});

describe('PostgreSQL migrations', () => {
  it('are numbered from 1 without gaps', () => {
    assert.deepEqual(
      PG_MIGRATIONS.map((m) => m.id),
      PG_MIGRATIONS.map((_, i) => i + 1),
    );
  });
});
