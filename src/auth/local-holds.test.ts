import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import { openStore, type Store } from '../store/store.js';
import type { CheckpointedClient } from '../store/wal-checkpointer.js';
import { createBudgetLedger, type BudgetLedger, type Reservation } from './budget-ledger.js';
import { hostIdentity } from '../store/sharing-processes.js';
import { createLocalHolds, type HoldState, type LocalHolds } from './local-holds.js';
import { MASTER_PRINCIPAL, type Budget, type KeyPrincipal } from './principal.js';
import { codeOf } from './__fixtures__/code-of.js';

const TTL = 15 * 60_000;

function principal(keyId: string, budget: Budget | null, team?: { id: string; budget: Budget | null }): KeyPrincipal {
  return { ...MASTER_PRINCIPAL, kind: 'key', keyId, name: keyId, budget, team: team === undefined ? null : { ...team, limits: { rpm: null, tpm: null } } };
}

/** Resolves once `state()` is `want`, polling (the registry's own timers move it). */
async function reach(local: LocalHolds, want: HoldState): Promise<void> {
  while (local.state() !== want) await sleep(5);
}

/** One gateway instance on the shared file: its own connection, registry entry and ledger. */
interface Instance {
  store: Store;
  local: LocalHolds;
  ledger: BudgetLedger;
}

