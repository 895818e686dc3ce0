import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import { openStore, type Store } from '../store/store.js';
import type { CheckpointedClient } from '../store/wal-checkpointer.js';
import { createBudgetLedger, type BudgetLedger, type Reservation } from './budget-ledger.js';
import { periodBounds } from './budget-period.js';
import { costUsd, worstCaseCostUsd } from './price.js';
import { MASTER_PRINCIPAL, type Budget, type KeyPrincipal } from './principal.js';
import { codeOf } from './__fixtures__/code-of.js';

function principal(keyId: string, budget: Budget | null, team?: { id: string; budget: Budget | null }): KeyPrincipal {
  return { ...MASTER_PRINCIPAL, kind: 'key', keyId, name: keyId, budget, team: team === undefined ? null : { ...team, limits: { rpm: null, tpm: null } } };
}

describe('prices', () => {
  it('prices usage per million tokens; no price is free', async () => {
    const price = { inputPerMTok: 2, outputPerMTok: 8 };
    assert.equal(costUsd(price, { inputTokens: 1_000_000, outputTokens: 500_000 }), 6);
    assert.equal(costUsd(price, { inputTokens: 1000, outputTokens: null }), 0.002);
    assert.equal(costUsd(null, { inputTokens: 1e9, outputTokens: 1e9 }), 0);
    assert.equal(worstCaseCostUsd(price, 1000, 4096), (1000 * 2 + 4096 * 8) / 1e6);
  });

  it('rolls periods over by calendar (UTC)', async () => {
    const at = Date.UTC(2026, 10, 19, 15, 30); // a Thursday
    assert.deepEqual(periodBounds('day', at), { start: Date.UTC(2026, 10, 19), end: Date.UTC(2026, 10, 20) });
    assert.deepEqual(periodBounds('week', at), { start: Date.UTC(2026, 10, 16), end: Date.UTC(2026, 10, 23) });
    assert.deepEqual(periodBounds('month', Date.UTC(2026, 11, 31, 23)), { start: Date.UTC(2026, 11, 1), end: Date.UTC(2027, 0, 1) });
    assert.deepEqual(periodBounds('total', at), { start: 0, end: null });
  });
});

