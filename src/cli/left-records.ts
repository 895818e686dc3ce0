import { existsSync } from 'node:fs';
import { ensureAuditKey } from '../audit/audit-key.js';
import { createAuditLog } from '../audit/audit-log.js';
import { listJournals } from '../audit/record-journal.js';
import { createRequestRecorder } from '../audit/request-outcome.js';
import { createBudgetLedger } from '../auth/budget-ledger.js';
import { homePaths } from '../config/home-layout.js';
import type { SqlClient } from '../store/sql.js';
import { createRequestLog } from '../usage/request-log.js';
import { createUsageLog } from '../usage/usage-log.js';

/**
 * Applies the request records that a server which died left in the home's journal (decision
 * 0019), with the server's own parts: the keyed audit chain, usage, the request log and the
 * budget settlements. What the next start of the server would do before it listens; a command
 * that reads the whole store offline (`store migrate`) does it first, so it copies every request
 * that was acknowledged. A live server's journal is left alone. Returns how many records it applied.
 */
export async function applyLeftRecords(home: string, sql: SqlClient): Promise<number> {
  const paths = homePaths(home);
  // Nothing left: touch nothing (not even the audit key of a home that has none).
  if (!existsSync(paths.journal) || listJournals(paths.journal).length === 0) return 0;
  const audit = createAuditLog({ sql, keyed: { key: ensureAuditKey(home).key, headPath: paths.auditHead } });
  const recorder = createRequestRecorder({
    usage: createUsageLog(sql),
    audit,
    ledger: createBudgetLedger({ sql }),
    requestLog: createRequestLog(sql),
    journal: { dir: paths.journal },
  });
  try {
    return await recorder.replayOrphans();
  } finally {
    await recorder.close();
    audit.close();
  }
}
