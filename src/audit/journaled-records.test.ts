import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createBudgetLedger } from '../auth/budget-ledger.js';
import { MASTER_PRINCIPAL, type KeyPrincipal } from '../auth/principal.js';
import Database from 'better-sqlite3';
import { FlambeauError } from '../errors/index.js';
import { openStore, type Store } from '../store/store.js';
import { createRequestLog } from '../usage/request-log.js';
import { createUsageLog } from '../usage/usage-log.js';
import { AUDIT_HEAD_FILE, ensureAuditKey } from './audit-key.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import type { JournalEvent, RecordJournalOptions } from './journaled-records.js';
import { listJournals, readJournal, thisProcess } from './record-journal.js';
import { sampleOutcome } from './__fixtures__/sample-outcome.js';
import { createRequestRecorder, type RequestOutcome } from './request-outcome.js';

const key: KeyPrincipal = { ...MASTER_PRINCIPAL, kind: 'key', keyId: 'aaaaaaaaaaaa', name: 'k', budget: { usd: 1, period: 'month' } };
// Above Linux's PID_MAX_LIMIT (2^22): no live process has it, so its journals are orphans.
const DEAD_PID = 4_194_305;

function outcome(requestId: string): RequestOutcome {
  return sampleOutcome(requestId, key, { startedAt: Date.UTC(2026, 10, 15, 12) });
}