// A hand-over that never completes would otherwise hang the suite (every wait here polls): fail it instead.
describe('budget holds in memory while alone on the SQLite file (decision 0020)', { timeout: 180_000 }, () => {
  let dir: string;
  let path: string;
  const open: Instance[] = [];
  const children: ChildProcess[] = [];

  async function instance(options: { watchMs?: number; handoverTimeoutMs?: number; join?: boolean } = {}): Promise<Instance> {
    const store = openStore(path);
    const local = createLocalHolds({
      db: store.db,
      sql: store.sql,
      reservationTtlMs: TTL,
      watchMs: options.watchMs ?? 10,
      pollMs: 5,
      ...(options.handoverTimeoutMs === undefined ? {} : { handoverTimeoutMs: options.handoverTimeoutMs }),
    });
    if (options.join !== false) await local.join();
    const made = { store, local, ledger: createBudgetLedger({ sql: store.sql, local, reservationTtlMs: TTL }) };
    open.push(made);
    return made;
  }
  /** Rows in budget_reservations, read on a connection of its own. */
  function rows(): { n: number; total: number } {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(amount_nusd), 0) AS total FROM budget_reservations').get() as { n: number; total: number };
    } finally {
      db.close();
    }
  }
  function registryRows(): { pid: number; mode: string }[] {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT pid, mode FROM gateway_instances ORDER BY started_at').all() as { pid: number; mode: string }[];
    } finally {
      db.close();
    }
  }
  function insertRegistrant(pid: number, mode: 'memory' | 'durable', host = hostIdentity()): void {
    const db = new Database(path);
    try {
      db.prepare('INSERT INTO gateway_instances (id, pid, host, started_at, mode) VALUES (?, ?, ?, ?, ?)').run(`gw_test_${pid}`, pid, host, Date.now(), mode);
    } finally {
      db.close();
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-holds-'));
    path = join(dir, 'flambeau.db');
    openStore(path).close(); // migrated once
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const { local, store } of open.splice(0)) {
      await local.leave().catch(() => undefined);
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('alone: grants exactly 10 of 50 concurrent holds against a budget for 10, without a commit or a row', async () => {
    const { store, local, ledger } = await instance();
    assert.equal(local.state(), 'memory');
    const key = principal('key-a', { usd: 1, period: 'month' }, { id: 'research', budget: { usd: 5, period: 'day' } });
    const client = store.sql as typeof store.sql & CheckpointedClient;
    const before = client.writes();
    const held: Reservation[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await sleep(i % 3);
        try {
          held.push(await ledger.reserve(key, { maxCostUsd: 0.1 }));
          return 'granted';
        } catch (error) {
          assert.equal((error as FlambeauError).code, 'budget_exhausted');
          return 'refused';
        }
      }),
    );
    assert.equal(outcomes.filter((o) => o === 'granted').length, 10);
    assert.equal(client.writes() - before, 0, 'no transaction for the holds');
    assert.equal(rows().n, 0, 'no row for the holds');
    assert.equal((await ledger.use({ keyId: 'key-a' }, 'month')).reservedUsd, 1, 'use() counts the holds in memory');
    assert.equal((await ledger.use({ team: 'research' }, 'day')).reservedUsd, 1);
    // Settled at their real cost, released, settled twice: spend is written, holds are gone.
    await ledger.settleMany(held.slice(0, 5).map((reservation) => ({ reservation, actualCostUsd: 0.05 })));
    for (const reservation of held.slice(5, 9)) await ledger.release(reservation);
    await ledger.settle(held[9] as Reservation, 0.1);
    await ledger.settle(held[9] as Reservation, 0.1);
    const use = await ledger.use({ keyId: 'key-a' }, 'month');
    assert.deepEqual([use.spentUsd, use.reservedUsd], [0.35, 0]);
    // The cached spend moved with the settlements: 0.65 is left, so 6 holds of 0.1 and no 7th.
    const again = await Promise.all(Array.from({ length: 7 }, () => codeOf(() => ledger.reserve(key, { maxCostUsd: 0.1 }))));
    assert.deepEqual(again.sort(), ['budget_exhausted', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('alone: a principal object whose budget or team was replaced is checked against the new ones', async () => {
    const { ledger } = await instance();
    const key = principal('k', { usd: 1, period: 'day' });
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.5 })), 'ok');
    key.budget = { usd: 0.6, period: 'day' };
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.2 })), 'budget_exhausted', '0.5 held + 0.2 > 0.6');
    key.budget = { usd: 10, period: 'day' };
    key.team = { id: 'small', budget: { usd: 0.1, period: 'day' }, limits: { rpm: null, tpm: null } };
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.2 })), 'budget_exhausted', "the team's budget applies");
  });

  it('alone: reads the spend again when another connection committed (PRAGMA data_version)', async () => {
    const { ledger, local } = await instance();
    const key = principal('k', { usd: 1, period: 'day' });
    await ledger.settle(await ledger.reserve(key, { maxCostUsd: 0.5 }), 0.25); // caches the spend: 0.25
    const other = new Database(path);
    other
      .prepare(
        'INSERT INTO budget_spend (scope, day, spent_nusd) VALUES (?, ?, ?) ON CONFLICT (scope, day) DO UPDATE SET spent_nusd = spent_nusd + excluded.spent_nusd',
      )
      .run('key:k', Math.floor(Date.now() / 86_400_000) * 86_400_000, 700_000_000);
    other.close();
    // data_version is read once per turn of the event loop: the first hold of the next turn sees the commit.
    await nextTurn();
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.1 })), 'budget_exhausted', '0.95 spent: the outside charge counts');
    assert.equal(await codeOf(() => ledger.reserve(key, { maxCostUsd: 0.05 })), 'ok');
    // A command that writes the file without serving (it does not register) leaves it in memory.
    await sleep(30);
    assert.equal(local.state(), 'memory');
  });

  it('hands over: a newcomer waits until the first has written its holds in flight as rows, and the two never overspend', async () => {
    const a = await instance({ watchMs: 60_000 }); // only its own holds make it look (no timer in this test)
    const key = principal('shared', { usd: 1, period: 'day' });
    const aHeld = [await a.ledger.reserve(key, { maxCostUsd: 0.3 }), await a.ledger.reserve(key, { maxCostUsd: 0.3 })];
    assert.equal(rows().n, 0);
    const b = await instance({ watchMs: 60_000 });
    assert.equal(b.local.state(), 'joining', 'another instance holds in memory');
    // A hold of the newcomer waits; the first notices the newcomer at its first hold of a later
    // turn (data_version) and writes its two holds down first. Of these two holds of 0.3, only one
    // fits (0.6 + 0.3).
    await nextTurn();
    const raced = await Promise.all([codeOf(() => b.ledger.reserve(key, { maxCostUsd: 0.3 })), codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.3 }))]);
    assert.deepEqual(raced.sort(), ['budget_exhausted', 'ok']);
    assert.equal(a.local.state(), 'durable');
    assert.equal(b.local.state(), 'durable');
    assert.deepEqual(rows(), { n: 3, total: 900_000_000 });
    assert.equal(await codeOf(() => b.ledger.reserve(key, { maxCostUsd: 0.1 })), 'ok');
    assert.equal(await codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.01 })), 'budget_exhausted');
    // The holds written down are settled as rows (deleted), charged once.
    await a.ledger.settleMany(aHeld.map((reservation) => ({ reservation, actualCostUsd: 0.1 })));
    assert.deepEqual(rows(), { n: 2, total: 400_000_000 });
    const use = await b.ledger.use({ keyId: 'shared' }, 'day');
    assert.deepEqual([use.spentUsd, use.reservedUsd], [0.2, 0.4]);
  });

  it('hands over under load: holds from both sides while the newcomer joins never exceed the budget', async () => {
    const a = await instance({ watchMs: 10 });
    const key = principal('busy', { usd: 2, period: 'day' }, { id: 'team-x', budget: { usd: 1.5, period: 'day' } });
    let joined: Instance | undefined;
    const asks: Promise<string>[] = [];
    for (let i = 0; i < 40; i++) {
      asks.push(codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.05 })));
      if (i === 10) joined = await instance({ watchMs: 10 });
      if (joined !== undefined) asks.push(codeOf(() => (joined as Instance).ledger.reserve(key, { maxCostUsd: 0.05 })));
      await sleep(1);
    }
    const results = await Promise.all(asks);
    // The team's 1.5 allows 30 holds of 0.05 in all, whichever instance made them.
    assert.equal(results.filter((r) => r === 'ok').length, 30);
    assert.equal(results.filter((r) => r !== 'ok' && r !== 'budget_exhausted').length, 0);
    assert.deepEqual(rows(), { n: 30, total: 1_500_000_000 });
  });

  it('goes back to memory when the others leave, counting the rows still held', async () => {
    const a = await instance();
    const b = await instance();
    await reach(a.local, 'durable');
    const key = principal('k', { usd: 1, period: 'day' });
    const fromB = await b.ledger.reserve(key, { maxCostUsd: 0.6 });
    await b.local.leave(); // its hold in flight stays as a row
    await reach(a.local, 'memory');
    assert.deepEqual(
      registryRows().map((r) => r.mode),
      ['memory'],
    );
    await nextTurn();
    assert.equal(await codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.5 })), 'budget_exhausted', "b's row still counts");
    assert.equal(await codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.4 })), 'ok');
    // b's call ends: settled by a ledger on the file (its row is deleted, its cost charged).
    await b.ledger.settle(fromB, 0.1);
    await nextTurn();
    assert.equal(await codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.5 })), 'ok', '0.1 spent + 0.4 held + 0.5');
  });

  it('writes its holds down and registers again when its own row was deleted under it', async () => {
    const a = await instance({ watchMs: 60_000 });
    const key = principal('k', { usd: 1, period: 'day' });
    await a.ledger.reserve(key, { maxCostUsd: 0.4 });
    const db = new Database(path);
    db.prepare('DELETE FROM gateway_instances').run();
    db.close();
    // Its first hold of the next turn notices (data_version), writes the first down and registers again.
    await nextTurn();
    assert.equal(await codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.4 })), 'ok');
    assert.deepEqual(rows(), { n: 2, total: 800_000_000 });
    assert.deepEqual(
      registryRows().map((r) => [r.pid, r.mode]),
      [[process.pid, 'durable']],
    );
    assert.equal(await codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.4 })), 'budget_exhausted');
  });

  it('ignores and removes a dead registrant', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    insertRegistrant(gone.pid as number, 'memory');
    const a = await instance();
    assert.equal(a.local.state(), 'memory');
    assert.deepEqual(
      registryRows().map((r) => r.pid),
      [process.pid],
    );
  });

  it("counts another host's (or pid namespace's) registrant as live, whatever its pid", async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    insertRegistrant(gone.pid as number, 'memory', 'elsewhere/pid:[1]');
    const b = await instance({ handoverTimeoutMs: 20 });
    assert.equal(b.local.state(), 'joining');
    assert.equal(await codeOf(() => b.ledger.reserve(principal('k', { usd: 1, period: 'day' }), { maxCostUsd: 0.1 })), 'store_unavailable');
    assert.equal(registryRows().length, 2, 'its row stays');
  });

  it('waits for a live registrant holding in memory, refuses with store_unavailable meanwhile, and goes on once it is killed', async () => {
    // Lives until killed (afterEach kills it on a failure): a sleeper that ended on its own under a
    // loaded machine would make the kill below a no-op and its 'exit' already past.
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)']);
    children.push(sleeper);
    insertRegistrant(sleeper.pid as number, 'memory');
    const b = await instance({ handoverTimeoutMs: 50 });
    assert.equal(b.local.state(), 'joining');
    const key = principal('k', { usd: 1, period: 'day' });
    assert.equal(await codeOf(() => b.ledger.reserve(key, { maxCostUsd: 0.1 })), 'store_unavailable');
    sleeper.kill('SIGKILL');
    if (sleeper.exitCode === null && sleeper.signalCode === null) await once(sleeper, 'exit');
    await reach(b.local, 'durable');
    assert.equal(await codeOf(() => b.ledger.reserve(key, { maxCostUsd: 0.1 })), 'ok');
  });

  it('across processes: a gateway process holding in memory writes its holds down for a newcomer; they survive its kill -9', async () => {
    const key = principal('proc', { usd: 1, period: 'day' });
    const child = await startChild(key, 3, 0.25, 20);
    assert.deepEqual(child.report, { state: 'memory', granted: 3 });
    assert.equal(rows().n, 0);
    const b = await instance();
    assert.equal(await codeOf(() => b.ledger.reserve(key, { maxCostUsd: 0.3 })), 'budget_exhausted', '0.75 held by the other process');
    assert.equal(await codeOf(() => b.ledger.reserve(key, { maxCostUsd: 0.25 })), 'ok');
    assert.deepEqual(rows(), { n: 4, total: 1_000_000_000 });
    child.process.kill('SIGKILL');
    await once(child.process, 'exit');
    // Its holds are rows now: they count until they expire, as any durable hold of a crashed process.
    assert.equal(await codeOf(() => b.ledger.reserve(key, { maxCostUsd: 0.01 })), 'budget_exhausted');
  });

  it('across processes: holds kept in memory by a process killed before its hand-over vanish with it', async () => {
    const key = principal('lost', { usd: 1, period: 'day' });
    const child = await startChild(key, 3, 0.25, 600_000); // never looks at the registry on its own
    const b = await instance();
    assert.equal(b.local.state(), 'joining');
    child.process.kill('SIGKILL');
    await once(child.process, 'exit');
    await reach(b.local, 'memory'); // the dead registrant removed, b alone
    assert.equal(await codeOf(() => b.ledger.reserve(key, { maxCostUsd: 1 })), 'ok', 'nothing of the killed process is held');
  });

  it('across processes: a newcomer killed after the hand-over leaves its holds as rows, and the first goes back to memory', async () => {
    const a = await instance({ watchMs: 10 });
    const key = principal('newcomer', { usd: 1, period: 'day' });
    await a.ledger.reserve(key, { maxCostUsd: 0.5 });
    const child = await startChild(key, 2, 0.25, 10); // waits for a's hand-over, then holds durably
    assert.deepEqual(child.report, { state: 'durable', granted: 2 });
    assert.equal(a.local.state(), 'durable');
    child.process.kill('SIGKILL');
    await once(child.process, 'exit');
    await reach(a.local, 'memory');
    assert.deepEqual(
      registryRows().map((r) => r.pid),
      [process.pid],
    );
    assert.equal(await codeOf(() => a.ledger.reserve(key, { maxCostUsd: 0.01 })), 'budget_exhausted', "a's row and the killed process's two still count");
  });

  async function startChild(key: KeyPrincipal, count: number, amount: number, watchMs: number) {
    const script = fileURLToPath(new URL('./__fixtures__/memory-holds-child.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', script, path, JSON.stringify(key), String(count), String(amount), String(watchMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(proc);
    let text = '';
    proc.stdout?.on('data', (d: Buffer) => (text += d.toString()));
    while (!text.includes('\n')) {
      if (proc.exitCode !== null) throw new Error(`child exited with ${proc.exitCode}`);
      await sleep(10);
    }
    return { process: proc, report: JSON.parse(text.trim()) as { state: string; granted: number } };
  }
});
