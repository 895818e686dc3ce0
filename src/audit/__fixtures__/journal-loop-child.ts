// The record journal's kill -9 tests' worker: records request outcomes (usage, audit, request log,
// budget settlement) through a journaled recorder on HOME/flambeau.db, printing each request id
// once recordRequestOutcome resolved, i.e. once the request would have been acknowledged.
// argv: home, worker name, apply window in ms (a long one holds every outcome in the journal).
import { join } from 'node:path';
import { createBudgetLedger } from '../../auth/budget-ledger.js';
import { MASTER_PRINCIPAL, type KeyPrincipal } from '../../auth/principal.js';
import { openStore } from '../../store/store.js';
import { createRequestLog } from '../../usage/request-log.js';
import { createUsageLog } from '../../usage/usage-log.js';
import { AUDIT_HEAD_FILE, ensureAuditKey } from '../audit-key.js';
import { createAuditLog } from '../audit-log.js';
import { createRequestRecorder } from '../request-outcome.js';
import { sampleOutcome } from './sample-outcome.js';

const [home, worker, windowMs] = process.argv.slice(2) as [string, string, string];
const store = openStore(join(home, 'flambeau.db'), undefined, { checkpointThread: true });
const audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(home).key, headPath: join(home, AUDIT_HEAD_FILE) } });
const ledger = createBudgetLedger({ sql: store.sql });
const recorder = createRequestRecorder({
  usage: createUsageLog(store.sql),
  audit,
  ledger,
  requestLog: createRequestLog(store.sql),
  journal: { dir: join(home, 'journal'), windowMs: Number(windowMs) },
});
// A budgeted key: each request holds before its call and settles in its record.
const key: KeyPrincipal = { ...MASTER_PRINCIPAL, kind: 'key', keyId: 'journalkey01', name: 'k', budget: { usd: 1000, period: 'month' } };
process.stdout.write('ready\n');
const record = async (requestId: string) => {
  const reservation = await ledger.reserve(key, { maxCostUsd: 0.001 });
  await recorder.recordRequestOutcome(
    sampleOutcome(requestId, key, { usage: { inputTokens: 10, outputTokens: 5, estimated: false }, costUsd: 0.000015, latencyMs: 1.5 }),
    { reservation },
  );
  process.stdout.write(`${requestId}\n`);
};
for (let i = 0; ; i += 4) await Promise.all(Array.from({ length: 4 }, (_, j) => record(`${worker}-${i + j}`)));
