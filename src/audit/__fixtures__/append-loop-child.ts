// The kill -9 test's worker: records request outcomes (usage + audit) in a loop against a shared
// SQLite file, printing each request id once its recordRequestOutcome returned, i.e. once the
// request would have been acknowledged. Every other round records 8 at once (one group commit),
// the others one by one. argv: dbPath, worker name.
import { openStore } from '../../store/store.js';
import { MASTER_PRINCIPAL } from '../../auth/principal.js';
import { createUsageLog } from '../../usage/usage-log.js';
import { dirname, join } from 'node:path';
import { AUDIT_HEAD_FILE, ensureAuditKey } from '../audit-key.js';
import { createAuditLog } from '../audit-log.js';
import { createRequestRecorder } from '../request-outcome.js';

const [dbPath, worker] = process.argv.slice(2) as [string, string];
const store = openStore(dbPath);
// Keyed as the gateway is: both writers update HOME/audit.head after each commit.
const home = dirname(dbPath);
const audit = createAuditLog({ sql: store.sql, keyed: { key: ensureAuditKey(home).key, headPath: join(home, AUDIT_HEAD_FILE) } });
const recorder = createRequestRecorder({ usage: createUsageLog(store.sql), audit });
process.stdout.write('ready\n');
const record = async (requestId: string) => {
  await recorder.recordRequestOutcome({
    requestId,
    startedAt: Date.now(),
    principal: MASTER_PRINCIPAL,
    endpoint: 'chat',
    model: 'gpt-small',
    modelKnown: true,
    route: null,
    provider: 'cloud',
    upstreamModel: 'gpt-4.1-mini',
    locality: 'cloud',
    privacy: { action: 'pseudonymize', findings: { EMAIL: 1 } },
    status: 200,
    errorCode: null,
    usage: { inputTokens: 10, outputTokens: 5, estimated: false },
    costUsd: 0.000015,
    latencyMs: 1.5,
  });
  process.stdout.write(`${requestId}\n`);
};
for (let i = 0; ; i += 8) {
  if ((i / 8) % 2 === 0) await Promise.all(Array.from({ length: 8 }, (_, j) => record(`${worker}-${i + j}`)));
  else for (let j = 0; j < 8; j++) await record(`${worker}-${i + j}`);
}
