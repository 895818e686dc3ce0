import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_HEAD_FILE, ensureAuditKey } from '../src/audit/audit-key.js';
import { createAuditLog } from '../src/audit/audit-log.js';
import type { RequestOutcome } from '../src/audit/request-outcome.js';
import { createBudgetLedger, DEFAULT_RESERVATION_TTL_MS } from '../src/auth/budget-ledger.js';
import { createKeyStore } from '../src/auth/key-store.js';
import { createLocalHolds } from '../src/auth/local-holds.js';
import { createTeamStore } from '../src/auth/team-store.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { openStore, type Store } from '../src/store/store.js';

/**
 * A throwaway SQLite home as the record benches use it (gateway-record, record-path-probe): a key
 * with a budget, its budget ledger (holds in memory with `memoryHolds`), the keyed audit log.
 * `prepare` runs on the store before the holds join (record-path-probe drops indexes there).
 * `close` ends it all and removes the home.
 */
export async function openRecordBench(options: { prefix: string; checkpointThread: boolean; memoryHolds?: boolean; prepare?: (store: Store) => void }) {
  const home = mkdtempSync(join(tmpdir(), options.prefix));
  const store = openStore(join(home, 'flambeau.db'), MIGRATIONS, { checkpointThread: options.checkpointThread });
  if (store.checkpointer !== null) await store.checkpointer.ready();
  options.prepare?.(store);
  const local = options.memoryHolds === true ? createLocalHolds({ db: store.db, sql: store.sql, reservationTtlMs: DEFAULT_RESERVATION_TTL_MS }) : undefined;
  await local?.join();
  const teams = createTeamStore(store.sql);
  const keys = createKeyStore({ sql: store.sql, teams, masterKey: null });
  const { token } = await keys.create({ name: 'bench', team: 'bench-team', budget: { usd: 1e6, period: 'month' } });
  const principal = await keys.authenticate(`Bearer ${token}`);
  const key = ensureAuditKey(home).key;
  return {
    home,
    store,
    principal,
    key,
    ledger: createBudgetLedger({ sql: store.sql, ...(local === undefined ? {} : { local }) }),
    audit: createAuditLog({ sql: store.sql, keyed: { key, headPath: join(home, AUDIT_HEAD_FILE) } }),
    async close(): Promise<void> {
      await local?.leave();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The outcome of one served chat request, as the record benches write it (gateway-record, record-path-probe). */
export function benchOutcome(principal: RequestOutcome['principal'], requestId: string): RequestOutcome {
  return {
    requestId,
    startedAt: Date.now(),
    principal,
    endpoint: 'chat',
    endpointKnown: true,
    model: 'bench',
    modelKnown: true,
    route: null,
    provider: 'upstream',
    upstreamModel: 'bench-upstream',
    locality: 'cloud',
    privacy: { action: null, findings: {} },
    status: 200,
    errorCode: null,
    usage: { inputTokens: 12, outputTokens: 24, estimated: false },
    costUsd: 0.00001,
    heldUsd: 0.001,
    latencyMs: 1.25,
    log: { ttftMs: null, streamed: false },
  };
}
