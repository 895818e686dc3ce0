import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sampleOutcome } from '../audit/__fixtures__/sample-outcome.js';
import { AUDIT_HEAD_FILE, ensureAuditKey } from '../audit/audit-key.js';
import { createAuditLog } from '../audit/audit-log.js';
import { thisProcess } from '../audit/record-journal.js';
import { createRequestRecorder, type RequestOutcome } from '../audit/request-outcome.js';
import { createBudgetLedger } from '../auth/budget-ledger.js';
import { MASTER_PRINCIPAL } from '../auth/principal.js';
import { homePaths } from '../config/home-layout.js';
import { openStore } from '../store/store.js';
import { createRequestLog } from '../usage/request-log.js';
import { createUsageLog } from '../usage/usage-log.js';
import { applyLeftRecords } from './left-records.js';

// Above Linux's PID_MAX_LIMIT (2^22): no live process has it, so its journal is left behind.
const DEAD_PID = 4_194_305;

function outcome(requestId: string): RequestOutcome {
  return sampleOutcome(requestId, { ...MASTER_PRINCIPAL, kind: 'key', keyId: 'aaaaaaaaaaaa', name: 'k' });
}

describe('applyLeftRecords (what store migrate does first)', () => {
  it('applies the records a dead server left in its journal, once, into a chain that verifies', async () => {
    const home = mkdtempSync(join(tmpdir(), 'flambeau-left-'));
    const store = openStore(homePaths(home).db);
    const audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(home).key, headPath: join(home, AUDIT_HEAD_FILE) } });
    try {
      // A "dead" server: acknowledged three requests, its apply window never closed.
      const dead = createRequestRecorder({
        usage: createUsageLog(store.sql),
        audit,
        ledger: createBudgetLedger({ sql: store.sql }),
        requestLog: createRequestLog(store.sql),
        journal: { dir: homePaths(home).journal, windowMs: 600_000, owner: { host: thisProcess().host, pid: DEAD_PID } },
      });
      for (const id of ['a', 'b', 'c']) await dead.recordRequestOutcome(outcome(id));
      const rows = () => store.db.prepare('SELECT COUNT(*) FROM usage_log').pluck().get() as number;
      assert.equal(rows(), 0, 'nothing applied yet');
      assert.equal(await applyLeftRecords(home, store.sql), 3);
      assert.equal(rows(), 3);
      assert.equal(await applyLeftRecords(home, store.sql), 0, 'nothing left the second time');
      assert.equal(rows(), 3);
      const verdict = await createAuditLog({
        sql: store.sql,
        keyed: { key: ensureAuditKey(home).key, headPath: join(home, AUDIT_HEAD_FILE), readOnly: true },
      }).verify();
      assert.equal(verdict.ok, true, JSON.stringify(verdict));
      assert.equal(verdict.count, 3);
      // The "dead" recorder, closed at last (its timer would keep the test alive): nothing twice.
      await dead.close();
      assert.equal(rows(), 3);
    } finally {
      audit.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a home without a journal is left untouched (no audit key is made)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'flambeau-left-'));
    const store = openStore(homePaths(home).db);
    try {
      assert.equal(await applyLeftRecords(home, store.sql), 0);
      assert.equal(existsSync(homePaths(home).auditKey), false);
    } finally {
      await store.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
