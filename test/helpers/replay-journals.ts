import { join } from 'node:path';
import { AUDIT_HEAD_FILE, ensureAuditKey } from '../../src/audit/audit-key.js';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { createRequestRecorder } from '../../src/audit/request-outcome.js';
import { createBudgetLedger } from '../../src/auth/budget-ledger.js';
import { openStore } from '../../src/store/store.js';
import { createRequestLog } from '../../src/usage/request-log.js';
import { createUsageLog } from '../../src/usage/usage-log.js';

/**
 * Applies the record journals a killed server left in `home` (what its next start does before it
 * listens, decision 0019), with the server's own parts: keyed audit chain, usage, request log and
 * budget settlements. Returns how many records it applied.
 */
export async function replayRecordJournals(home: string): Promise<number> {
  const store = openStore(join(home, 'flambeau.db'));
  const audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(home).key, headPath: join(home, AUDIT_HEAD_FILE) } });
  const recorder = createRequestRecorder({
    usage: createUsageLog(store.sql),
    audit,
    ledger: createBudgetLedger({ sql: store.sql }),
    requestLog: createRequestLog(store.sql),
    journal: { dir: join(home, 'journal') },
  });
  try {
    return await recorder.replayOrphans();
  } finally {
    await recorder.close();
    audit.close();
    await store.close();
  }
}