describe('the record journal (decision 0019)', () => {
  let home: string;
  let store: Store;
  let audit: AuditLog;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'flambeau-journal-'));
    store = openStore(join(home, 'flambeau.db'));
    audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(home).key, headPath: join(home, AUDIT_HEAD_FILE) } });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close().catch(() => undefined);
    audit.close();
    if (store.db.open) await store.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** A journaled recorder on the test's store, as the server builds it. */
  function recorder(journal: Partial<RecordJournalOptions> = {}) {
    const made = createRequestRecorder({
      usage: createUsageLog(store.sql),
      audit,
      ledger: createBudgetLedger({ sql: store.sql }),
      requestLog: createRequestLog(store.sql),
      journal: { dir: join(home, 'journal'), ...journal },
    });
    closers.push(() => made.close());
    return made;
  }
  const count = (sql: string, ...params: unknown[]) =>
    store.db
      .prepare(sql)
      .pluck()
      .get(...params) as number;
  const verified = async () => {
    const verdict = await createAuditLog({
      sql: store.sql,
      keyed: { key: ensureAuditKey(home).key, headPath: join(home, AUDIT_HEAD_FILE), readOnly: true },
    }).verify();
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  };

  it('acknowledges once the outcome is journaled; the rows follow in a group, and flush waits for them', async () => {
    const journaled = recorder({ windowMs: 600_000 });
    const reservation = await createBudgetLedger({ sql: store.sql }).reserve(key, { maxCostUsd: 0.01 });
    assert.equal(await journaled.recordRequestOutcome(outcome('r1'), { reservation }), null);
    await journaled.recordRequestOutcome(outcome('r2'));
    // In the journal, not yet in the tables: the window is open.
    const [file] = listJournals(join(home, 'journal'));
    assert.equal(readJournal(file?.path as string).records.length, 2);
    assert.equal(count('SELECT COUNT(*) FROM usage_log'), 0);
    assert.equal(count('SELECT COUNT(*) FROM budget_reservations'), 1, 'the hold counts until its settlement is applied');
    await journaled.flush();
    assert.equal(count('SELECT COUNT(*) FROM usage_log'), 2);
    assert.equal(count('SELECT COUNT(*) FROM request_log'), 2);
    assert.equal(count("SELECT COUNT(*) FROM audit_log WHERE type = 'request'"), 2);
    assert.equal(count('SELECT COUNT(*) FROM budget_reservations'), 0);
    assert.equal(count("SELECT spent_nusd FROM budget_spend WHERE scope = 'key:aaaaaaaaaaaa'"), 300_000);
    await verified();
    await journaled.close();
    assert.deepEqual(readdirSync(join(home, 'journal')), [], 'a clean shutdown leaves no journal');
  });

  it('journals the first outcome of a turn at once and those after it together at its end, acknowledging none before its line is in the file', async () => {
    const journaled = recorder({ windowMs: 600_000 });
    const dir = join(home, 'journal');
    await journaled.recordRequestOutcome(outcome('first')); // opens the file
    await new Promise((resolve) => setImmediate(resolve));
    const path = listJournals(dir)[0]?.path as string;
    const lines = () => readJournal(path).records.length;
    const acked: { id: string; lines: number }[] = [];
    const asked = ['t1', 't2', 't3', 't4', 't5'].map((id) => journaled.recordRequestOutcome(outcome(id)).then(() => acked.push({ id, lines: lines() })));
    assert.equal(lines(), 2, 'the first of the turn is written at once, the rest wait for its end');
    await Promise.all(asked);
    assert.deepEqual(
      acked.map((ack) => ack.id),
      ['t1', 't2', 't3', 't4', 't5'],
    );
    for (const [i, ack] of acked.entries()) assert.ok(ack.lines >= i + 2, `${ack.id} acknowledged before its line was written`);
    const { records, torn } = readJournal(path);
    assert.equal(torn, 0);
    assert.equal(records.length, 6);
    await journaled.flush();
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log ORDER BY id').pluck().all(), ['first', 't1', 't2', 't3', 't4', 't5']);
    await verified();
  });

  it('a flush in the turn of a submission covers it', async () => {
    const journaled = recorder({ windowMs: 600_000 });
    const asked = ['same-1', 'same-2'].map((id) => journaled.recordRequestOutcome(outcome(id)));
    await journaled.flush();
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log ORDER BY id').pluck().all(), ['same-1', 'same-2']);
    assert.deepEqual(await Promise.all(asked), [null, null]);
  });

  it('drops an outcome whose rows fail, alone and counted, and applies the rest of its group', async () => {
    const events: JournalEvent[] = [];
    const journaled = recorder({ windowMs: 600_000, onEvent: (event) => events.push(event) });
    await journaled.recordRequestOutcome(outcome('ok1'));
    // A STRICT integer column refuses 200.5: this outcome's rows cannot be written.
    await journaled.recordRequestOutcome({ ...outcome('bad'), status: 200.5 });
    await journaled.recordRequestOutcome(outcome('ok2'));
    await journaled.flush();
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log ORDER BY id').pluck().all(), ['ok1', 'ok2']);
    assert.deepEqual(
      events.filter((e) => e.kind === 'dropped'),
      [{ kind: 'dropped', requestId: 'bad', code: 'internal' }],
    );
    await verified();
    // Marked applied with the rest: a replay of this journal would not try it again.
    assert.equal(
      count('SELECT applied_to FROM record_journal_applied'),
      readJournal(listJournals(join(home, 'journal'))[0]?.path as string).records.at(-1)?.end,
    );
  });

  it('acknowledges while the database is locked; the apply backs off, keeps the journal, and applies once it is free', async () => {
    const events: JournalEvent[] = [];
    const journaled = recorder({ windowMs: 1, onEvent: (event) => events.push(event) });
    const other = new Database(join(home, 'flambeau.db'));
    other.exec('BEGIN EXCLUSIVE');
    try {
      assert.equal(await journaled.recordRequestOutcome(outcome('u1')), null, 'acknowledged: the journal holds it');
      // Beyond the store's busy timeout (5 s): the apply fails, and so does a read that needs it.
      await assert.rejects(journaled.flush(), (error: unknown) => error instanceof FlambeauError && error.code === 'store_unavailable');
      assert.ok(events.some((e) => e.kind === 'apply-failed' && e.code === 'store_unavailable' && e.retryInMs > 0));
      assert.equal(readJournal(listJournals(join(home, 'journal'))[0]?.path as string).records.length, 1, 'kept');
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    await journaled.flush();
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log').pluck().all(), ['u1']);
    await verified();
  });

  it('two recorders of one process on one home: neither takes the journal the other has open', async () => {
    const first = recorder({ windowMs: 600_000 });
    await first.recordRequestOutcome(outcome('mine'));
    assert.equal(await recorder().replayOrphans(), 0);
    assert.equal(listJournals(join(home, 'journal')).length, 1);
    await first.flush();
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log').pluck().all(), ['mine']);
  });

  it('a group that fails after its settlements is retried with them: the spend is charged once, the hold dropped', async () => {
    const journaled = recorder({ windowMs: 600_000 });
    const reservation = await createBudgetLedger({ sql: store.sql }).reserve(key, { maxCostUsd: 0.01 });
    await journaled.recordRequestOutcome(outcome('s1'), { reservation });
    // The mark is the apply's last write, after the settlements: make it fail once.
    store.db.exec("CREATE TRIGGER no_mark BEFORE INSERT ON record_journal_applied BEGIN SELECT RAISE(ABORT, 'no mark'); END");
    await assert.rejects(journaled.flush());
    assert.equal(count('SELECT COUNT(*) FROM budget_reservations'), 1, 'rolled back: still held');
    store.db.exec('DROP TRIGGER no_mark');
    await journaled.flush();
    assert.equal(count('SELECT COUNT(*) FROM budget_reservations'), 0);
    assert.equal(count("SELECT spent_nusd FROM budget_spend WHERE scope = 'key:aaaaaaaaaaaa'"), 300_000);
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log').pluck().all(), ['s1']);
  });

  it('gives way to a new journal file once one is big and applied, and removes the old one with its mark', async () => {
    const dir = join(home, 'journal');
    const journaled = recorder({ windowMs: 600_000, rotateBytes: 1 });
    await journaled.recordRequestOutcome(outcome('x1'));
    const first = listJournals(dir).map((file) => file.id);
    assert.equal(first.length, 1);
    await journaled.flush();
    assert.deepEqual(listJournals(dir), [], 'applied and past rotateBytes: removed');
    assert.equal(count('SELECT COUNT(*) FROM record_journal_applied'), 0);
    await journaled.recordRequestOutcome(outcome('x2'));
    const second = listJournals(dir).map((file) => file.id);
    assert.equal(second.length, 1);
    assert.notEqual(second[0], first[0]);
    await journaled.flush();
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log ORDER BY id').pluck().all(), ['x1', 'x2']);
    await verified();
  });

  it('a replay after a crash between the apply commit and the journal removal writes nothing twice', async () => {
    // The "dead" process applied its records (and their mark) but never removed its journal.
    const dead = recorder({ owner: { host: thisProcess().host, pid: DEAD_PID } });
    for (const id of ['a', 'b', 'c']) await dead.recordRequestOutcome(outcome(id));
    await dead.flush();
    assert.equal(count('SELECT COUNT(*) FROM usage_log'), 3);
    const events: JournalEvent[] = [];
    const next = recorder({ onEvent: (event) => events.push(event) });
    assert.equal(await next.replayOrphans(), 3, 'read back');
    assert.deepEqual(
      events.filter((e) => e.kind === 'replayed').map((e) => e.kind === 'replayed' && e.records),
      [3],
    );
    assert.equal(count('SELECT COUNT(*) FROM usage_log'), 3, 'no usage row twice');
    assert.equal(count("SELECT COUNT(*) FROM audit_log WHERE type = 'request'"), 3, 'no audit record twice');
    assert.equal(count('SELECT COUNT(*) FROM request_log'), 3);
    await verified();
    assert.deepEqual(listJournals(join(home, 'journal')), [], 'the replayed journal is removed');
  });

  it('ignores a torn tail and applies the whole records before it', async () => {
    const dead = recorder({ windowMs: 600_000, owner: { host: thisProcess().host, pid: DEAD_PID } });
    for (const id of ['t1', 't2', 't3']) await dead.recordRequestOutcome(outcome(id));
    const [file] = listJournals(join(home, 'journal'));
    // A write cut short by a crash: no newline, and a checksum that cannot match.
    appendFileSync(file?.path as string, '0badc0de {"v":1,"at":17');
    const events: JournalEvent[] = [];
    const next = recorder({ onEvent: (event) => events.push(event) });
    assert.equal(await next.replayOrphans(), 3);
    const replayed = events.find((e) => e.kind === 'replayed');
    assert.equal(replayed?.kind === 'replayed' && replayed.torn, 1);
    assert.deepEqual(store.db.prepare('SELECT request_id FROM usage_log ORDER BY id').pluck().all(), ['t1', 't2', 't3']);
    await verified();
  });

  it('acknowledged records survive a kill -9 with the apply window held open; a replay applies each exactly once, holds settled', async () => {
    const child = startChild(home, 'w', 600_000);
    try {
      const acked = await ackedUntil(child, 12);
      // While it lives, its journal is its own: nobody else replays it.
      assert.equal(await recorder().replayOrphans(), 0);
      await kill(child);
      assert.equal(count('SELECT COUNT(*) FROM usage_log'), 0, 'nothing applied: the window was open');
      const applied = await recorder().replayOrphans();
      assertOnce(acked, applied);
      assert.ok(count('SELECT COUNT(*) FROM budget_reservations') <= 4, 'only the holds of requests never journaled are left (they expire)');
      await verified();
      // A second replay finds nothing to do.
      assert.equal(await recorder().replayOrphans(), 0);
      assertOnce(acked, applied);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('two processes on one home, applying as they go, then killed: every acknowledged record once, one chain', async () => {
    const children = [startChild(home, 'p1', 2), startChild(home, 'p2', 2)];
    try {
      const acked = (await Promise.all(children.map((child) => ackedUntil(child, 40)))).flat();
      for (const child of children) await kill(child);
      const applied = await recorder().replayOrphans();
      assertOnce(acked, count('SELECT COUNT(*) FROM usage_log'));
      assert.ok(applied <= count('SELECT COUNT(*) FROM usage_log'));
      await verified();
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  /** Every acknowledged id is in usage, audit and the request log exactly once; `total` rows in all; spend matches the rows. */
  function assertOnce(acked: string[], total: number): void {
    const usage = store.db.prepare('SELECT request_id FROM usage_log').pluck().all() as string[];
    const audited = store.db.prepare("SELECT json_extract(body, '$.event.requestId') FROM audit_log WHERE type = 'request'").pluck().all() as string[];
    const logged = store.db.prepare('SELECT id FROM request_log').pluck().all() as string[];
    for (const rows of [usage, audited, logged]) {
      assert.equal(new Set(rows).size, rows.length, 'no record twice');
      assert.deepEqual(
        acked.filter((id) => !rows.includes(id)),
        [],
        'no acknowledged record missing',
      );
    }
    assert.equal(usage.length, total);
    assert.equal(
      count("SELECT COALESCE(SUM(spent_nusd), 0) FROM budget_spend WHERE scope = 'key:journalkey01'"),
      usage.length * 15_000,
      'each settlement charged once',
    );
  }
});

function startChild(home: string, name: string, windowMs: number): ChildProcess {
  const script = fileURLToPath(new URL('./__fixtures__/journal-loop-child.ts', import.meta.url));
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, home, name, String(windowMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The ids the child acknowledged, once it has acknowledged at least `least`. */
function ackedUntil(child: ChildProcess, least: number): Promise<string[]> {
  const acked: string[] = [];
  let partial = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line !== 'ready' && line !== '') acked.push(line);
      if (acked.length >= least) resolve(acked);
    });
    child.once('exit', () => reject(new Error('the child exited')));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
