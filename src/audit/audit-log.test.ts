import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MASTER_PRINCIPAL, actorOf } from '../auth/principal.js';
import { openStore, type Store } from '../store/store.js';
import type { AuditEvent, RequestAuditEvent } from './audit-event.js';
import { createAuditLog, type AuditLog } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';

function requestEvent(i: number, extra: Partial<RequestAuditEvent> = {}): RequestAuditEvent {
  return {
    type: 'request',
    requestId: `req-${i}`,
    actor: { kind: 'key', keyId: 'abcdefabcdef', team: 'research' },
    endpoint: 'chat',
    model: 'auto',
    route: 'pii-stays-local',
    provider: 'local',
    upstreamModel: 'qwen',
    locality: 'device',
    privacy: { action: 'pseudonymize', findings: { EMAIL: 2, PHONE: 1 } },
    outcome: { status: 200, code: null },
    costUsd: 0,
    tokens: { input: 12, output: 7, estimated: false },
    latencyMs: 42.5,
    ...extra,
  };
}

const adminEvent: AuditEvent = {
  type: 'admin',
  actor: actorOf(MASTER_PRINCIPAL),
  action: 'key.created',
  target: { keyId: 'abcdefabcdef' },
  details: { name: 'ci', team: 'research' },
};

describe('audit log', () => {
  let dir: string;
  let store: Store;
  let audit: AuditLog;
  let now: number;

  /** What an attacker with the file does: drop the append-only triggers, then edit with SQL. */
  function tamper(sql: string, ...params: unknown[]): void {
    const db = new Database(join(dir, 'flambeau.db'));
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    db.prepare(sql).run(...params);
    db.close();
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flambeau-audit-'));
    store = openStore(join(dir, 'flambeau.db'));
    now = Date.UTC(2026, 10, 15, 12);
    audit = createAuditLog({ sql: store.sql, clock: () => (now += 1000), pageSize: 3 });
    await audit.append(adminEvent);
    for (let i = 1; i <= 5; i++) await audit.append(requestEvent(i, i === 3 ? { outcome: { status: 402, code: 'budget_exhausted' } } : {}));
    await audit.append({ ...adminEvent, action: 'key.revoked' });
  });
  afterEach(async () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chains records: hash = sha256(prev_hash + canonical body), and verifies OK', async () => {
    const rows = store.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as { seq: number; body: string; prev_hash: string; hash: string }[];
    assert.equal(rows.length, 7);
    assert.equal(rows[0]?.prev_hash, '0'.repeat(64));
    for (const [i, row] of rows.entries()) {
      assert.equal(row.seq, i + 1);
      assert.equal(
        row.hash,
        createHash('sha256')
          .update(row.prev_hash + row.body)
          .digest('hex'),
      );
      if (i > 0) assert.equal(row.prev_hash, rows[i - 1]?.hash);
    }
    const result = await audit.verify();
    assert.deepEqual(result, { ok: true, count: 7, head: await audit.head() });
  });

  it('appends inside a transaction of the store that is not its own, after appends of its own, as the next record', async () => {
    // SQLite hands every transaction the same executor: nothing from an earlier one may leak in,
    // such as the last record it knew (another writer, here a second log, appended since).
    await createAuditLog({ sql: store.sql }).append({ ...adminEvent, action: 'team.updated' });
    await store.sql.transaction(async (tx) => {
      await audit.append({ ...adminEvent, action: 'key.created' }, undefined, tx);
      await audit.append({ ...adminEvent, action: 'key.revoked' }, undefined, tx);
    });
    await audit.append({ ...adminEvent, action: 'key.created' });
    assert.deepEqual(await audit.verify(), { ok: true, count: 11, head: await audit.head() });
  });

  it('refuses UPDATE and DELETE through SQL while its triggers are in place', async () => {
    assert.throws(() => store.db.prepare("UPDATE audit_log SET body = '{}' WHERE seq = 2").run(), /append-only/);
    assert.throws(() => store.db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
  });

  it('detects a record edited directly in SQLite', async () => {
    const body = (store.db.prepare('SELECT body FROM audit_log WHERE seq = 4').pluck().get() as string).replace('"status":402', '"status":200');
    tamper('UPDATE audit_log SET body = ? WHERE seq = 4', body);
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.firstBroken, 4);
    assert.match(!result.ok ? result.reason : '', /altered/);
  });

  it("detects an edit whose author recomputed that record's hash", async () => {
    const row = store.db.prepare('SELECT body, prev_hash FROM audit_log WHERE seq = 2').get() as { body: string; prev_hash: string };
    const body = row.body.replace('"costUsd":0', '"costUsd":1');
    tamper(
      'UPDATE audit_log SET body = ?, hash = ? WHERE seq = 2',
      body,
      createHash('sha256')
        .update(row.prev_hash + body)
        .digest('hex'),
    );
    const result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 3);
    assert.match(!result.ok ? result.reason : '', /does not follow record 2/);
  });

  it('detects an edit of an indexed column only', async () => {
    tamper('UPDATE audit_log SET at = at + 1 WHERE seq = 5');
    const result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 5);
  });

  it('detects a deleted record', async () => {
    tamper('DELETE FROM audit_log WHERE seq = 3');
    const result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 3);
    assert.match(!result.ok ? result.reason : '', /record 3 is missing/);
  });

  it('detects a swapped pair', async () => {
    tamper('UPDATE audit_log SET seq = -1 WHERE seq = 4');
    tamper('UPDATE audit_log SET seq = 4 WHERE seq = 5');
    tamper('UPDATE audit_log SET seq = 5 WHERE seq = -1');
    const result = await audit.verify();
    assert.equal(!result.ok && result.firstBroken, 4);
  });

  it('detects records cut from the end, given an anchor kept elsewhere', async () => {
    const anchor = await audit.head();
    assert.ok(anchor !== null);
    tamper('DELETE FROM audit_log WHERE seq >= 6');
    assert.equal((await audit.verify()).ok, true); // a shorter chain is still a chain...
    const result = await audit.verify({ anchor }); // ...but not the one written down
    assert.equal(!result.ok && result.firstBroken, 6);
  });

  it('drops request content unless include_content is on', async () => {
    const withText = requestEvent(9, { content: { request: 'my secret prompt', answer: 'the answer' } });
    const dropped = await audit.append(withText);
    assert.equal('content' in dropped.event, false);
    assert.ok(!(store.db.prepare('SELECT body FROM audit_log WHERE seq = ?').pluck().get(dropped.seq) as string).includes('secret prompt'));
    const kept = await createAuditLog({ sql: store.sql, includeContent: true }).append(withText);
    assert.ok((store.db.prepare('SELECT body FROM audit_log WHERE seq = ?').pluck().get(kept.seq) as string).includes('secret prompt'));
  });

  it('exports JSON lines since a date, each re-verifiable from its own fields', async () => {
    const lines: string[] = [];
    for await (const line of audit.exportLines({ since: Date.UTC(2026, 10, 15, 12, 0, 3) })) lines.push(line);
    assert.equal(lines.length, 5);
    const records = lines.map((line) => {
      assert.ok(line.endsWith('\n'));
      return JSON.parse(line) as { seq: number; at: string; event: AuditEvent; prev_hash: string; hash: string };
    });
    assert.deepEqual(
      records.map((r) => r.seq),
      [3, 4, 5, 6, 7],
    );
    assert.equal(records[0]?.at, '2026-11-15T12:00:03.000Z');
    for (const [i, r] of records.entries()) {
      const body = canonicalJson({ seq: r.seq, at: r.at, event: r.event });
      assert.equal(
        createHash('sha256')
          .update(r.prev_hash + body)
          .digest('hex'),
        r.hash,
      );
      if (i > 0) assert.equal(r.prev_hash, records[i - 1]?.hash);
    }
  });

  it('never stores a key: admin events carry only ids and facts', async () => {
    const all = store.db.prepare('SELECT body FROM audit_log').pluck().all() as string[];
    for (const body of all) assert.doesNotMatch(body, /flm_[0-9a-f]{12}_/);
  });
});