describe('budget ledger', () => {
  let dir: string;
  let store: Store;
  let now: number;
  let ledger: BudgetLedger;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-budget-'));
    store = openStore(join(dir, 'flambeau.db'));
    now = Date.UTC(2026, 10, 15, 12);
    ledger = createBudgetLedger({ sql: store.sql, clock: () => now, reservationTtlMs: 60_000 });
  });
  afterEach(async () => {
    if (store.db.open) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('grants exactly 10 of 50 concurrent calls against a budget for 10, and never overspends', async () => {
    const key = principal('key-a', { usd: 1, period: 'month' });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await sleep(i % 3); // interleave the calls
        let reservation: Reservation;
        try {
          reservation = await ledger.reserve(key, { maxCostUsd: 0.1 });
        } catch (error) {
          assert.ok(error instanceof FlambeauError);
          assert.equal(error.code, 'budget_exhausted');
          assert.equal(error.status, 402);
          return 'refused';
        }
        await sleep(5); // the upstream call
        await ledger.settle(reservation, 0.1);
        return 'granted';
      }),
    );
    assert.equal(outcomes.filter((o) => o === 'granted').length, 10);
    assert.equal((await ledger.use({ keyId: 'key-a' }, 'month')).spentUsd, 1);
    assert.equal((await ledger.use({ keyId: 'key-a' }, 'month')).reservedUsd, 0);
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.000001 })), 'budget_exhausted');
  });

  it('writes holds asked for together in one transaction, each checked after those before it', async () => {
    const team = { id: 'research', budget: { usd: 1, period: 'month' } as Budget };
    const a = principal('a', { usd: 0.5, period: 'month' }, team);
    const b = principal('b', null, team);
    // The SQLite client counts its commits (what the WAL checkpointer watches).
    const client = store.sql as typeof store.sql & CheckpointedClient;
    const before = client.writes();
    // Key a holds 0.5 at most, the team 1: a's third and b's third are refused, in order.
    const asks = [a, b, a, b, a, b].map((p) => codeOf(() => ledger.reserve(p, { maxCostUsd: 0.25 })));
    assert.deepEqual(await Promise.all(asks), ['ok', 'ok', 'ok', 'ok', 'budget_exhausted', 'budget_exhausted']);
    assert.equal(client.writes() - before, 1, 'one transaction for the six');
    assert.equal((await ledger.use({ team: 'research' }, 'month')).reservedUsd, 1);
    assert.equal((await ledger.use({ keyId: 'a' }, 'month')).reservedUsd, 0.5);
  });

  it('grants exactly 10 of 50 across two processes sharing the file', async () => {
    const key = principal('key-x', { usd: 1, period: 'day' });
    const child = fileURLToPath(new URL('./__fixtures__/reserve-child.ts', import.meta.url));
    const procs = [0, 1].map(() =>
      spawn(process.execPath, ['--import', 'tsx', child, join(dir, 'flambeau.db'), JSON.stringify(key), '25', '0.1'], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const outputs = procs.map((p) => {
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      const ready = new Promise<void>((resolve) => {
        const poll = () => (text.includes('ready\n') ? resolve() : p.stdout.once('data', poll));
        poll();
      });
      const done = new Promise<string>((resolve, reject) =>
        p.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exited with ${code}`)))),
      );
      return { ready, done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const p of procs) p.stdin.end('go\n');
    const results = (await Promise.all(outputs.map((o) => o.done))).map(
      (text) => JSON.parse(text.trim().split('\n').at(-1) as string) as { granted: number; refused: number },
    );
    assert.equal(
      results.reduce((sum, r) => sum + r.granted, 0),
      10,
    );
    assert.equal(
      results.reduce((sum, r) => sum + r.refused, 0),
      40,
    );
    const held = new Database(join(dir, 'flambeau.db')).prepare('SELECT SUM(amount_nusd) AS n FROM budget_reservations').get() as { n: number };
    assert.equal(held.n, 1e9);
  });

  it('applies the team budget across its keys, and the key budget on its own', async () => {
    const team = { id: 'research', budget: { usd: 1, period: 'month' } as Budget };
    const a = principal('a', null, team);
    const b = principal('b', { usd: 0.3, period: 'month' }, team);
    await ledger.settle(await ledger.reserve(a, { maxCostUsd: 0.5 }), 0.5);
    assert.equal(await codeOf(() => ledger.reserve(b, { maxCostUsd: 0.4 })), 'budget_exhausted'); // key: 0.4 > 0.3
    await ledger.settle(await ledger.reserve(b, { maxCostUsd: 0.3 }), 0.3);
    let refusal: FlambeauError | undefined;
    try {
      await ledger.reserve(a, { maxCostUsd: 0.3 }); // team: 0.8 spent + 0.3 > 1
    } catch (error) {
      refusal = error as FlambeauError;
    }
    assert.equal(refusal?.code, 'budget_exhausted');
    assert.equal(refusal?.details.scope, 'team');
    assert.equal(refusal?.details.spentUsd, 0.8);
    assert.equal(refusal?.details.resetsAt, '2026-12-01T00:00:00.000Z');
    assert.equal((await ledger.use({ team: 'research' }, 'month')).spentUsd, 0.8);
  });

  it('never blocks a free (device-local) call, even with the budget spent', async () => {
    const key = principal('k', { usd: 0.1, period: 'day' });
    await ledger.settle(await ledger.reserve(key, { maxCostUsd: 0.1 }), 0.1);
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.01 })), 'budget_exhausted');
    const free = await ledger.reserve(key, { maxCostUsd: 0 });
    assert.equal(free.id, null);
    await ledger.settle(free, 0);
    assert.equal((await ledger.use({ keyId: 'k' }, 'day')).spentUsd, 0.1);
  });

  it('starts afresh when the calendar period rolls over', async () => {
    const key = principal('k', { usd: 1, period: 'month' });
    await ledger.settle(await ledger.reserve(key, { maxCostUsd: 1 }), 1);
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.5 })), 'budget_exhausted');
    now = Date.UTC(2026, 11, 1, 0, 0, 1);
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.5 })), 'ok');
  });

  it('expires holds left by a crashed process after the TTL', async () => {
    const key = principal('k', { usd: 1, period: 'month' });
    await ledger.reserve(key, { maxCostUsd: 1 }); // never settled: its process "crashed"
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.1 })), 'budget_exhausted');
    now += 60_001;
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.1 })), 'ok');
  });

  it('settles the real cost, releases failed calls, and ignores a second settle', async () => {
    const key = principal('k', { usd: 1, period: 'month' });
    const r1 = await ledger.reserve(key, { maxCostUsd: 0.6 });
    await ledger.settle(r1, 0.05);
    await ledger.settle(r1, 0.05);
    const r2 = await ledger.reserve(key, { maxCostUsd: 0.9 });
    await ledger.release(r2);
    await ledger.settle(r2, 0.9);
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: Number.NaN })), 'internal');
    await ledger.settle(await ledger.reserve(key, { maxCostUsd: 0.1 }), Number.NaN); // unknown cost: charged as held
    await ledger.settle(await ledger.reserve(key, { maxCostUsd: 0.1 }), -0.1);
    assert.deepEqual(await ledger.use({ keyId: 'k' }, 'month'), {
      period: 'month',
      periodStart: Date.UTC(2026, 10, 1),
      resetsAt: Date.UTC(2026, 11, 1),
      spentUsd: 0.15,
      reservedUsd: 0,
    });
  });

  it('settles several holds at once: each hold dropped, each key and the team charged the sum of their costs', async () => {
    const team = { id: 'research', budget: { usd: 10, period: 'month' } as Budget };
    const a = principal('a', { usd: 5, period: 'month' }, team);
    const b = principal('b', null, team);
    const [a1, a2, b1, done] = (await Promise.all([a, a, b, b].map((p) => ledger.reserve(p, { maxCostUsd: 1 })))) as Reservation[];
    await ledger.settle(done as Reservation, 0.5);
    await ledger.settleMany([
      { reservation: a1 as Reservation, actualCostUsd: 0.25 },
      { reservation: a2 as Reservation, actualCostUsd: Number.NaN }, // unknown: charged as held
      { reservation: b1 as Reservation, actualCostUsd: 0.125 },
      { reservation: done as Reservation, actualCostUsd: 9 }, // settled already: ignored
    ]);
    assert.equal((await ledger.use({ keyId: 'a' }, 'month')).spentUsd, 1.25);
    assert.equal((await ledger.use({ keyId: 'b' }, 'month')).spentUsd, 0.625);
    assert.deepEqual(await ledger.use({ team: 'research' }, 'month'), {
      ...(await ledger.use({ team: 'research' }, 'month')),
      spentUsd: 1.875,
      reservedUsd: 0,
    });
    await ledger.settleMany([{ reservation: a1 as Reservation, actualCostUsd: 0.25 }]);
    assert.equal((await ledger.use({ keyId: 'a' }, 'month')).spentUsd, 1.25);
  });

  it('records spend for keys without a budget and never touches the store for the master key', async () => {
    const key = principal('free-spender', null);
    await ledger.settle(await ledger.reserve(key, { maxCostUsd: 5 }), 2.5);
    assert.equal((await ledger.use({ keyId: 'free-spender' }, 'total')).spentUsd, 2.5);
    store.close();
    await ledger.settle(await ledger.reserve(MASTER_PRINCIPAL, { maxCostUsd: 5 }), 2.5);
    assert.equal(await codeOf(() => ledger.reserve(principal('k', { usd: 9, period: 'day' }), { maxCostUsd: 1 })), 'store_unavailable');
  });
});
