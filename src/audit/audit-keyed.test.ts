import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MASTER_PRINCIPAL, actorOf, type KeyPrincipal } from '../auth/principal.js';
import { createSqliteClient } from '../store/sqlite-client.js';
import { openStore, type Store } from '../store/store.js';
import { createUsageLog } from '../usage/usage-log.js';
import { AUDIT_HEAD_FILE, ensureAuditKey } from './audit-key.js';
import { openAuditFile } from './audit-file.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import { sampleOutcome } from './__fixtures__/sample-outcome.js';
import { createRequestRecorder, type RequestOutcome, type RequestRecorder } from './request-outcome.js';

const key: KeyPrincipal = { ...MASTER_PRINCIPAL, kind: 'key', keyId: 'aaaaaaaaaaaa', name: 'k', budget: null, team: null };

function outcome(i: number): RequestOutcome {
  return sampleOutcome(`req-${i}`, key, {
    startedAt: Date.UTC(2026, 10, 15, 12) + i,
    usage: { inputTokens: 100 + i, outputTokens: 20, estimated: false },
    costUsd: 0.0001 * i,
    latencyMs: 5,
  });
}

describe('keyed audit chain (issue 11, item 13)', () => {
  let dir: string;
  let store: Store;
  let audit: AuditLog;
  let recorder: RequestRecorder;
  let tampered: string[];

  const open = (): AuditLog =>
    createAuditLog({
      sql: store.sql,
      keyed: { key: ensureAuditKey(dir).key, headPath: join(dir, AUDIT_HEAD_FILE), onTamper: (reason) => tampered.push(reason) },
    });

  /** What an attacker with the database file (not the key) does: drop the triggers, then edit with SQL. */
  function tamper(work: (db: Database.Database) => void): void {
    const db = new Database(join(dir, 'flambeau.db'));
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    work(db);
    db.close();
  }
  /** Rewrites the chain from `from` on as an attacker would: recomputed prev_hash and hash, MAC left or cleared. */
  function rehashFrom(db: Database.Database, from: number, clearMac: boolean): void {
    const rows = db.prepare('SELECT seq, body FROM audit_log WHERE seq >= ? ORDER BY seq').all(from) as { seq: number; body: string }[];
    let prev = db
      .prepare('SELECT hash FROM audit_log WHERE seq = ?')
      .pluck()
      .get(from - 1) as string;
    for (const row of rows) {
      const hash = createHash('sha256')
        .update(prev + row.body)
        .digest('hex');
      db.prepare(`UPDATE audit_log SET prev_hash = ?, hash = ?${clearMac ? ', mac = NULL' : ''} WHERE seq = ?`).run(prev, hash, row.seq);
      prev = hash;
    }
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-keyed-'));
    store = openStore(join(dir, 'flambeau.db'));
    tampered = [];
    audit = open();
    recorder = createRequestRecorder({ usage: createUsageLog(store.sql), audit });
    await audit.append({ type: 'admin', actor: actorOf(MASTER_PRINCIPAL), action: 'key.created', target: { keyId: 'aaaaaaaaaaaa' }, details: {} });
    for (let i = 1; i <= 6; i++) await recorder.recordRequestOutcome(outcome(i));
  });
  afterEach(async () => {
    audit.close();
    if (store.db.open) store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('MACs every record, keeps the head outside the database, and verifies', async () => {
    assert.equal(statSync(join(dir, 'audit.key')).mode & 0o777, 0o600);
    const macs = store.db.prepare('SELECT mac FROM audit_log ORDER BY seq').pluck().all() as (string | null)[];
    assert.equal(macs.length, 7);
    assert.ok(macs.every((mac) => mac !== null && /^[0-9a-f]{64}$/.test(mac)));
    const result = await audit.verify();
    assert.deepEqual(result, { ok: true, count: 7, head: await audit.head(), keyedFrom: 1 });
  });

  it('catches the last records cut, even with every remaining hash valid', async () => {
    // A careful attacker removes the usage rows of those records too, so that nothing points at them.
    tamper((db) => db.exec('DELETE FROM audit_log WHERE seq >= 6; DELETE FROM usage_log WHERE audit_seq >= 6;'));
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.firstBroken, 6);
    assert.match(!result.ok ? result.reason : '', /at record 7: records were removed from its end/);
  });

  it('catches a record rewritten with every later hash recomputed, MAC kept or cleared', async () => {
    tamper((db) => {
      const body = (db.prepare('SELECT body FROM audit_log WHERE seq = 3').pluck().get() as string).replace('"status":200', '"status":500');
      db.prepare('UPDATE audit_log SET body = ? WHERE seq = 3').run(body);
      rehashFrom(db, 3, false);
    });
    let result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 3);
    assert.match(!result.ok ? result.reason : '', /without the audit key: its MAC does not match/);
    tamper((db) => rehashFrom(db, 3, true));
    result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 3);
    assert.match(!result.ok ? result.reason : '', /has no MAC although the chain is keyed from record 1/);
  });

  it('catches the whole tail replaced by an unkeyed chain that ends at the same place', async () => {
    tamper((db) => {
      db.prepare('DELETE FROM audit_log WHERE seq >= 2').run();
      db.prepare('DELETE FROM usage_log').run();
    });
    // The attacker appends look-alike records with the plain (unkeyed) writer.
    const plainPath = join(dir, 'flambeau.db');
    const plain = createAuditLog({ sql: createSqliteClient(new Database(plainPath), plainPath) });
    for (let i = 2; i <= 7; i++) await plain.append({ type: 'admin', actor: actorOf(MASTER_PRINCIPAL), action: 'key.revoked', target: {}, details: {} });
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.firstBroken, 2);
  });

  it('catches a usage cost edited with raw SQL, naming the usage row', async () => {
    const id = store.db.prepare("SELECT id FROM usage_log WHERE request_id = 'req-4'").pluck().get() as number;
    tamper((db) => db.prepare('UPDATE usage_log SET cost_nusd = 1 WHERE id = ?').run(id));
    const result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 5);
    assert.match(!result.ok ? result.reason : '', new RegExp(`usage row ${id} \\(request req-4\\) disagrees with audit record 5`));
  });

  it('catches a usage row deleted or unlinked', async () => {
    tamper((db) => db.prepare("UPDATE usage_log SET audit_seq = NULL WHERE request_id = 'req-2'").run());
    const result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 3);
    assert.match(!result.ok ? result.reason : '', /audit record 3 \(request req-2\) has no usage row/);
  });

  it('keeps the head where it was when an append finds the chain cut, and reports it', async () => {
    tamper((db) => db.exec('DELETE FROM audit_log WHERE seq >= 6; DELETE FROM usage_log WHERE audit_seq >= 6;'));
    await recorder.recordRequestOutcome(outcome(9)); // becomes record 6 again
    await recorder.recordRequestOutcome(outcome(10));
    assert.equal(tampered.length, 1);
    assert.match(tampered[0] ?? '', /records were cut from its end/);
    const result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 7);
    assert.match(!result.ok ? result.reason : '', /differs from the head kept outside the database/);
  });

  it('verifies a chain whose older records predate the key; the keyed part starts at a boundary', async () => {
    audit.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'flambeau-keyed-'));
    store = openStore(join(dir, 'flambeau.db'));
    const legacy = createAuditLog({ sql: store.sql });
    for (let i = 0; i < 3; i++)
      await legacy.append({ type: 'admin', actor: actorOf(MASTER_PRINCIPAL), action: 'team.created', target: { team: `t${i}` }, details: {} });
    audit = open();
    await createRequestRecorder({ usage: createUsageLog(store.sql), audit }).recordRequestOutcome(outcome(1));
    assert.deepEqual(store.db.prepare('SELECT seq FROM audit_log WHERE mac IS NULL ORDER BY seq').pluck().all(), [1, 2, 3]);
    const result = await audit.verify();
    assert.deepEqual(result, { ok: true, count: 4, head: await audit.head(), keyedFrom: 4 });
  });

  it('the read-only check of `flambeau audit verify` finds a missing head, and refuses MACs it cannot check without the key', async () => {
    let file = openAuditFile(join(dir, 'flambeau.db'));
    assert.equal((await file.audit.verify()).ok, true);
    file.close();
    rmSync(join(dir, AUDIT_HEAD_FILE));
    file = openAuditFile(join(dir, 'flambeau.db'));
    let result = await file.audit.verify();
    assert.match(!result.ok ? result.reason : '', /audit.head\) is missing/);
    file.close();
    rmSync(join(dir, 'audit.key'));
    file = openAuditFile(join(dir, 'flambeau.db'));
    result = await file.audit.verify();
    assert.match(!result.ok ? result.reason : '', /audit key \(HOME\/audit.key\) is not available/);
    file.close();
  });
});