describe('canonical JSON', () => {
  it('sorts keys, drops undefined and writes no whitespace', async () => {
    assert.equal(canonicalJson({ b: 1, a: [true, null, 'x', undefined], c: { z: undefined, y: 1.5 } }), '{"a":[true,null,"x",null],"b":1,"c":{"y":1.5}}');
    assert.equal(canonicalJson({ é: 1, e: 2, Z: 3 }), '{"Z":3,"e":2,"é":1}');
    assert.throws(() => canonicalJson({ x: Number.NaN }));
  });

  it('writes what a plain sort-every-object serialiser writes, whether the keys come sorted or not', () => {
    // The reference: every object's keys sorted, each quoted by JSON.stringify (no shortcut, no cache).
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : reference(item))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${reference(item)}`).join(',')}}`;
    };
    const keys = ['a', 'b', 'Z', 'é', 'a"b', 'line\u2028sep', '10', '9', 'costUsd', 'content', ''];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const make = (depth: number): unknown => {
      const pick = next();
      if (depth > 2 || pick < 0.3) return [1.5, -0, 'x\n"y"', true, null, undefined, 12345678901234][Math.floor(next() * 7)];
      if (pick < 0.45) return Array.from({ length: Math.floor(next() * 4) }, () => make(depth + 1));
      const object: Record<string, unknown> = {};
      const own = keys.filter(() => next() < 0.4);
      if (next() < 0.5) own.sort(); // sorted as built: the shortcut; else in the order picked
      for (const key of own) object[key] = make(depth + 1);
      return object;
    };
    for (let i = 0; i < 500; i++) {
      const value = { v: make(0) };
      assert.equal(canonicalJson(value), reference(value));
    }
  });
});
