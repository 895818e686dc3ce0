// Another gateway process for the hand-over tests: joins the registry of a SQLite file (memory
// holds when alone), makes holds and keeps them in flight until killed.
// argv: dbPath, principal JSON, count, amount USD, watchMs. Prints one JSON line
// {"state": ..., "granted": n} once its holds are made, then waits.
import { openStore } from '../../store/store.js';
import { createBudgetLedger } from '../budget-ledger.js';
import { createLocalHolds } from '../local-holds.js';
import type { KeyPrincipal } from '../principal.js';

const [dbPath, principalJson, count, amount, watchMs] = process.argv.slice(2) as [string, string, string, string, string];
const store = openStore(dbPath);
const ttl = 15 * 60_000;
const local = createLocalHolds({ db: store.db, sql: store.sql, reservationTtlMs: ttl, watchMs: Number(watchMs) });
await local.join();
const ledger = createBudgetLedger({ sql: store.sql, local, reservationTtlMs: ttl });
const principal = JSON.parse(principalJson) as KeyPrincipal;
let granted = 0;
for (let i = 0; i < Number(count); i++) {
  try {
    await ledger.reserve(principal, { maxCostUsd: Number(amount) });
    granted++;
  } catch (error) {
    if ((error as { code?: string }).code !== 'budget_exhausted') throw error;
  }
}
process.stdout.write(`${JSON.stringify({ state: local.state(), granted })}\n`);
// Keeps the event loop (and the registry's timer) alive until killed.
setInterval(() => undefined, 60_000);
